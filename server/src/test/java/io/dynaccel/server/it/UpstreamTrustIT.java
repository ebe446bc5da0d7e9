package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.tls.TestCa;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The upstream connection verifies DynamoDB's certificate and host name: behind an https endpoint
 * whose certificate a private CA signed, a node trusts it only with {@code upstream.trustCaFile},
 * never for a certificate made out to another name, and a refusal is a DynamoDB-shaped 503 at once.
 */
class UpstreamTrustIT {

  private static final String TABLE = "UpstreamTrustItems";
  private static final TestCa CA = TestCa.create("Dynaccel UpstreamTrustIT private CA");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final String GET_ITEM = "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"k\"}}}";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();
  @TempDir static Path dir;

  private static Vertx vertx;
  private static final AtomicInteger proxied = new AtomicInteger();
  private static AcceleratorFixture trusting;
  private static AcceleratorFixture defaultTrust;
  private static AcceleratorFixture wrongName;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer rightName = tlsProxy(CA.server("dynamodb-behind-a-private-ca"));
    HttpServer otherName = tlsProxy(CA.server("dynamodb-with-another-name", "EC", List.of("wrong-name.invalid")));
    Path caFile = CA.writeCertificate(dir.resolve("upstream-ca.pem"));
    String region = upstream.emulator().region();
    String timeout = "upstream.requestTimeout=" + REQUEST_TIMEOUT.toMillis() + "ms";
    trusting = AcceleratorFixture.start(https(rightName), region, "upstream.trustCaFile=" + caFile, timeout);
    defaultTrust = AcceleratorFixture.start(https(rightName), region, timeout);
    wrongName = AcceleratorFixture.start(https(otherName), region, "upstream.trustCaFile=" + caFile, timeout);
    ProxiedAccelerator.createTable(trusting.syncClient(upstream.endpoint()), TABLE);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AcceleratorFixture node : new AcceleratorFixture[] {trusting, defaultTrust, wrongName}) {
      if (node != null) {
        node.close();
      }
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private static URI https(HttpServer proxy) {
    return URI.create("https://127.0.0.1:" + proxy.actualPort());
  }

  /** DynamoDB over https on 127.0.0.1: a TLS front with {@code certificate} that relays every call to the emulator. */
  private static HttpServer tlsProxy(TestCa.Issued certificate) {
    HttpClient emulator = vertx.createHttpClient();
    URI target = upstream.endpoint();
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
            .setKeyValue(Buffer.buffer(certificate.keyPem())));
    return vertx.createHttpServer(options).requestHandler(request -> request.body()
        .compose(body -> emulator.request(new RequestOptions().setMethod(request.method()).setHost(target.getHost())
                .setPort(target.getPort()).setURI(request.uri()).setHeaders(request.headers()))
            .compose(relayed -> relayed.send(body)))
        .compose(answer -> answer.body().map(bytes -> {
          proxied.incrementAndGet();
          answer.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("transfer-encoding") && !name.equalsIgnoreCase("connection")) {
              request.response().headers().add(name, value);
            }
          });
          return request.response().setStatusCode(answer.statusCode()).end(bytes);
        }))
        .onFailure(e -> request.response().setStatusCode(502).end()))
        .listen().await();
  }

  @Test
  void calls_withTheUpstreamCaTrusted_reachDynamoDbOverHttps() {
    DynamoDbClient client = trusting.syncClient(trusting.endpoint());
    int before = proxied.get();

    client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("over-https"), "v", AttributeValue.fromS("1"))));

    assertThat(client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("over-https")))).item())
        .containsEntry("v", AttributeValue.fromS("1"));
    assertThat(client.listTables().tableNames()).contains(TABLE);
    assertThat(proxied.get()).as("calls went through the TLS upstream").isGreaterThan(before);
  }

  @Test
  void call_withOnlyTheJvmDefaultTrust_isRefusedAsAServiceUnavailable503AtOnce() throws Exception {
    assertRefusedQuickly(defaultTrust);
  }

  @Test
  void call_whenTheUpstreamCertificateNamesAnotherHost_isRefusedEvenWithTheCaTrusted() throws Exception {
    assertRefusedQuickly(wrongName);
  }

  private static void assertRefusedQuickly(AcceleratorFixture node) throws Exception {
    for (String operation : List.of("ListTables", "GetItem")) {
      long began = System.nanoTime();

      HttpResponse<String> answer = node.call(node.endpoint(), RawHttp.TARGET_PREFIX + operation,
          operation.equals("GetItem") ? GET_ITEM : "{}");

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(Differential.JSON.readTree(answer.body()).get("__type").asText())
          .isEqualTo("com.amazon.coral.service#ServiceUnavailableException");
      // A failed handshake, not a wait for the request timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(REQUEST_TIMEOUT);
    }
  }
}
