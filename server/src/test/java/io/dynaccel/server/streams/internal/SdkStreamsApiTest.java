package io.dynaccel.server.streams.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.config.UpstreamConfig;
import io.dynaccel.server.tls.TestCa;
import io.dynaccel.server.upstream.UpstreamTrust;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.model.Stream;

/** Where the streams client sends its calls and which certificates it accepts, against HTTP servers on 127.0.0.1. */
class SdkStreamsApiTest {

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTREAMSTEST", "streams-test-secret"));
  private static final String LIST_STREAMS = "DynamoDBStreams_20120810.ListStreams";

  @TempDir
  Path dir;

  private Vertx vertx;
  private SdkStreamsApi api;

  /** What one fake endpoint received: the Host header and the X-Amz-Target of each call. */
  private record Received(String host, String target) {
  }

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    vertx.close().await();
  }

  @Test
  void listStreams_whenStreamsEndpointSet_goesThereRatherThanToTheDynamoDbEndpoint() throws Exception {
    List<Received> atDynamoDb = new CopyOnWriteArrayList<>();
    List<Received> atStreams = new CopyOnWriteArrayList<>();
    HttpServer dynamoDb = listStreamsServer(new HttpServerOptions(), "AtTheDynamoDbEndpoint", atDynamoDb);
    HttpServer streams = listStreamsServer(new HttpServerOptions(), "AtTheStreamsEndpoint", atStreams);
    api = new SdkStreamsApi(upstream(URI.create("http://127.0.0.1:" + dynamoDb.actualPort()),
        Optional.of(URI.create("http://127.0.0.1:" + streams.actualPort())), Optional.empty()), UpstreamTrust.jvmDefault(), CREDENTIALS, 1);

    ListStreamsResponse answer = listStreams();

    assertThat(answer.streams()).extracting(Stream::tableName).containsExactly("AtTheStreamsEndpoint");
    assertThat(atStreams).containsExactly(new Received("127.0.0.1:" + streams.actualPort(), LIST_STREAMS));
    assertThat(atDynamoDb).isEmpty();
  }

  @Test
  void listStreams_whenNoStreamsEndpointAndAnEmulator_goesToTheDynamoDbEndpoint() throws Exception {
    List<Received> atDynamoDb = new CopyOnWriteArrayList<>();
    HttpServer dynamoDb = listStreamsServer(new HttpServerOptions(), "AtTheDynamoDbEndpoint", atDynamoDb);
    api = new SdkStreamsApi(upstream(URI.create("http://127.0.0.1:" + dynamoDb.actualPort()), Optional.empty(), Optional.empty()),
        UpstreamTrust.jvmDefault(), CREDENTIALS, 1);

    assertThat(listStreams().streams()).extracting(Stream::tableName).containsExactly("AtTheDynamoDbEndpoint");
    assertThat(atDynamoDb).extracting(Received::target).containsExactly(LIST_STREAMS);
  }

  @Test
  void listStreams_whenTlsEndpointSignedByTheUpstreamTrustCa_isTrusted() throws Exception {
    TestCa ca = TestCa.create("Private streams CA");
    Path caFile = ca.writeCertificate(dir.resolve("upstream-ca.pem"));
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer streams = listStreamsServer(tls(ca), "BehindAPrivateCa", received);
    UpstreamConfig upstream = upstream(URI.create("https://127.0.0.1:" + streams.actualPort()), Optional.empty(), Optional.of(caFile));
    api = new SdkStreamsApi(upstream, UpstreamTrust.load(upstream.trustCaFile()), CREDENTIALS, 1);

    assertThat(listStreams().streams()).extracting(Stream::tableName).containsExactly("BehindAPrivateCa");
    assertThat(received).hasSize(1);
  }

  @Test
  void listStreams_whenTlsEndpointSignedByACaNotTrusted_failsTheHandshake() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer streams = listStreamsServer(tls(TestCa.create("Streams CA nobody trusts")), "Untrusted", received);
    api = new SdkStreamsApi(upstream(URI.create("https://127.0.0.1:" + streams.actualPort()), Optional.empty(), Optional.empty()),
        UpstreamTrust.jvmDefault(), CREDENTIALS, 1);

    assertThatThrownBy(this::listStreams).satisfies(failure -> assertThat(causes(failure)).hasAtLeastOneElementOfType(SSLHandshakeException.class));
    assertThat(received).isEmpty();
  }

  @Test
  void listStreams_whenTheTrustedCaSignedTheCertificateForAnotherHost_fails() throws Exception {
    TestCa ca = TestCa.create("Private streams CA");
    Path caFile = ca.writeCertificate(dir.resolve("upstream-ca.pem"));
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer streams = listStreamsServer(tls(ca.server("streams-with-another-name", "EC", List.of("wrong-name.invalid"))),
        "WrongName", received);
    UpstreamConfig upstream = upstream(URI.create("https://127.0.0.1:" + streams.actualPort()), Optional.empty(), Optional.of(caFile));
    api = new SdkStreamsApi(upstream, UpstreamTrust.load(upstream.trustCaFile()), CREDENTIALS, 1);

    assertThatThrownBy(this::listStreams).satisfies(failure -> assertThat(causes(failure)).hasAtLeastOneElementOfType(SSLException.class));
    assertThat(received).isEmpty();
  }

  private static List<Throwable> causes(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
      chain.add(cause);
    }
    return chain;
  }

  private ListStreamsResponse listStreams() throws Exception {
    return api.listStreams(ListStreamsRequest.builder().build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static UpstreamConfig upstream(URI endpoint, Optional<URI> streamsEndpoint, Optional<Path> trustCaFile) {
    return new UpstreamConfig(Optional.of(endpoint), "us-east-1", Duration.ofSeconds(2), Duration.ofSeconds(5), 1, 0, trustCaFile,
        streamsEndpoint);
  }

  private static HttpServerOptions tls(TestCa ca) {
    return tls(ca.server("streams-on-loopback"));
  }

  private static HttpServerOptions tls(TestCa.Issued certificate) {
    return new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(certificate.certificatePem())).setKeyValue(Buffer.buffer(certificate.keyPem())));
  }

  /** Answers every call with a ListStreams page of one stream of {@code table}, recording what it received. */
  private HttpServer listStreamsServer(HttpServerOptions options, String table, List<Received> received) {
    String arn = "arn:aws:dynamodb:us-east-1:000000000000:table/" + table + "/stream/2026-01-01T00:00:00.000";
    String page = "{\"Streams\":[{\"StreamArn\":\"" + arn + "\",\"TableName\":\"" + table + "\",\"StreamLabel\":\"2026-01-01T00:00:00.000\"}]}";
    return vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0)).requestHandler(request -> request.body().onSuccess(body -> {
      received.add(new Received(request.getHeader("Host"), request.getHeader("X-Amz-Target")));
      request.response().putHeader("Content-Type", "application/x-amz-json-1.0").end(page);
    })).listen().await();
  }
}
