package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BaselineForwarderTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Vertx vertx;
  private HttpServer upstream;
  private BaselineForwarder forwarder;
  // What the upstream received: each call's headers and body.
  private final List<MultiMap> receivedHeaders = new CopyOnWriteArrayList<>();
  private final List<String> receivedBodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startUpstream() {
    vertx = Vertx.vertx();
    upstream = LoadGenerator.await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      receivedHeaders.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
      receivedBodies.add(body.toString());
      request.response().setStatusCode(400)
          .putHeader("Content-Type", "application/x-amz-json-1.0")
          .putHeader("x-amzn-RequestId", "REQ-1")
          .putHeader("x-amz-crc32", "12345")
          .putHeader("X-Other", "not relayed")
          .end("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"answer to " + body + "\"}");
    })).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    if (forwarder != null) {
      forwarder.close();
    }
    LoadGenerator.await(vertx.close());
  }

  @Test
  void forward_whenCalled_passesTheCallToTheUpstreamAndItsAnswerBack() throws Exception {
    forwarder = BaselineForwarder.start(URI.create("http://127.0.0.1:" + upstream.actualPort()), 2, -1);

    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forwarder.port() + "/"))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810.GetItem")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=bench")
        .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"T\"}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(receivedBodies).containsExactly("{\"TableName\":\"T\"}");
    MultiMap sent = receivedHeaders.get(0);
    assertThat(sent.get("X-Amz-Target")).isEqualTo("DynamoDB_20120810.GetItem");
    assertThat(sent.get("X-Amz-Date")).isEqualTo("20260101T000000Z");
    assertThat(sent.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=bench");
    assertThat(sent.get("Content-Type")).isEqualTo("application/x-amz-json-1.0");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo(
        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"answer to {\"TableName\":\"T\"}\"}");
    assertThat(answer.headers().firstValue("x-amzn-RequestId")).hasValue("REQ-1");
    assertThat(answer.headers().firstValue("x-amz-crc32")).hasValue("12345");
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.0");
    assertThat(answer.headers().firstValue("X-Other")).isEmpty();
  }

  @Test
  void health_whenAskedIfReady_answersWithoutCallingTheUpstream() throws Exception {
    forwarder = BaselineForwarder.start(URI.create("http://127.0.0.1:" + upstream.actualPort()), 1, -1);

    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forwarder.port() + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(receivedBodies).isEmpty();
  }

  @Test
  void forward_whenTheUpstreamDoesNotListen_answers502() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    forwarder = BaselineForwarder.start(URI.create("http://127.0.0.1:" + closedPort), 1, -1);

    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forwarder.port() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(502);
  }
}
