package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamProxyTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Vertx vertx;
  private HttpServer upstream;
  private UpstreamProxy proxy;

  @BeforeEach
  void startUpstream() {
    vertx = Vertx.vertx();
    // A stand-in for DynamoDB: GetItem is refused, anything else is answered with its own target.
    upstream = LoadGenerator.await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String target = request.getHeader("X-Amz-Target");
      request.response().setStatusCode(target.endsWith("GetItem") ? 400 : 200)
          .putHeader("x-amzn-RequestId", "STUB").end("{\"target\":\"" + target + "\"}");
    })).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    LoadGenerator.await(vertx.close());
  }

  @Test
  void writeItems_whenSingleAndBatchWrites_countsCallsAndItemsPerTable() throws Exception {
    proxy = UpstreamProxy.start(URI.create("http://127.0.0.1:" + upstream.actualPort()), Duration.ZERO, Duration.ZERO);

    send("PutItem", "{\"TableName\":\"A\",\"Item\":{\"pk\":{\"S\":\"1\"}}}");
    send("UpdateItem", "{\"TableName\":\"A\",\"Key\":{\"pk\":{\"S\":\"1\"}}}");
    send("DeleteItem", "{\"TableName\":\"B\",\"Key\":{\"pk\":{\"S\":\"1\"}}}");
    send("BatchWriteItem", "{\"RequestItems\":{\"A\":[{\"PutRequest\":{}},{\"PutRequest\":{}},{\"DeleteRequest\":{}}],\"B\":[{\"PutRequest\":{}}]}}");
    send("GetItem", "{\"TableName\":\"A\",\"Key\":{\"pk\":{\"S\":\"1\"}}}");
    send("Query", "{\"TableName\":\"A\"}");

    assertThat(proxy.writeItems("A")).isEqualTo(5);
    assertThat(proxy.writeCalls("A")).isEqualTo(3);
    assertThat(proxy.writeItems("B")).isEqualTo(2);
    assertThat(proxy.writeCalls("B")).isEqualTo(2);
    assertThat(proxy.writeItems("C")).isZero();
  }

  @Test
  void forward_whenUpstreamAnswers_holdsEachWayAndPassesStatusHeadersAndBodyOn() throws Exception {
    proxy = UpstreamProxy.start(URI.create("http://127.0.0.1:" + upstream.actualPort()), Duration.ofMillis(20), Duration.ofMillis(25));

    long began = System.nanoTime();
    HttpResponse<String> refused = send("GetItem", "{\"TableName\":\"A\",\"Key\":{\"pk\":{\"S\":\"1\"}}}");
    long tookMillis = (System.nanoTime() - began) / 1_000_000;

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.headers().firstValue("x-amzn-RequestId")).hasValue("STUB");
    assertThat(refused.body()).isEqualTo("{\"target\":\"DynamoDB_20120810.GetItem\"}");
    assertThat(tookMillis).isGreaterThanOrEqualTo(40);
    assertThat(proxy.delays()).isEqualTo("20.0-25.0 ms (uniform) each way");
  }

  private HttpResponse<String> send(String operation, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(proxy.endpoint())
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
