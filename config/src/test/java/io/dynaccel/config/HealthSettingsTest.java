package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health, breaker and serveStaleOnError settings, through every source. */
class HealthSettingsTest {

  private static final String[] NO_ARGS = {};

  @TempDir
  Path dir;

  @Test
  void load_whenNothingSet_usesDocumentedDefaults() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.of());

    assertThat(config.health()).isEqualTo(new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(3)));
    assertThat(config.breaker()).isEqualTo(new BreakerConfig(true, 5, Duration.ofSeconds(2)));
    assertThat(config.cache().serveStaleOnError()).isEqualTo(Duration.ZERO);
  }

  @Test
  void convenienceConstructor_whenUsed_takesTheDefaults() {
    DynaccelConfig defaults = ConfigLoader.load(NO_ARGS, Map.of());
    DynaccelConfig config = new DynaccelConfig(defaults.server(), defaults.upstream(), defaults.cache(), Map.of());

    assertThat(config.health()).isEqualTo(defaults.health());
    assertThat(config.breaker()).isEqualTo(defaults.breaker());
  }

  @Test
  void load_whenYamlSectionsSet_readsEverySetting() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        cache: { serveStaleOnError: 30s }
        health: { probeInterval: 250ms, upstreamWindow: 2s }
        breaker: { enabled: false, failureThreshold: 3, resetTimeout: 500ms }
        """, StandardCharsets.UTF_8);

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());

    assertThat(config.health()).isEqualTo(new HealthConfig(Duration.ofMillis(250), Duration.ofSeconds(2)));
    assertThat(config.breaker()).isEqualTo(new BreakerConfig(false, 3, Duration.ofMillis(500)));
    assertThat(config.cache().serveStaleOnError()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void load_whenEnvironmentVariablesSet_appliesEach() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.of(
        "DYNACCEL_HEALTH_PROBE_INTERVAL", "2s",
        "DYNACCEL_HEALTH_UPSTREAM_WINDOW", "10s",
        "DYNACCEL_BREAKER_ENABLED", "false",
        "DYNACCEL_BREAKER_FAILURE_THRESHOLD", "1",
        "DYNACCEL_BREAKER_RESET_TIMEOUT", "1m",
        "DYNACCEL_CACHE_SERVE_STALE_ON_ERROR", "5m"));

    assertThat(config.health()).isEqualTo(new HealthConfig(Duration.ofSeconds(2), Duration.ofSeconds(10)));
    assertThat(config.breaker()).isEqualTo(new BreakerConfig(false, 1, Duration.ofMinutes(1)));
    assertThat(config.cache().serveStaleOnError()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void load_whenSetFlags_applyThem() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "breaker.failureThreshold=7",
        "--set", "cache.serveStaleOnError=1s"}, Map.of());

    assertThat(config.breaker().failureThreshold()).isEqualTo(7);
    assertThat(config.cache().serveStaleOnError()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void load_whenValuesOutOfRange_namesRuleAndSource() {
    assertEnvError("DYNACCEL_HEALTH_PROBE_INTERVAL", "0s", "health.probeInterval: must be greater than 0");
    assertEnvError("DYNACCEL_HEALTH_UPSTREAM_WINDOW", "0ms", "health.upstreamWindow: must be greater than 0");
    assertEnvError("DYNACCEL_BREAKER_ENABLED", "yes", "breaker.enabled: expected true or false, got 'yes'");
    assertEnvError("DYNACCEL_BREAKER_FAILURE_THRESHOLD", "0", "breaker.failureThreshold: must be at least 1");
    assertEnvError("DYNACCEL_BREAKER_RESET_TIMEOUT", "0s", "breaker.resetTimeout: must be greater than 0");
    assertEnvError("DYNACCEL_CACHE_SERVE_STALE_ON_ERROR", "-1s",
        "cache.serveStaleOnError: must be zero (never serve an expired item) or positive");
  }

  @Test
  void load_whenWindowNotLongerThanInterval_fails() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_HEALTH_PROBE_INTERVAL", "3s")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("health.upstreamWindow: must be longer than health.probeInterval (3000ms), got '3000ms'");
  }

  @Test
  void load_whenUnknownHealthVariable_suggestsName() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_BREAKER_RESETTIMEOUT", "1s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown environment variable DYNACCEL_BREAKER_RESETTIMEOUT")
        .hasMessageEndingWith("did you mean DYNACCEL_BREAKER_RESET_TIMEOUT?");
  }

  private static void assertEnvError(String variable, String value, String expectedStart) {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of(variable, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expectedStart)
        .hasMessageEndingWith("(from environment variable " + variable + ")");
  }
}
