package io.dynaccel.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.config.LogFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

  private String encode(LogFormat format) {
    var encoder = ConsoleLog.encoder(context, format);
    LoggingEvent event = new LoggingEvent("test", context.getLogger("io.dynaccel.server.cluster.Ownership"), Level.INFO,
        "Cluster view: {} serving member(s) {}", null, new Object[] {3, "[a, b, c]"});
    event.setThreadName("worker-1");
    event.setInstant(AT);
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }
}
