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

/** The {@code tls} section and {@code upstream.trustCaFile}, from every source. */
class TlsConfigTest {

  private static final String[] NO_ARGS = {};

  @TempDir
  Path dir;

  @Test
  void load_whenNoTlsSettings_servesPlainHttpAndTrustsOnlyTheJvmDefaults() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.of());

    assertThat(config.tls()).isEqualTo(new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(10)));
    assertThat(config.tls().enabled()).isFalse();
    assertThat(config.tls().mutual()).isFalse();
    assertThat(config.upstream().trustCaFile()).isEmpty();
    assertThat(config.tls()).isEqualTo(TlsConfig.none());
  }

  @Test
  void load_whenTlsSectionInFile_readsEverySetting() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        tls: { certFile: /etc/dynaccel/node.pem, keyFile: /etc/dynaccel/node-key.pem, clientCaFile: clients.pem, reloadInterval: 2s }
        upstream: { trustCaFile: /etc/dynaccel/upstream-ca.pem }
        """);

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());

    assertThat(config.tls()).isEqualTo(new TlsConfig(Optional.of(Path.of("/etc/dynaccel/node.pem")),
        Optional.of(Path.of("/etc/dynaccel/node-key.pem")), Optional.of(Path.of("clients.pem")), Duration.ofSeconds(2)));
    assertThat(config.tls().enabled()).isTrue();
    assertThat(config.tls().mutual()).isTrue();
    assertThat(config.upstream().trustCaFile()).contains(Path.of("/etc/dynaccel/upstream-ca.pem"));
  }

  @Test
  void load_whenTlsFromEnvironment_appliesEachVariable() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.of(
        "DYNACCEL_TLS_CERT_FILE", "cert.pem",
        "DYNACCEL_TLS_KEY_FILE", "key.pem",
        "DYNACCEL_TLS_CLIENT_CA_FILE", "ca.pem",
        "DYNACCEL_TLS_RELOAD_INTERVAL", "0s",
        "DYNACCEL_UPSTREAM_TRUST_CA_FILE", "upstream.pem"));

    assertThat(config.tls()).isEqualTo(new TlsConfig(Optional.of(Path.of("cert.pem")), Optional.of(Path.of("key.pem")),
        Optional.of(Path.of("ca.pem")), Duration.ZERO));
    assertThat(config.upstream().trustCaFile()).contains(Path.of("upstream.pem"));
  }

  @Test
  void load_whenFlagEmptiesFilesSetInEnvironment_servesPlainHttp() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "tls.certFile=", "--set", "tls.keyFile="},
        Map.of("DYNACCEL_TLS_CERT_FILE", "cert.pem", "DYNACCEL_TLS_KEY_FILE", "key.pem"));

    assertThat(config.tls().enabled()).isFalse();
  }

  @Test
  void load_whenCertFileWithoutKeyFile_failsNamingBoth() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "tls.certFile=cert.pem"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.keyFile: must be set together with tls.certFile (both or neither), got only tls.certFile");
  }

  @Test
  void load_whenKeyFileWithoutCertFile_failsNamingBoth() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_TLS_KEY_FILE", "key.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.certFile: must be set together with tls.keyFile (both or neither), got only tls.keyFile");
  }

  @Test
  void load_whenClientCaWithoutCertificate_failsSayingMutualTlsNeedsHttps() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "tls.clientCaFile=ca.pem"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.clientCaFile: mutual TLS needs HTTPS, so tls.certFile and tls.keyFile must be set too");
  }

  @Test
  void load_whenReloadIntervalNegative_failsNamingTheRule() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "tls.reloadInterval=-1s"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.reloadInterval: must be zero (never reload) or positive, got '-1s' (from command-line flag --set)");
  }

  @Test
  void load_whenTlsVariableMisspelt_suggestsTheKnownOne() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_TLS_CERTFILE", "cert.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown environment variable DYNACCEL_TLS_CERTFILE")
        .hasMessageEndingWith("did you mean DYNACCEL_TLS_CERT_FILE?");
  }

  @Test
  void load_whenUnknownTlsKeyInFile_listsTheTlsKeys() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), "tls: { certfile: cert.pem }\n");

    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'tls.certfile'")
        .hasMessageContaining("known: tls.certFile, tls.keyFile, tls.clientCaFile, tls.reloadInterval")
        .hasMessageEndingWith("did you mean 'tls.certFile'?");
  }
}
