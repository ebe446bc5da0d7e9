package io.dynaccel.server.write.back.internal;

import static io.dynaccel.server.write.back.internal.ScriptedUpstream.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {

  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void write_whenFileExists_appendsOneLinePerItem() throws Exception {
    Path file = dir.resolve("dead.jsonl");
    Files.writeString(file, "{\"earlier\":true}\n");
    try (DeadLetters deadLetters = new DeadLetters(vertx, file, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC))) {
      await(deadLetters.write(BatchFlusherTest.put("T", "a"), "ValidationException", "first"));
      await(deadLetters.write(BatchFlusherTest.delete("T", "b"), "ResourceNotFoundException", "second"));
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    assertThat(JsonCodec.read(lines.get(1).getBytes(StandardCharsets.UTF_8)).path("message").asText()).isEqualTo("first");
    assertThat(JsonCodec.read(lines.get(1).getBytes(StandardCharsets.UTF_8)).path("time").asText()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(JsonCodec.read(lines.get(2).getBytes(StandardCharsets.UTF_8)).path("item").isNull()).isTrue();
  }

  @Test
  void write_whenEarlierLineTorn_startsOnAFreshLine() throws Exception {
    Path file = dir.resolve("dead.jsonl");
    Files.writeString(file, "{\"torn\":");
    try (DeadLetters deadLetters = new DeadLetters(vertx, file)) {
      await(deadLetters.write(BatchFlusherTest.put("T", "a"), "ValidationException", "after a tear"));
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(JsonCodec.read(lines.get(1).getBytes(StandardCharsets.UTF_8)).path("message").asText()).isEqualTo("after a tear");
  }

  @Test
  void write_whenDirectoryMissing_failsAndSucceedsOnceItExists() throws Exception {
    Path missing = dir.resolve("later");
    try (DeadLetters deadLetters = new DeadLetters(vertx, missing.resolve("dead.jsonl"))) {
      assertThatThrownBy(() -> await(deadLetters.write(BatchFlusherTest.put("T", "a"), "ValidationException", "x")));
      Files.createDirectories(missing);
      await(deadLetters.write(BatchFlusherTest.put("T", "a"), "ValidationException", "x"));
    }

    assertThat(Files.readAllLines(missing.resolve("dead.jsonl"))).hasSize(1);
  }
}
