package io.dynaccel.server.api;

import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.RequestDecoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * {@code POST /}: decodes the call, lets the router answer it, and writes the answer with the
 * headers DynamoDB sends ({@code x-amzn-RequestId}, {@code x-amz-crc32}). Every failure becomes a
 * DynamoDB-shaped answer through {@link ErrorResponses}.
 */
public final class ApiEndpoint implements Handler<RoutingContext> {

  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

  private final OperationHandler router;
  private final DynaccelMetrics metrics;

  /** Creates the endpoint. */
  public ApiEndpoint(OperationHandler router, DynaccelMetrics metrics) {
    this.router = router;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext context) {
    long start = System.nanoTime();
    Buffer body = context.body().buffer();
    String target = context.request().getHeader("X-Amz-Target");
    String[] operation = {"Unknown"};
    Future<ApiResponse> answer;
    try {
      ApiRequest request = RequestDecoder.decode(target, body == null ? Buffer.buffer() : body);
      operation[0] = request.operation();
      answer = router.handle(request);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer
        .recover(failure -> Future.succeededFuture(ErrorResponses.of(failure)))
        .onSuccess(response -> {
          write(context.response(), response);
          metrics.request(operation[0], response.statusCode(), errorType(response), System.nanoTime() - start);
        });
  }

  /** Writes an answer the way DynamoDB does. */
  public static void write(HttpServerResponse http, ApiResponse response) {
    if (http.closed() || http.ended()) {
      return;
    }
    long crc = response.crc32();
    if (crc < 0) {
      CRC32 crc32 = new CRC32();
      crc32.update(response.body().getBytes());
      crc = crc32.getValue();
    }
    http.setStatusCode(response.statusCode())
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("x-amzn-RequestId", response.requestId() != null ? response.requestId() : requestId())
        .putHeader("x-amz-crc32", Long.toString(crc))
        .end(response.body());
  }

  private static String errorType(ApiResponse response) {
    if (response.statusCode() < 400) {
      return null;
    }
    String text = response.body().toString();
    int at = text.indexOf("\"__type\":\"");
    if (at < 0) {
      return null;
    }
    int from = at + "\"__type\":\"".length();
    int to = text.indexOf('"', from);
    return to < 0 ? null : text.substring(from, to);
  }

  private static String requestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[52];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
    }
    return new String(id);
  }
}
