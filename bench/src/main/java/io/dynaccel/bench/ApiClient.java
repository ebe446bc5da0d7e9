package io.dynaccel.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * A DynamoDB JSON-protocol client on Vert.x for one endpoint that hands back each answer's status and
 * decoded body, for benchmark drivers that must look at what they were answered (versions, counters).
 */
final class ApiClient implements AutoCloseable {

  private static final String SIGNATURE =
      "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0";

  private final HttpClientAgent client;

  /** A client with up to {@code connections} keep-alive connections to {@code endpoint}. */
  ApiClient(Vertx vertx, URI endpoint, int connections) {
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost(endpoint.getHost()).setDefaultPort(endpoint.getPort()).setKeepAlive(true).setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        // A killed node resets its connections; the calls on them fail and are counted, the reset needs no log line.
        .withConnectHandler(connection -> connection.exceptionHandler(e -> { }))
        .build();
  }

  /** Sends one call; fails only if no answer came (connection refused or dropped). */
  Future<Answer> call(ApiCall call) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/")
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", "DynamoDB_20120810." + call.operation())
        .putHeader("X-Amz-Date", "20260101T000000Z")
        .putHeader("Authorization", SIGNATURE);
    return client.request(options)
        .compose(request -> request.send(call.body()))
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body.length() == 0 ? new JsonObject() : body.toJsonObject())));
  }

  @Override
  public void close() {
    LoadGenerator.await(client.close());
  }

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param body the decoded JSON body
   */
  record Answer(int status, JsonObject body) {

    /** Whether DynamoDB (or the node) accepted the call. */
    boolean ok() {
      return status == 200;
    }
  }
}
