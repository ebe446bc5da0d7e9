package io.dynaccel.server.write.back.internal;

import static io.dynaccel.server.write.back.internal.ScriptedUpstream.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.write.back.internal.ScriptedUpstream.Answer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class BatchFlusherTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private Vertx vertx;
  private ScriptedUpstream upstream;
  private RefreshingCredentials credentials;
  private UpstreamClient client;
  private SimpleMeterRegistry registry;
  private DeadLetters deadLetters;
  private BatchFlusher flusher;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = ScriptedUpstream.start(vertx);
    credentials = new RefreshingCredentials(vertx, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), Clock.systemUTC());
    await(credentials.start());
    // No retries inside the client: every failure must reach the flusher's own retry.
    client = new UpstreamClient(vertx, URI.create("http://127.0.0.1:" + upstream.port()), "us-east-1",
        Duration.ofSeconds(1), Duration.ofSeconds(5), 8, 0, credentials);
    registry = new SimpleMeterRegistry();
    deadLetters = new DeadLetters(vertx, dir.resolve("dead-letters.jsonl"), Clock.fixed(NOW, ZoneOffset.UTC));
    flusher = new BatchFlusher(vertx, client, deadLetters, new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), new SplittableRandom(7)), registry, key -> true);
  }

  @AfterEach
  void stop() {
    flusher.stop();
    deadLetters.close();
    client.close();
    credentials.close();
    upstream.close();
    await(vertx.close());
  }

  @Test
  void flush_when60ItemsOverTwoTables_sendsThreeCallsOfAtMost25GroupedByTable() {
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      items.add(i % 5 == 0 ? delete("Orders", "o" + i) : put("Orders", "o" + i));
    }
    for (int i = 0; i < 25; i++) {
      items.add(put("Users", "u" + i));
    }

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN).hasSize(60);
    assertThat(upstream.calls()).hasSize(3);
    assertThat(upstream.calls()).allSatisfy(call -> assertThat(requests(call)).hasSizeLessThanOrEqualTo(25));
    // Every request sits under its own table, puts as PutRequest, deletes as DeleteRequest with the key only.
    List<String> sent = new ArrayList<>();
    for (JsonNode call : upstream.calls()) {
      call.path("RequestItems").properties().forEach(table -> table.getValue().forEach(request -> sent.add(table.getKey() + " " + request)));
    }
    List<String> expected = items.stream().map(item -> item.tableName() + " " + requestOf(item)).toList();
    assertThat(sent).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(registry.counter("dynaccel.writeback.flush.batches").count()).isEqualTo(3);
    assertThat(registry.counter("dynaccel.writeback.flush.items").count()).isEqualTo(60);
    assertThat(registry.counter("dynaccel.writeback.flush.retries").count()).isZero();
  }

  @Test
  void flush_whenItemsWouldPass16MiB_cutsCallsBySize() {
    String megabyte = "x".repeat(1024 * 1024);
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      items.add(put("Blobs", "b" + i, megabyte));
    }

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN).hasSize(20);
    assertThat(upstream.calls()).hasSize(2);
    assertThat(upstream.calls()).allSatisfy(call -> assertThat(JsonCodec.write(call).length).isLessThanOrEqualTo(16 * 1024 * 1024));
  }

  @Test
  void flush_whenManyCalls_keepsAtMostFourInFlight() {
    upstream.respond(body -> Answer.ok().after(50));
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      items.add(put("Orders", "o" + i));
    }

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN).hasSize(200);
    assertThat(upstream.calls()).hasSize(8);
    assertThat(upstream.mostOutstanding()).isEqualTo(4);
  }

  @Test
  void flush_whenSomeItemsUnprocessed_retriesOnlyThoseUntilWritten() {
    List<FlushItem> items = List.of(put("Orders", "a"), delete("Orders", "b"), put("Users", "c"), put("Users", "d"));
    upstream.then(
        Answer.unprocessed(Map.of("Orders", List.of(requestOf(items.get(1))), "Users", List.of(requestOf(items.get(2)), requestOf(items.get(3))))),
        Answer.unprocessed(Map.of("Users", List.of(requestOf(items.get(3))))));

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN).hasSize(4);
    assertThat(upstream.calls()).hasSize(3);
    assertThat(requests(upstream.calls().get(1))).containsExactlyInAnyOrder(requestOf(items.get(1)), requestOf(items.get(2)), requestOf(items.get(3)));
    assertThat(requests(upstream.calls().get(2))).containsExactly(requestOf(items.get(3)));
    assertThat(registry.counter("dynaccel.writeback.flush.retries").count()).isEqualTo(2);
    assertThat(registry.counter("dynaccel.writeback.flush.items").count()).isEqualTo(4);
  }

  @Test
  void flush_whenUnprocessedItemsNameARequestNotSent_retriesTheWholeCall() {
    List<FlushItem> items = List.of(put("Orders", "a"), put("Orders", "b"));
    upstream.then(Answer.unprocessed(Map.of("Orders", List.of(requestOf(put("Orders", "stranger"))))));

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(outcomes).extracting(FlushOutcome::item).containsExactlyInAnyOrderElementsOf(items);
    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN);
    assertThat(upstream.calls()).hasSize(2).containsOnly(upstream.calls().get(0));
  }

  @Test
  void flush_whenUnprocessedItemsRepeatARequest_retriesItOnce() {
    List<FlushItem> items = List.of(put("Orders", "a"), put("Orders", "b"));
    upstream.then(Answer.unprocessed(Map.of("Orders", List.of(requestOf(items.get(0)), requestOf(items.get(0))))));

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(outcomes).extracting(FlushOutcome::item).containsExactlyInAnyOrderElementsOf(items);
    assertThat(requests(upstream.calls().get(1))).containsExactly(requestOf(items.get(0)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "com.amazonaws.dynamodb.v20120810#ThrottlingException",
      "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
      "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded",
      "com.amazon.coral.service#UnrecognizedClientException",
      "com.amazon.coral.service#InvalidSignatureException",
      "com.amazon.coral.service#MissingAuthenticationTokenException",
      "com.amazon.coral.service#ExpiredTokenException",
      "com.amazon.coral.service#AccessDeniedException"})
  void flush_whenThrottledOrCredentialsRefused_retriesTheSameCallUntilWritten(String type) {
    upstream.then(Answer.error(400, type, "not now"), Answer.error(400, type, "not now"), Answer.error(400, type, "not now"));
    List<FlushItem> items = List.of(put("Orders", "a"), put("Orders", "b"));

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN).hasSize(2);
    assertThat(upstream.calls()).hasSize(4).containsOnly(upstream.calls().get(0));
    assertThat(registry.counter("dynaccel.writeback.flush.retries").count()).isEqualTo(3);
    assertThat(Files.exists(deadLetters.file())).isFalse();
  }

  @Test
  void flush_when5xx_retriesTheSameCallUntilWritten() {
    upstream.then(
        Answer.error(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"),
        Answer.error(503, "com.amazon.coral.service#ServiceUnavailableException", "unavailable"),
        new Answer(502, "<html>bad gateway</html>", 0));
    List<FlushItem> items = List.of(put("Orders", "a"), delete("Orders", "b"));

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(results(outcomes)).containsOnly(FlushResult.WRITTEN).hasSize(2);
    assertThat(upstream.calls()).hasSize(4).containsOnly(upstream.calls().get(0));
  }

  @Test
  void flush_whenUpstreamUnreachable_retriesUntilItIsBack() {
    upstream.stop();
    List<FlushItem> items = List.of(put("Orders", "a"), put("Users", "b"));

    Future<List<FlushOutcome>> flushed = flusher.flush(items);
    await().atMost(WAIT).until(() -> registry.counter("dynaccel.writeback.flush.retries").count() >= 3);
    assertThat(flushed.isComplete()).isFalse();
    upstream.restart();

    assertThat(results(await(flushed))).containsOnly(FlushResult.WRITTEN).hasSize(2);
    assertThat(upstream.calls()).hasSize(1);
    assertThat(requests(upstream.calls().get(0))).hasSize(2);
  }

  @Test
  void flush_whenOneItemOf25Poisoned_splitsWritesThe24AndDeadLettersIt() throws Exception {
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      items.add(put("Orders", "good" + i));
    }
    FlushItem poison = put("Orders", "poison");
    items.add(12, poison);
    String message = "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: byG";
    upstream.respond(body -> requests(body).contains(requestOf(poison))
        ? Answer.error(400, "com.amazon.coral.validate#ValidationException", message)
        : Answer.ok());

    List<FlushOutcome> outcomes = flushAndWait(items);

    assertThat(outcomes).hasSize(25);
    assertThat(outcomes).filteredOn(o -> o.result() == FlushResult.DEAD_LETTERED).extracting(FlushOutcome::item).containsExactly(poison);
    assertThat(outcomes).filteredOn(o -> o.result() == FlushResult.WRITTEN).hasSize(24);
    // The whole call, then each of the 25 alone.
    assertThat(upstream.calls()).hasSize(26);
    assertThat(upstream.calls().subList(1, 26)).allSatisfy(call -> assertThat(requests(call)).hasSize(1));
    List<String> lines = Files.readAllLines(deadLetters.file(), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    ObjectNode expected = JsonCodec.object();
    expected.put("time", NOW.toString());
    expected.put("table", "Orders");
    expected.set("key", poison.keyAttributes());
    expected.set("item", poison.item());
    expected.put("seq", poison.seq());
    expected.put("errorType", "ValidationException");
    expected.put("message", message);
    assertThat(JsonCodec.canonical(JsonCodec.read(lines.get(0).getBytes(StandardCharsets.UTF_8)))).isEqualTo(JsonCodec.canonical(expected));
    assertThat(registry.counter("dynaccel.writeback.dead.letters").count()).isEqualTo(1);
    assertThat(registry.counter("dynaccel.writeback.flush.items").count()).isEqualTo(24);
  }

  @Test
  void flush_whenLoneItemRejected_deadLettersTheDeleteWithNullItem() throws Exception {
    FlushItem poison = delete("Gone", "k");
    upstream.then(Answer.error(400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "Requested resource not found"));

    List<FlushOutcome> outcomes = flushAndWait(List.of(poison));

    assertThat(outcomes).containsExactly(new FlushOutcome(poison, FlushResult.DEAD_LETTERED));
    assertThat(upstream.calls()).hasSize(1);
    JsonNode line = JsonCodec.read(Files.readAllBytes(deadLetters.file()));
    assertThat(line.path("item").isNull()).isTrue();
    assertThat(line.path("errorType").asText()).isEqualTo("ResourceNotFoundException");
    assertThat(line.path("key")).isEqualTo(poison.keyAttributes());
  }

  @Test
  void flush_whenDeadLetterFileCannotBeWritten_retriesUntilItCan() throws Exception {
    Path missing = dir.resolve("not-yet");
    deadLetters = new DeadLetters(vertx, missing.resolve("dead-letters.jsonl"), Clock.fixed(NOW, ZoneOffset.UTC));
    flusher = new BatchFlusher(vertx, client, deadLetters, new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), new SplittableRandom(7)), registry, key -> true);
    FlushItem poison = put("Orders", "poison");
    upstream.respond(body -> Answer.error(400, "com.amazon.coral.validate#ValidationException", "bad"));

    Future<List<FlushOutcome>> flushed = flusher.flush(List.of(poison, put("Orders", "also-bad")));
    await().atMost(WAIT).until(() -> registry.counter("dynaccel.writeback.dead.letter.failures").count() >= 4);
    assertThat(flushed.isComplete()).isFalse();
    Files.createDirectories(missing);

    assertThat(results(await(flushed))).containsOnly(FlushResult.DEAD_LETTERED).hasSize(2);
    assertThat(Files.readAllLines(deadLetters.file())).hasSize(2);
    assertThat(registry.counter("dynaccel.writeback.dead.letters").count()).isEqualTo(2);
  }

  @Test
  void stop_whenRetriesPending_abandonsTheirItems() {
    upstream.respond(body -> Answer.error(503, "com.amazon.coral.service#ServiceUnavailableException", "down"));
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add(put("Orders", "o" + i));
    }

    Future<List<FlushOutcome>> flushed = flusher.flush(items);
    await().atMost(WAIT).until(() -> registry.counter("dynaccel.writeback.flush.retries").count() >= 4);
    flusher.stop();

    assertThat(results(await(flushed))).containsOnly(FlushResult.ABANDONED).hasSize(30);
    int callsAtStop = upstream.calls().size();
    assertThat(results(await(flusher.flush(List.of(put("Orders", "late")))))).containsExactly(FlushResult.ABANDONED);
    assertThat(upstream.calls()).hasSize(callsAtStop);
  }

  @Test
  void flush_whenNoItems_completesEmptyWithoutCalling() {
    assertThat(await(flusher.flush(List.of()))).isEmpty();
    assertThat(upstream.calls()).isEmpty();
  }

  private List<FlushOutcome> flushAndWait(List<FlushItem> items) {
    return await(flusher.flush(items));
  }

  private static List<FlushResult> results(List<FlushOutcome> outcomes) {
    return outcomes.stream().map(FlushOutcome::result).toList();
  }

  /** The write requests of one BatchWriteItem body, whatever their table. */
  private static List<JsonNode> requests(JsonNode call) {
    return call.path("RequestItems").properties().stream()
        .flatMap(table -> StreamSupport.stream(table.getValue().spliterator(), false))
        .collect(Collectors.toList());
  }

  private static JsonNode requestOf(FlushItem item) {
    ObjectNode request = JsonCodec.object();
    if (item.isDelete()) {
      request.putObject("DeleteRequest").set("Key", item.keyAttributes());
    } else {
      request.putObject("PutRequest").set("Item", item.item());
    }
    return request;
  }

  private static long seq;

  static FlushItem put(String table, String id) {
    return put(table, id, "value of " + id);
  }

  static FlushItem put(String table, String id, String value) {
    ObjectNode item = key(id);
    item.putObject("v").put("S", value);
    item.putObject("n").put("N", "1.50");
    return new FlushItem(new ItemKey(table, "S" + id.length() + ":" + id, ""), table, key(id), item, ++seq);
  }

  static FlushItem delete(String table, String id) {
    return new FlushItem(new ItemKey(table, "S" + id.length() + ":" + id, ""), table, key(id), null, ++seq);
  }

  private static ObjectNode key(String id) {
    ObjectNode key = JsonCodec.object();
    key.putObject("pk").put("S", id);
    return key;
  }
}
