package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UsageTest {

  @Test
  void text_whenPrinted_namesEverySettingWithDefaultVariableAndAllowedValues() {
    String help = Usage.text();

    for (Setting<?> setting : Settings.GLOBAL) {
      String line = help.lines().filter(l -> l.startsWith("  " + setting.path() + " = ")).findFirst().orElse(null);
      assertThat(line).as(setting.path()).isNotNull().contains(setting.envName());
      if (setting.flag() != null) {
        assertThat(line).as(setting.path()).endsWith("--" + setting.flag());
      }
      String allowed = setting.requirement() != null ? setting.requirement() : setting.type().expected();
      assertThat(help).as(setting.path()).contains(line + "\n      " + allowed + "\n");
    }
    for (Setting<?> setting : Settings.TABLE) {
      assertThat(help).contains("  " + setting.path() + " = ");
    }
    assertThat(help).contains("DYNACCEL_CONFIG").contains("DYNACCEL_TABLES").contains("--version");
  }

  @Test
  void text_whenPrinted_writesDefaultsAsTheyAreConfigured() {
    String help = Usage.text();

    assertThat(help).contains("  server.port = 8111   DYNACCEL_SERVER_PORT   --port\n")
        .contains("  cache.maxBytes = 256MiB   DYNACCEL_CACHE_MAX_BYTES\n")
        .contains("  cache.itemTtl = 5m   DYNACCEL_CACHE_ITEM_TTL\n")
        .contains("  upstream.endpoint = (none: the AWS endpoint of upstream.region)   DYNACCEL_UPSTREAM_ENDPOINT   --upstream\n")
        .contains("  upstream.streamsEndpoint = (none: derived from the DynamoDB endpoint, see README)   DYNACCEL_UPSTREAM_STREAMS_ENDPOINT\n"
            + "      an absolute http or https URI with a host, like http://127.0.0.1:4567\n")
        // The region the node takes without a setting follows the AWS variables, as the SDKs' does.
        .contains("  upstream.region = us-east-1, or AWS_REGION / AWS_DEFAULT_REGION when set   DYNACCEL_UPSTREAM_REGION   --region\n")
        .contains("  admin.tokenFile = (none)   DYNACCEL_ADMIN_TOKEN_FILE\n")
        .contains("  writeBack.fsync = always   DYNACCEL_WRITE_BACK_FSYNC\n")
        .contains("  log.format = text   DYNACCEL_LOG_FORMAT\n      one of text, json\n")
        .contains("  writeStrategy = write-through\n")
        .contains("  itemTtl = cache.itemTtl\n");
  }

  @Test
  void duration_whenWritten_parsesBackToTheSameValue() {
    for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(1500), Duration.ofSeconds(30), Duration.ofMinutes(90),
        Duration.ofHours(2), Duration.ofDays(3)}) {
      assertThat(ValueType.parseDuration(Usage.duration(d))).isEqualTo(d);
    }
  }

  @Test
  void size_whenWritten_parsesBackToTheSameValue() {
    for (long bytes : new long[] {0, 1000, 4096, 16L << 20, 3L << 30}) {
      assertThat(ValueType.parseSize(Usage.size(bytes))).isEqualTo(bytes);
    }
  }
}
