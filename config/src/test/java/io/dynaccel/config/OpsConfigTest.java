package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations settings of issue 11: default bind, shutdown timeout, connection limits, the admin listener. */
class OpsConfigTest {

  @TempDir Path dir;

  @Test
  void defaults_whenNothingConfigured_bindLoopbackWithDocumentedLimits() {
    DynaccelConfig config = ConfigLoader.load(new String[0], Map.of());

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.server().maxConnections()).isEqualTo(10_000);
    assertThat(config.server().maxConnectionsPerClient()).isEqualTo(1_000);
    assertThat(config.server().maxHeaderBytes()).isEqualTo(16 * 1024);
    assertThat(config.server().requestReadTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.admin()).isEqualTo(new AdminConfig("127.0.0.1", 8112, Optional.empty(), false));
    assertThat(config.admin()).isEqualTo(AdminConfig.defaults());
  }

  @Test
  void load_whenYamlSetsOpsSettings_readsThemAll() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        server: { shutdownTimeout: 5s, maxConnections: 20, maxConnectionsPerClient: 3, maxHeaderBytes: 8KiB, requestReadTimeout: 2s }
        admin: { host: 0.0.0.0, port: 0, tokenFile: /run/secrets/admin-token, httpServerMeters: true }
        """);

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());

    assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 8111, Runtime.getRuntime().availableProcessors(), 16 << 20,
        Duration.ofSeconds(60), Duration.ofSeconds(5), 20, 3, 8192, Duration.ofSeconds(2)));
    assertThat(config.admin()).isEqualTo(new AdminConfig("0.0.0.0", 0, Optional.of(Path.of("/run/secrets/admin-token")), true));
  }

  @Test
  void load_whenEnvironmentAndSetFlags_overrideOpsSettings() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "admin.port=9999", "--set", "server.maxConnections=7"},
        Map.of("DYNACCEL_ADMIN_PORT", "9000", "DYNACCEL_ADMIN_HTTP_SERVER_METERS", "true", "DYNACCEL_SERVER_MAX_CONNECTIONS_PER_CLIENT", "5",
            "DYNACCEL_SERVER_SHUTDOWN_TIMEOUT", "0s"));

    assertThat(config.admin().port()).isEqualTo(9999);
    assertThat(config.admin().httpServerMeters()).isTrue();
    assertThat(config.server().maxConnections()).isEqualTo(7);
    assertThat(config.server().maxConnectionsPerClient()).isEqualTo(5);
    assertThat(config.server().shutdownTimeout()).isZero();
  }

  @Test
  void load_whenUnknownAdminVariable_failsNamingIt() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[0], Map.of("DYNACCEL_ADMIN_TOKEN", "secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DYNACCEL_ADMIN_TOKEN")
        .hasMessageNotContaining("secret");
  }

  @Test
  void load_whenAdminHostBeyondLoopbackWithoutToken_refusesToStart() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "admin.host=0.0.0.0"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("admin.host '0.0.0.0' is not a loopback address, and admin.tokenFile is not set")
        .hasMessageContaining("Set admin.tokenFile");
    assertThatThrownBy(() -> new AdminConfig("node1.example.com", 8112, Optional.empty(), false)).isInstanceOf(ConfigException.class);
  }

  @Test
  void load_whenAdminHostLoopbackWithoutToken_isAccepted() {
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"}) {
      assertThat(ConfigLoader.load(new String[] {"--set", "admin.host=" + host}, Map.of()).admin().host()).isEqualTo(host);
    }
  }

  @Test
  void load_whenLimitsOutOfRange_failNamingTheSetting() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "server.maxConnections=0"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("server.maxConnections: must be at least 1");
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "server.maxHeaderBytes=100"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("server.maxHeaderBytes: must be at least 1024");
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "server.requestReadTimeout=-1s"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("server.requestReadTimeout:");
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "admin.port=70000"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("admin.port: must be between 0 and 65535");
  }

  @Test
  void isLoopback_whenHostGiven_decidesFromTheTextAlone() {
    assertThat(Loopback.isLoopback("127.0.0.1")).isTrue();
    assertThat(Loopback.isLoopback("127.255.0.9")).isTrue();
    assertThat(Loopback.isLoopback("LOCALHOST")).isTrue();
    assertThat(Loopback.isLoopback("::1")).isTrue();
    assertThat(Loopback.isLoopback("0.0.0.0")).isFalse();
    assertThat(Loopback.isLoopback("::")).isFalse();
    assertThat(Loopback.isLoopback("10.0.0.1")).isFalse();
    assertThat(Loopback.isLoopback("localhost.example.com")).isFalse();
    assertThat(Loopback.isLoopback("my-node")).isFalse();
  }
}
