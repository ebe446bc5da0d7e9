package io.dynaccel.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.config.ConfigException;
import io.dynaccel.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {

  private static final TestCa CA = TestCa.create("Dynaccel test CA");
  private static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private TlsConfig config(boolean clientCa) {
    return new TlsConfig(Optional.of(dir.resolve("cert.pem")), Optional.of(dir.resolve("key.pem")),
        clientCa ? Optional.of(dir.resolve("clients.pem")) : Optional.empty(), Duration.ofSeconds(1));
  }

  private ServerCertificate load(boolean clientCa) {
    return ServerCertificate.of(PemFiles.read(config(clientCa)), vertx);
  }

  @Test
  void of_whenEcCertificateAndItsKey_servesThemWithoutClientCertificates() throws IOException {
    TestCa.Issued node = CA.server("node");
    node.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));

    ServerCertificate certificate = load(false);

    HttpServerOptions options = certificate.secure(new HttpServerOptions());
    assertThat(options.isSsl()).isTrue();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.NONE);
    assertThat(certificate.describe()).contains("CN=node", "serial " + node.serial().toString(16));
  }

  @Test
  void of_whenRsaCertificateAndItsKey_acceptsThem() throws IOException {
    CA.server("rsa-node", "RSA", List.of("127.0.0.1")).write(dir.resolve("cert.pem"), dir.resolve("key.pem"));

    assertThat(load(false).describe()).contains("CN=rsa-node");
  }

  @Test
  void of_whenClientCaSet_requiresClientCertificates() throws IOException {
    CA.server("node").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    TestCa.create("Clients CA").writeCertificate(dir.resolve("clients.pem"));

    ServerCertificate certificate = load(true);

    assertThat(certificate.secure(new HttpServerOptions()).getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(certificate.applyTo(new ServerSSLOptions()).getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
  }

  @Test
  void of_whenKeyBelongsToAnotherCertificate_refusesNamingBothFiles() throws IOException {
    CA.server("old").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    // Half a swap: the new certificate is written, the old key is still beside it.
    Files.writeString(dir.resolve("cert.pem"), CA.server("new").certificatePem());

    assertThatThrownBy(() -> load(false))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.keyFile '" + dir.resolve("key.pem") + "': is not the private key of the certificate in tls.certFile '"
            + dir.resolve("cert.pem") + "'");
  }

  @Test
  void of_whenCertificateFileTruncated_refusesNamingTheCertificateFile() throws IOException {
    TestCa.Issued node = CA.server("node");
    node.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    String pem = node.certificatePem();
    Files.writeString(dir.resolve("cert.pem"), pem.substring(0, pem.length() / 2));

    assertThatThrownBy(() -> load(false))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.certFile '" + dir.resolve("cert.pem") + "': not a PEM certificate");
  }

  @Test
  void of_whenCertificateFileEmpty_refusesSayingItHoldsNoCertificate() throws IOException {
    CA.server("node").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Files.writeString(dir.resolve("cert.pem"), "");

    assertThatThrownBy(() -> load(false))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.certFile '" + dir.resolve("cert.pem") + "': holds no PEM certificate");
  }

  @Test
  void of_whenKeyFileNotPem_refusesNamingTheKeyFileWithoutItsContent() throws IOException {
    CA.server("node").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Files.writeString(dir.resolve("key.pem"), "s3cr3t-not-a-key");

    assertThatThrownBy(() -> load(false))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.keyFile '" + dir.resolve("key.pem") + "': not a usable unencrypted PEM private key")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void of_whenClientCaFileNotPem_refusesNamingIt() throws IOException {
    CA.server("node").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    Files.writeString(dir.resolve("clients.pem"), "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> load(true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tls.clientCaFile '" + dir.resolve("clients.pem") + "': not a PEM certificate");
  }

  @Test
  void read_whenFileMissing_refusesNamingTheSettingAndFile() throws IOException {
    Files.writeString(dir.resolve("cert.pem"), CA.server("node").certificatePem());

    assertThatThrownBy(() -> PemFiles.read(config(false)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.keyFile '" + dir.resolve("key.pem") + "': cannot read the file (NoSuchFileException: " + dir.resolve("key.pem") + ")");
  }

  @Test
  void sameContent_whenFilesRewritten_comparesBytesNotTimes() throws IOException {
    TestCa.Issued node = CA.server("node");
    node.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    PemFiles before = PemFiles.read(config(false));

    node.write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    assertThat(PemFiles.read(config(false)).sameContent(before)).isTrue();

    CA.server("node").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    assertThat(PemFiles.read(config(false)).sameContent(before)).isFalse();
  }
}
