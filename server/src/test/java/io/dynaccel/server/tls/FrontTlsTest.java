package io.dynaccel.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.config.ConfigException;
import io.dynaccel.config.TlsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrontTlsTest {

  private static final TestCa CA = TestCa.create("Dynaccel test CA");

  @TempDir
  Path dir;

  private Vertx vertx;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() {
    vertx.close().await();
  }

  private TlsConfig config(Duration reloadInterval) {
    return new TlsConfig(Optional.of(dir.resolve("cert.pem")), Optional.of(dir.resolve("key.pem")), Optional.empty(), reloadInterval);
  }

  private double reloads(String outcome) {
    return registry.get("dynaccel.tls.reloads").tag("outcome", outcome).counter().count();
  }

  /** Replaces a file in one step, so a check sees the old content or the new, never half of it. */
  private static void replace(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static ThrowableAssertAlternative<?> assertFails(Future<?> future) {
    return assertThat(future.toCompletionStage().toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class);
  }

  @Test
  void start_whenNoCertificateConfigured_leavesFrontsPlain() {
    FrontTls tls = FrontTls.start(vertx, TlsConfig.none(), registry).await();

    assertThat(tls).isSameAs(FrontTls.plain());
    assertThat(tls.secure(new HttpServerOptions()).isSsl()).isFalse();
  }

  @Test
  void start_whenCertificateFileMissing_failsNamingTheSettingAndFile() {
    assertFails(FrontTls.start(vertx, config(Duration.ZERO), registry))
        .withCauseInstanceOf(ConfigException.class)
        .withMessageContaining("tls.certFile '" + dir.resolve("cert.pem") + "': cannot read the file (NoSuchFileException");
  }

  @Test
  void start_whenKeyIsNotTheCertificates_failsNamingBothFiles() throws IOException {
    Files.writeString(dir.resolve("cert.pem"), CA.server("one").certificatePem());
    Files.writeString(dir.resolve("key.pem"), CA.server("two").keyPem());

    assertFails(FrontTls.start(vertx, config(Duration.ZERO), registry))
        .withCauseInstanceOf(ConfigException.class)
        .withMessageContaining("tls.keyFile '" + dir.resolve("key.pem") + "': is not the private key of the certificate in tls.certFile");
  }

  @Test
  void reload_whenFilesBrokenMidSwap_keepsTheCertificateAndCountsEachProblemOnce() throws IOException {
    CA.server("node").write(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    FrontTls tls = FrontTls.start(vertx, config(Duration.ofMillis(20)), registry).await();
    KeyCertOptions served = tls.secure(new HttpServerOptions()).getKeyCertOptions().copy();

    replace(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\ntruncated");
    await().atMost(Duration.ofSeconds(10)).until(() -> reloads("rejected") == 1);
    // A check every 20 ms sees the same broken file again and again: still one problem.
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> reloads("rejected") == 1);

    TestCa.Issued next = CA.server("next");
    replace(dir.resolve("cert.pem"), next.certificatePem());
    await().atMost(Duration.ofSeconds(10)).until(() -> reloads("rejected") == 2);
    assertThat(reloads("applied")).isZero();
    assertThat(tls.secure(new HttpServerOptions()).getKeyCertOptions()).isEqualTo(served);

    replace(dir.resolve("key.pem"), next.keyPem());
    await().atMost(Duration.ofSeconds(10)).until(() -> reloads("applied") == 1);
    assertThat(tls.secure(new HttpServerOptions()).getKeyCertOptions()).isNotEqualTo(served);
    assertThat(reloads("rejected")).isEqualTo(2);
    tls.close();
  }
}
