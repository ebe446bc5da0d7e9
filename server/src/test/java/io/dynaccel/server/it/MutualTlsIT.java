package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.tls.TestCa;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Mutual TLS: with {@code tls.clientCaFile} set, only a client whose certificate that CA signed gets
 * past the handshake; one without a certificate, or with one from another CA, is refused there.
 */
class MutualTlsIT {

  private static final String TABLE = "MutualTlsItems";
  private static final TestCa SERVER_CA = TestCa.create("Dynaccel MutualTlsIT server CA");
  private static final TestCa CLIENT_CA = TestCa.create("Dynaccel MutualTlsIT client CA");
  private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();
  @TempDir static Path dir;

  private static AcceleratorFixture fixture;
  private static URI endpoint;

  @BeforeAll
  static void start() throws Exception {
    SERVER_CA.server("dynaccel-node").write(dir.resolve("node.pem"), dir.resolve("node-key.pem"));
    CLIENT_CA.writeCertificate(dir.resolve("clients.pem"));
    fixture = AcceleratorFixture.start(upstream.emulator(), "tls.certFile=" + dir.resolve("node.pem"),
        "tls.keyFile=" + dir.resolve("node-key.pem"), "tls.clientCaFile=" + dir.resolve("clients.pem"));
    endpoint = URI.create("https://127.0.0.1:" + fixture.server().port());
    ProxiedAccelerator.createTable(fixture.syncClient(upstream.endpoint()), TABLE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** An SDK client that trusts the node's CA and presents {@code certificate}, or none when null. */
  private static DynamoDbClient client(TestCa.Issued certificate) {
    UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder().tlsTrustManagersProvider(SERVER_CA::trustManagers);
    if (certificate != null) {
      http.tlsKeyManagersProvider(certificate::keyManagers);
    }
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(http.build())
        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(20)).retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static Map<String, AttributeValue> item(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS("mutual"));
  }

  @Test
  void call_withCertificateFromTheClientCa_succeeds() {
    try (DynamoDbClient client = client(CLIENT_CA.client("trusted-service"))) {
      client.putItem(b -> b.tableName(TABLE).item(item("with-certificate")));

      assertThat(client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("with-certificate")))).item())
          .isEqualTo(item("with-certificate"));
    }
  }

  @Test
  void call_withoutClientCertificate_isRefusedInTheHandshakeAtOnce() {
    try (DynamoDbClient client = client(null)) {
      long began = System.nanoTime();

      assertThatThrownBy(() -> client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("none")))))
          .isInstanceOf(SdkClientException.class)
          .isNotInstanceOf(ApiCallTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void call_withCertificateFromAnotherCa_isRefused() {
    try (DynamoDbClient client = client(SERVER_CA.client("signed-by-the-wrong-ca"))) {
      assertThatThrownBy(() -> client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("wrong-ca")))))
          .isInstanceOf(SdkClientException.class)
          .isNotInstanceOf(ApiCallTimeoutException.class);
    }
  }

  @Test
  void connection_withoutClientCertificate_getsATlsAlertNotAnHttpAnswer() throws IOException {
    try (SSLSocket socket = (SSLSocket) SERVER_CA.clientContext(null).getSocketFactory().createSocket("127.0.0.1", fixture.server().port())) {
      socket.setSoTimeout(10_000);
      // TLS 1.3 lets the client finish its side first; the server's refusal may arrive as an alert on the next read.
      assertThatThrownBy(() -> {
        socket.startHandshake();
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        socket.getInputStream().read();
      }).isInstanceOf(SSLException.class).hasMessageMatching(".*(bad_certificate|certificate_required).*");
    }
  }
}
