package io.dynaccel.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.config.LogFormat;
import io.dynaccel.server.api.AccessLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleLogTest {

  private static final Instant AT = Instant.parse("2026-12-01T19:40:01.234Z");

  private final LoggerContext context = new LoggerContext();

  ConsoleLogTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  @Test
  void encoder_whenText_writesUtcIsoTimestampLevelThreadLoggerAndMessage() {
    String line = encode(LogFormat.TEXT);

    assertThat(line).isEqualTo("2026-12-01T19:40:01.234Z INFO  [worker-1] io.dynaccel.server.cluster.Ownership"
        + " - Cluster view: 3 serving member(s) [a, b, c]" + System.lineSeparator());
  }

  @Test
  void encoder_whenJson_writesOneObjectWithTheFormattedMessage() throws Exception {
    String line = encode(LogFormat.JSON);

    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("timestamp").asLong()).isEqualTo(AT.toEpochMilli());
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("threadName").asText()).isEqualTo("worker-1");
    assertThat(json.get("loggerName").asText()).isEqualTo("io.dynaccel.server.cluster.Ownership");
    // The text the node's tests search for, as in the text format: not a template with its arguments apart.
    assertThat(json.get("formattedMessage").asText()).isEqualTo("Cluster view: 3 serving member(s) [a, b, c]");
    assertThat(json.has("message")).isFalse();
    assertThat(json.has("arguments")).isFalse();
  }

  @Test
  void install_accessLogger_writesThroughANonBlockingQueueThatDropsOnlyWhenFull() {
    ConsoleLog.install(context, LogFormat.TEXT);

    Logger access = context.getLogger(AccessLog.LOGGER);
    // Not also through the root's synchronous console appender.
    assertThat(access.isAdditive()).isFalse();
    assertThat(appenders(access)).singleElement().isInstanceOfSatisfying(AsyncAppender.class, queue -> {
      assertThat(queue.isStarted()).isTrue();
      assertThat(queue.isNeverBlock()).isTrue();
      assertThat(queue.getDiscardingThreshold()).isZero();
      assertThat(queue.getQueueSize()).isEqualTo(ConsoleLog.ACCESS_QUEUE_SIZE);
      assertThat(queue.getAppender("access-console")).isInstanceOf(ConsoleAppender.class);
    });
    assertThat(appenders(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))).singleElement()
        .isInstanceOf(ConsoleAppender.class);
  }

  @Test
  void stop_whenAccessLinesQueued_writesEveryOneOutBeforeItReturns() {
    PrintStream standardError = System.err;
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    System.setErr(new PrintStream(written, true, StandardCharsets.UTF_8));
    try {
      ConsoleLog.install(context, LogFormat.TEXT);
      Logger access = context.getLogger(AccessLog.LOGGER);
      for (int i = 0; i < 500; i++) {
        access.info("operation=GetItem table=Orders status=200 call={}", i);
      }
      context.stop();
    } finally {
      System.setErr(standardError);
    }

    List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(500).allSatisfy(line -> assertThat(line).contains(" dynaccel.access - operation=GetItem"));
    assertThat(lines.get(499)).endsWith(" call=499");
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
    List<Appender<ILoggingEvent>> all = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(all::add);
    return all;
  }

  private String encode(LogFormat format) {
    var encoder = ConsoleLog.encoder(context, format);
    LoggingEvent event = new LoggingEvent("test", context.getLogger("io.dynaccel.server.cluster.Ownership"), Level.INFO,
        "Cluster view: {} serving member(s) {}", null, new Object[] {3, "[a, b, c]"});
    event.setThreadName("worker-1");
    event.setInstant(AT);
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }
}
