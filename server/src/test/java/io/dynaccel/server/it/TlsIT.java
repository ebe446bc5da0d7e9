package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynaccel.config.ConfigException;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.tls.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * HTTPS on the API port: an AWS SDK that trusts the test CA calls the node over https, plain HTTP
 * to the port is refused at once, keep-alive holds over TLS, and a certificate written over the old
 * one is served to new connections without a restart, while a broken one is not.
 */
class TlsIT {

  private static final String TABLE = "TlsItems";
  private static final TestCa CA = TestCa.create("Dynaccel TlsIT CA");
  private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
  private static final TestCa.Issued FIRST = CA.server("dynaccel-node-1");
  private static final TestCa.Issued SECOND = CA.server("dynaccel-node-2");
  private static final Duration RELOAD_INTERVAL = Duration.ofMillis(100);

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();
  @TempDir static Path dir;

  private static Path certFile;
  private static Path keyFile;
  private static AcceleratorFixture fixture;
  private static DynamoDbClient client;
  private static DynamoDbClient direct;
  /** The certificate the node was last seen serving; tests that swap it leave it so. */
  private static TestCa.Issued serving = FIRST;

  @BeforeAll
  static void start() throws Exception {
    certFile = dir.resolve("node.pem");
    keyFile = dir.resolve("node-key.pem");
    FIRST.write(certFile, keyFile);
    fixture = AcceleratorFixture.start(upstream.emulator(), "tls.certFile=" + certFile, "tls.keyFile=" + keyFile,
        "tls.reloadInterval=" + RELOAD_INTERVAL.toMillis() + "ms");
    client = httpsClient(URI.create("https://127.0.0.1:" + fixture.server().port()));
    direct = fixture.syncClient(upstream.endpoint());
    ProxiedAccelerator.createTable(direct, TABLE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private static DynamoDbClient httpsClient(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.builder().tlsTrustManagersProvider(CA::trustManagers).build())
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
        .build();
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  private static Map<String, AttributeValue> item(String pk, String value) {
    return Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(value));
  }

  /** A new TLS connection to the node that trusts only the test CA and checks the host name. */
  private static SSLSocket connect() throws IOException {
    return connect(fixture.server().port());
  }

  private static SSLSocket connect(int port) throws IOException {
    SSLSocket socket = (SSLSocket) CA.clientContext(null).getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  /** The serial number of the certificate a new connection gets. */
  private static BigInteger servedSerial() throws IOException {
    try (SSLSocket socket = connect()) {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** One GetItem written by hand on an open connection, and its answer. */
  private static RawHttp.Answer getItem(Socket socket, String pk) throws IOException {
    byte[] body = ("{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"" + pk + "\"}}}").getBytes(StandardCharsets.UTF_8);
    String head = "POST / HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + fixture.server().port() + "\r\n"
        + "Content-Type: application/x-amz-json-1.0\r\n"
        + "X-Amz-Target: " + RawHttp.TARGET_PREFIX + "GetItem\r\n"
        + "X-Amz-Date: " + RawHttp.DATE + "\r\n"
        + "Authorization: " + RawHttp.AUTHORIZATION + "\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return RawHttp.read(socket.getInputStream());
  }

  private static double reloads(String outcome) {
    return fixture.server().metrics().scrape().lines()
        .filter(line -> line.startsWith("dynaccel_tls_reloads_total{") && line.contains("outcome=\"" + outcome + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** Writes {@code next} over the node's files and waits until new connections get it. */
  private static void swapTo(TestCa.Issued next) throws IOException {
    next.write(certFile, keyFile);
    await().atMost(Duration.ofSeconds(20)).until(() -> servedSerial().equals(next.serial()));
    serving = next;
  }

  /** Replaces a file in one step, so each check sees exactly one of the broken states below. */
  private static void replace(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void getItem_overHttps_answersMissThenHitWithDynamoDbsItem() {
    direct.putItem(b -> b.tableName(TABLE).item(item("miss-then-hit", "from DynamoDB")));
    double misses = fixture.metric("dynaccel_item_cache_misses_total");
    double hits = fixture.metric("dynaccel_item_cache_hits_total");

    Map<String, AttributeValue> cold = client.getItem(b -> b.tableName(TABLE).key(key("miss-then-hit"))).item();
    assertThat(fixture.metric("dynaccel_item_cache_misses_total")).isEqualTo(misses + 1);
    Map<String, AttributeValue> warm = client.getItem(b -> b.tableName(TABLE).key(key("miss-then-hit"))).item();
    assertThat(fixture.metric("dynaccel_item_cache_hits_total")).isEqualTo(hits + 1);

    assertThat(cold).isEqualTo(item("miss-then-hit", "from DynamoDB"));
    assertThat(warm).isEqualTo(cold);
  }

  @Test
  void putItem_overHttps_reachesDynamoDbAndIsReadBack() {
    client.putItem(b -> b.tableName(TABLE).item(item("put-over-https", "v1")));

    assertThat(direct.getItem(b -> b.tableName(TABLE).key(key("put-over-https")).consistentRead(true)).item())
        .isEqualTo(item("put-over-https", "v1"));
    assertThat(client.getItem(b -> b.tableName(TABLE).key(key("put-over-https"))).item()).isEqualTo(item("put-over-https", "v1"));
  }

  @Test
  void sdkCall_withPlainHttpToTheHttpsPort_failsAtOnceInsteadOfHanging() {
    try (DynamoDbClient plain = DynamoDbClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + fixture.server().port()))
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(20)))
        .build()) {
      long began = System.nanoTime();

      assertThatThrownBy(() -> plain.getItem(b -> b.tableName(TABLE).key(key("plain"))))
          .isInstanceOf(SdkClientException.class)
          .isNotInstanceOf(ApiCallTimeoutException.class);
      // Three tries with backoff, each refused at once; a hang would take the 20 s call timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void plainHttpRequest_toTheHttpsPort_seesTheConnectionClosedWithoutAnAnswer() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", fixture.server().port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      InputStream in = socket.getInputStream();
      int first;
      try {
        first = in.read();
      } catch (IOException reset) {
        first = -1; // a reset is as good a refusal as a close
      }
      assertThat(first).as("no HTTP answer on the HTTPS port, and no wait for the read timeout").isEqualTo(-1);
    }

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.server().port() + "/"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void adminListener_whenTheApiPortSpeaksHttps_speaksHttpsWithTheSameCertificate() throws Exception {
    try (SSLSocket socket = connect(fixture.server().adminPort())) {
      socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      RawHttp.Answer answer = RawHttp.read(socket.getInputStream());

      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      assertThat(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(servedSerial());
    }
  }

  @Test
  void severalCalls_onOneTlsConnection_areAllAnsweredWithOneHandshake() throws Exception {
    client.putItem(b -> b.tableName(TABLE).item(item("keep-alive", "kept")));
    AtomicInteger handshakes = new AtomicInteger();
    try (SSLSocket socket = connect()) {
      socket.addHandshakeCompletedListener(event -> handshakes.incrementAndGet());

      for (int call = 0; call < 5; call++) {
        RawHttp.Answer answer = getItem(socket, "keep-alive");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().at("/Item/v/S").asText()).isEqualTo("kept");
        assertThat(answer.header("connection")).isNotEqualToIgnoringCase("close");
      }

      assertThat(handshakes).as("no renegotiation or new session on the kept connection").hasValue(0);
      assertThat(socket.isClosed()).isFalse();
    }
  }

  @Test
  void certificateSwap_onDisk_isServedToNewConnectionsWithoutRestartWhileOpenOnesKeepWorking() throws Exception {
    client.putItem(b -> b.tableName(TABLE).item(item("swap", "still here")));
    TestCa.Issued next = serving == FIRST ? SECOND : FIRST;
    double applied = reloads("applied");
    try (SSLSocket opened = connect()) {
      assertThat(getItem(opened, "swap").status()).isEqualTo(200);

      swapTo(next);

      // Both fronts (two instances share the port) hand out the new certificate.
      for (int connection = 0; connection < 6; connection++) {
        assertThat(servedSerial()).isEqualTo(next.serial());
      }
      assertThat(reloads("applied")).isGreaterThan(applied);
      RawHttp.Answer onOldConnection = getItem(opened, "swap");
      assertThat(onOldConnection.status()).as(onOldConnection.toString()).isEqualTo(200);
      assertThat(onOldConnection.json().at("/Item/v/S").asText()).isEqualTo("still here");
    }
    try (DynamoDbClient fresh = httpsClient(URI.create("https://127.0.0.1:" + fixture.server().port()))) {
      assertThat(fresh.getItem(b -> b.tableName(TABLE).key(key("swap"))).item()).isEqualTo(item("swap", "still here"));
    }
  }

  @Test
  void brokenFilesMidSwap_areRejectedAndTheOldCertificateKeepsBeingServed() throws Exception {
    TestCa.Issued kept = serving;
    TestCa.Issued next = kept == FIRST ? SECOND : FIRST;
    double rejected = reloads("rejected");

    // A certificate file cut short, as a copy in progress leaves it.
    String pem = next.certificatePem();
    replace(certFile, pem.substring(0, pem.length() / 2));
    await().atMost(Duration.ofSeconds(20)).until(() -> reloads("rejected") == rejected + 1);
    assertThat(servedSerial()).isEqualTo(kept.serial());
    client.putItem(b -> b.tableName(TABLE).item(item("broken", "served")));

    // The whole new certificate, but the old key still beside it.
    replace(certFile, pem);
    await().atMost(Duration.ofSeconds(20)).until(() -> reloads("rejected") == rejected + 2);
    assertThat(servedSerial()).isEqualTo(kept.serial());
    assertThat(client.getItem(b -> b.tableName(TABLE).key(key("broken"))).item()).isEqualTo(item("broken", "served"));

    // The key lands: the swap completes.
    replace(keyFile, next.keyPem());
    await().atMost(Duration.ofSeconds(20)).until(() -> servedSerial().equals(next.serial()));
    serving = next;
  }

  @Test
  void start_whenCertificateFileMissing_failsNamingTheSettingAndFile() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> AcceleratorFixture.start(upstream.emulator(), "tls.certFile=" + missing, "tls.keyFile=" + keyFile))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConfigException.class)
        .hasMessage("tls.certFile '" + missing + "': cannot read the file (NoSuchFileException: " + missing + ")");
  }
}
