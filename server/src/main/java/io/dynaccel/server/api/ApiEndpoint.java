package io.dynaccel.server.api;

import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.RequestDecoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * {@code POST /}: reads the body within the size limit, decodes the call, lets the router answer
 * it, and writes the answer with the headers DynamoDB sends ({@code x-amzn-RequestId},
 * {@code x-amz-crc32}). Every failure becomes a DynamoDB-shaped answer through
 * {@link ErrorResponses}.
 *
 * <p>It handles the raw request rather than a web router's context: this is the path of every
 * cache hit, and a router and body handler cost more than the hit itself.
 */
public final class ApiEndpoint implements Handler<HttpServerRequest> {

  // Pre-encoded header names and values: Vert.x then skips validating and encoding them per answer.
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence JSON_1_0 = HttpHeaders.createOptimized("application/x-amz-json-1.0");
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-amzn-RequestId");
  private static final CharSequence CRC32_HEADER = HttpHeaders.createOptimized("x-amz-crc32");
  private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

  private final OperationHandler router;
  private final DynaccelMetrics metrics;
  private final int maxRequestBytes;

  /** Creates the endpoint; bodies over {@code maxRequestBytes} are read to the end and refused. */
  public ApiEndpoint(OperationHandler router, DynaccelMetrics metrics, int maxRequestBytes) {
    this.router = router;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    request.handler(chunk -> {
      if (tooLarge[0] || body.length() + chunk.length() > maxRequestBytes) {
        // Keep reading so the client can finish sending and read the answer, but hold nothing.
        tooLarge[0] = true;
      } else {
        body.appendBuffer(chunk);
      }
    });
    // A client that goes away mid-request just leaves: nothing was decoded and no answer is owed,
    // so the failure needs no handling beyond keeping it out of the unhandled-exception log.
    request.exceptionHandler(failure -> { });
    request.endHandler(v -> {
      if (tooLarge[0]) {
        write(request.response(), ErrorResponses.of(DynamoDbException.validation(
            "Request size of the call exceeds the limit of " + maxRequestBytes + " bytes")));
        metrics.request("Unknown", 400, "ValidationException", System.nanoTime() - start);
      } else {
        answer(request, body, start);
      }
    });
  }

  private void answer(HttpServerRequest http, Buffer body, long start) {
    String target = http.getHeader("X-Amz-Target");
    String[] operation = {"Unknown"};
    Future<ApiResponse> answer;
    try {
      ApiRequest request = RequestDecoder.decode(target, body);
      operation[0] = request.operation();
      answer = router.handle(request);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer
        .recover(failure -> Future.succeededFuture(ErrorResponses.of(failure)))
        .onSuccess(response -> {
          write(http.response(), response);
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
        .putHeader(CONTENT_TYPE, JSON_1_0)
        .putHeader(REQUEST_ID, response.requestId() != null ? response.requestId() : requestId())
        .putHeader(CRC32_HEADER, Long.toString(crc))
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
