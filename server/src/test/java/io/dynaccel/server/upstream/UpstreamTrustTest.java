package io.dynaccel.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.config.ConfigException;
import io.dynaccel.server.tls.TestCa;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamTrustTest {

  @TempDir
  Path dir;

  private static List<X509Certificate> acceptedIssuers(TrustManager[] managers) {
    return Arrays.stream(managers).filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast)
        .flatMap(m -> Arrays.stream(m.getAcceptedIssuers())).toList();
  }

  private static List<X509Certificate> jvmDefaults() throws Exception {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    return acceptedIssuers(factory.getTrustManagers());
  }

  @Test
  void load_whenNoFile_leavesTheJvmDefaultTrust() {
    HttpClientOptions options = UpstreamTrust.load(Optional.empty()).applyTo(new HttpClientOptions());

    assertThat(options.getTrustOptions()).isNull();
    assertThat(options.isVerifyHost()).isTrue();
    assertThat(options.isTrustAll()).isFalse();
  }

  @Test
  void load_whenExtraCa_trustsItBesideEveryJvmDefaultCa() throws Exception {
    TestCa ca = TestCa.create("Private upstream CA");
    Path file = ca.writeCertificate(dir.resolve("upstream-ca.pem"));

    HttpClientOptions options = UpstreamTrust.load(Optional.of(file)).applyTo(new HttpClientOptions().setTrustAll(true).setVerifyHost(false));

    Vertx vertx = Vertx.vertx();
    try {
      List<X509Certificate> trusted = acceptedIssuers(options.getTrustOptions().getTrustManagerFactory(vertx).getTrustManagers());
      assertThat(jvmDefaults()).isNotEmpty();
      assertThat(trusted).containsAll(jvmDefaults()).contains(ca.certificate()).hasSize(jvmDefaults().size() + 1);
    } finally {
      vertx.close().await();
    }
    assertThat(options.isVerifyHost()).isTrue();
    assertThat(options.isTrustAll()).isFalse();
  }

  @Test
  void load_whenFileMissing_failsNamingTheSettingAndFile() {
    Path file = dir.resolve("missing.pem");

    assertThatThrownBy(() -> UpstreamTrust.load(Optional.of(file)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("upstream.trustCaFile '" + file + "': cannot read the file (NoSuchFileException: " + file + ")");
  }

  @Test
  void load_whenFileHoldsNoCertificate_failsNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("empty.pem"), "");

    assertThatThrownBy(() -> UpstreamTrust.load(Optional.of(file)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("upstream.trustCaFile '" + file + "': holds no PEM certificate");
  }
}
