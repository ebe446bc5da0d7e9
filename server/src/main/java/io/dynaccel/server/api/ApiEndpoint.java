package io.dynaccel.server.api;

import io.dynaccel.server.auth.RequestAuthenticator;
import io.dynaccel.server.cluster.HopToken;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.RequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * DynamoDB's HTTP front: reads the body within the size limit, answers the methods other than
 * {@code POST} as DynamoDB does, checks the media type, lets the router answer the call, and writes
 * every answer with the headers DynamoDB sends ({@code x-amzn-RequestId}, {@code x-amz-crc32}, the
 * echoed media type, CORS). Every failure becomes a DynamoDB-shaped answer through
 * {@link ErrorResponses}.
 *
 * <p>DynamoDB's order, which this follows: size; then, once the body is in, CORS preflight,
 * {@code GET} (a health line), other methods and foreign media types (a bare 404); then the call
 * itself ({@link RequestDecoder}: JSON, operation, signature, members), then, with {@code auth.mode:
 * sigv4}, who signed it and what it may do ({@link RequestAuthenticator}).
 *
 * <p>It handles the raw request rather than a web router's context: this is the path of every
 * cache hit, and a router and body handler cost more than the hit itself. For the same reason the
 * header names and fixed values are pre-encoded, and one small object per call holds its state.
 */
public final class ApiEndpoint implements Handler<HttpServerRequest> {

  // Pre-encoded header names and values: Vert.x then skips validating and encoding them per answer.
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence CONTENT_LENGTH = HttpHeaders.createOptimized("Content-Length");
  private static final CharSequence EXPECT = HttpHeaders.createOptimized("Expect");
  private static final CharSequence CONTINUE = HttpHeaders.createOptimized("100-continue");
  private static final CharSequence CONNECTION = HttpHeaders.createOptimized("Connection");
  private static final CharSequence CLOSE = HttpHeaders.createOptimized("close");
  private static final CharSequence ORIGIN = HttpHeaders.createOptimized("Origin");
  private static final CharSequence REQUEST_HEADERS = HttpHeaders.createOptimized("Access-Control-Request-Headers");
  private static final CharSequence REQUEST_METHOD = HttpHeaders.createOptimized("Access-Control-Request-Method");
  private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
  private static final CharSequence ALLOW_HEADERS = HttpHeaders.createOptimized("Access-Control-Allow-Headers");
  private static final CharSequence ALLOW_METHODS = HttpHeaders.createOptimized("Access-Control-Allow-Methods");
  private static final CharSequence MAX_AGE = HttpHeaders.createOptimized("Access-Control-Max-Age");
  private static final CharSequence ANY_ORIGIN = HttpHeaders.createOptimized("*");
  private static final CharSequence TWO_DAYS = HttpHeaders.createOptimized("172800");
  private static final String JSON_1_0_NAME = "application/x-amz-json-1.0";
  private static final String JSON_NAME = "application/json";
  private static final CharSequence JSON_1_0 = HttpHeaders.createOptimized(JSON_1_0_NAME);
  private static final CharSequence JSON = HttpHeaders.createOptimized(JSON_NAME);
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-amzn-RequestId");
  private static final CharSequence CRC32_HEADER = HttpHeaders.createOptimized("x-amz-crc32");
  private static final CharSequence EMPTY_CRC32 = HttpHeaders.createOptimized("0");
  private static final byte[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".getBytes(StandardCharsets.US_ASCII);
  private static final int REQUEST_ID_LENGTH = 52;
  private static final Handler<Throwable> IGNORE = failure -> { };

  /** DynamoDB's answer to other methods and to bodies in a media type it does not read. */
  private static final FixedAnswer UNKNOWN_OPERATION = new FixedAnswer(404, "<UnknownOperationException/>\n");

  private final OperationHandler router;
  private final RequestAuthenticator authenticator;
  private final HopToken hop;
  private final DynaccelMetrics metrics;
  private final int maxRequestBytes;
  private final FixedAnswer health;
  private final ClusterMap clusterMap;
  private final AccessLog accessLog;
  /** Set once by a graceful shutdown; read once per answer. */
  private volatile boolean draining;

  /**
   * Creates the endpoint.
   *
   * @param router answers the decoded calls
   * @param metrics records every call
   * @param maxRequestBytes the largest body accepted; a larger one is answered 413 as soon as it is
   *     known to be larger, and the rest of it is read and dropped
   * @param region the upstream's region, named in the health line that {@code GET} answers
   */
  public ApiEndpoint(OperationHandler router, DynaccelMetrics metrics, int maxRequestBytes, String region) {
    this(router, RequestAuthenticator.NONE, HopToken.NONE, metrics, maxRequestBytes, region, ClusterMap.of(null), AccessLog.OFF);
  }

  /**
   * Creates the endpoint with authentication, of a node alone or of a member of a cluster.
   *
   * @param authenticator decides, after decoding, whether a call may reach the router
   * @param hop the cluster's token: a call carrying it was forwarded by a member, which authenticated
   *     it already, so it is not authenticated again and is marked {@link ApiRequest#forwarded()}
   * @param clusterMap what {@code GET} answers on {@link ClusterMap#PATH}
   * @param accessLog where every call is logged, or {@link AccessLog#OFF}
   */
  public ApiEndpoint(OperationHandler router, RequestAuthenticator authenticator, HopToken hop, DynaccelMetrics metrics,
      int maxRequestBytes, String region, ClusterMap clusterMap, AccessLog accessLog) {
    this.router = router;
    this.hop = hop;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
    this.health = new FixedAnswer(200, healthLine(region));
    this.clusterMap = clusterMap;
    this.accessLog = accessLog;
  }

  /**
   * From now on every API answer carries {@code Connection: close}, so that a keep-alive client does
   * not send its next call on a connection the stopping server is about to close (Vert.x drops a
   * call that arrives on a connection it is shutting down): the client opens a new connection
   * instead, to another node or, refused here, after this one is gone.
   */
  public void drain() {
    draining = true;
  }

  /** DynamoDB's answer to {@code GET}, trailing space included, naming the regional endpoint it serves. */
  static String healthLine(String region) {
    return "healthy: dynamodb." + region + (region.startsWith("cn-") ? ".amazonaws.com.cn " : ".amazonaws.com ");
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    request.exceptionHandler(IGNORE);
    MultiMap headers = request.headers();
    long announced = contentLength(headers.get(CONTENT_LENGTH));
    boolean expectsContinue = headers.contains(EXPECT, CONTINUE, true);
    if (announced > maxRequestBytes) {
      // Refused from the header alone: nothing of the body is held. A client that waits for
      // "100 Continue" never sends the body, so the connection cannot carry another call.
      Future<Void> written = refuseTooLarge(request, start, expectsContinue);
      if (expectsContinue) {
        written.onComplete(v -> request.connection().close());
      }
    }
    if (expectsContinue && announced <= maxRequestBytes) {
      request.response().writeContinue();
    }
    Exchange exchange = new Exchange(request, start, (int) Math.max(0, Math.min(announced, maxRequestBytes)), announced > maxRequestBytes);
    request.handler(exchange);
    request.endHandler(exchange::end);
  }

  /**
   * One call's body as it arrives, kept up to the limit; past the limit the call is answered and
   * the rest of the body is read and dropped, so that the client can read the answer and the
   * connection can carry the next call.
   */
  private final class Exchange implements Handler<Buffer> {

    private final HttpServerRequest http;
    private final long start;
    private final int announced;
    private Buffer body;
    private boolean gathering;
    private long received;
    private boolean refused;

    Exchange(HttpServerRequest http, long start, int announced, boolean refused) {
      this.http = http;
      this.start = start;
      this.announced = announced;
      this.refused = refused;
    }

    @Override
    public void handle(Buffer chunk) {
      if (refused) {
        return;
      }
      received += chunk.length();
      if (received > maxRequestBytes) {
        refused = true;
        body = null;
        refuseTooLarge(http, start, false);
      } else if (body == null) {
        // Most calls arrive in one chunk, which is then the body itself, not a copy of it.
        body = chunk;
      } else {
        if (!gathering) {
          Buffer whole = Buffer.buffer(Math.max(announced, body.length() + chunk.length()));
          body = whole.appendBuffer(body);
          gathering = true;
        }
        body.appendBuffer(chunk);
      }
    }

    void end(Void ignored) {
      if (!refused) {
        answer(http, body != null ? body : Buffer.buffer(), start);
      }
    }
  }

  private Future<Void> refuseTooLarge(HttpServerRequest http, long start, boolean close) {
    // DynamoDB's 413 has no body and is sent chunked.
    HttpServerResponse response = http.response()
        .setStatusCode(413)
        .setChunked(true)
        .putHeader(REQUEST_ID, requestId())
        .putHeader(CRC32_HEADER, EMPTY_CRC32);
    if (close) {
      response.putHeader(CONNECTION, CLOSE);
    }
    unknownCall(413, null, start);
    return response.end();
  }

  private void answer(HttpServerRequest http, Buffer body, long start) {
    MultiMap headers = http.headers();
    boolean cors = hasValue(headers.get(ORIGIN));
    HttpMethod method = http.method();
    if (method == HttpMethod.POST) {
      CharSequence mediaType = answerMediaType(headers.get(CONTENT_TYPE));
      if (mediaType == null) {
        if (body.length() > 0) {
          UNKNOWN_OPERATION.write(http.response(), cors);
          unknownCall(404, "UnknownOperationException", start);
          return;
        }
        mediaType = JSON;
      }
      call(http, body, mediaType, cors, start);
    } else if (method == HttpMethod.GET) {
      if (ClusterMap.PATH.equals(http.path())) {
        writeClusterMap(http, cors);
      } else {
        health.write(http.response(), cors);
      }
    } else if (method == HttpMethod.OPTIONS && cors) {
      preflight(http);
    } else {
      UNKNOWN_OPERATION.write(http.response(), cors);
      unknownCall(404, "UnknownOperationException", start);
    }
  }

  /** Records a call answered before it could be decoded. */
  private void unknownCall(int status, String errorType, long start) {
    long nanos = System.nanoTime() - start;
    metrics.request("Unknown", status, errorType, nanos);
    if (accessLog.enabled()) {
      accessLog.record("Unknown", null, status, errorType, CacheOutcome.NONE, nanos);
    }
  }

  private void call(HttpServerRequest http, Buffer body, CharSequence mediaType, boolean cors, long start) {
    ApiRequest request = null;
    Future<ApiResponse> answer;
    try {
      if (hop.accepts(http.headers().get(HopToken.HEADER))) {
        // The member that forwarded it checked the client's signature and rights already.
        request = RequestDecoder.decodeForwarded(http.headers(), body);
      } else {
        request = RequestDecoder.decode(http.headers(), http.query(), body);
        authenticator.authenticate(http.path(), http.query(), http.headers(), request);
      }
      answer = router.handle(request);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    if (answer.isComplete()) {
      // A cache hit is answered by now: no listener to allocate.
      respond(http, request, answer, mediaType, cors, start);
    } else {
      ApiRequest decoded = request;
      answer.onComplete(done -> respond(http, decoded, done, mediaType, cors, start));
    }
  }

  /** Writes the answer, or the DynamoDB-shaped answer to its failure, and records the call. */
  private void respond(HttpServerRequest http, ApiRequest request, AsyncResult<ApiResponse> answer, CharSequence mediaType, boolean cors,
      long start) {
    ApiResponse response = answer.succeeded() ? answer.result() : ErrorResponses.of(answer.cause());
    write(http.response(), response, mediaType, cors);
    String operation = request == null ? "Unknown" : request.operation();
    String errorType = errorType(response);
    long nanos = System.nanoTime() - start;
    metrics.request(operation, response.statusCode(), errorType, nanos);
    if (accessLog.enabled()) {
      accessLog.record(operation, request, response.statusCode(), errorType, response.cache(), nanos);
    }
  }

  /** The cluster map, for the client SDK's routing: JSON with the headers of every answer. */
  private void writeClusterMap(HttpServerRequest http, boolean cors) {
    byte[] json = clusterMap.json(localEndpoint(http));
    CRC32 crc32 = new CRC32();
    crc32.update(json);
    HttpServerResponse response = http.response()
        .setStatusCode(200)
        .putHeader(CONTENT_TYPE, JSON)
        .putHeader(REQUEST_ID, requestId())
        .putHeader(CRC32_HEADER, Long.toString(crc32.getValue()));
    if (cors) {
      response.putHeader(ALLOW_ORIGIN, ANY_ORIGIN);
    }
    response.end(Buffer.buffer(json));
  }

  /** Where the caller reached this node: the scheme, address and port of the connection it came in on. */
  private static String localEndpoint(HttpServerRequest http) {
    String host = http.localAddress().hostAddress();
    return (http.isSSL() ? "https" : "http") + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
        + http.localAddress().port();
  }

  /** DynamoDB's answer to a CORS preflight: any origin, the asked-for headers and method, for two days. */
  private static void preflight(HttpServerRequest http) {
    HttpServerResponse response = http.response()
        .putHeader(REQUEST_ID, requestId())
        .putHeader(CRC32_HEADER, EMPTY_CRC32)
        .putHeader(ALLOW_ORIGIN, ANY_ORIGIN);
    String headers = http.headers().get(REQUEST_HEADERS);
    if (hasValue(headers)) {
      response.putHeader(ALLOW_HEADERS, headers);
    }
    String method = http.headers().get(REQUEST_METHOD);
    if (hasValue(method)) {
      response.putHeader(ALLOW_METHODS, method);
    }
    response.putHeader(MAX_AGE, TWO_DAYS).end();
  }

  /** Writes an API answer the way DynamoDB does, in the media type the call came in. */
  private void write(HttpServerResponse http, ApiResponse response, CharSequence mediaType, boolean cors) {
    if (http.closed() || http.ended()) {
      return;
    }
    long crc = response.crc32();
    if (crc < 0) {
      ByteBuf bytes = ((BufferInternal) response.body()).getByteBuf();
      CRC32 crc32 = new CRC32();
      crc32.update(bytes.nioBuffer());
      crc = crc32.getValue();
    }
    http.setStatusCode(response.statusCode())
        .putHeader(CONTENT_TYPE, mediaType)
        .putHeader(REQUEST_ID, response.requestId() != null ? response.requestId() : requestId())
        .putHeader(CRC32_HEADER, Long.toString(crc));
    if (cors) {
      http.putHeader(ALLOW_ORIGIN, ANY_ORIGIN);
    }
    if (draining) {
      http.putHeader(CONNECTION, CLOSE);
    }
    http.end(response.body());
  }

  /**
   * The media type of the answer to a call sent in the given one: DynamoDB reads JSON bodies sent
   * as {@code application/x-amz-json-1.0} or {@code application/json} (parameters ignored, names
   * compared exactly) and answers in the same one; null for any other.
   */
  static CharSequence answerMediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int to = contentType.indexOf(';');
    if (to < 0) {
      to = contentType.length();
    }
    int from = 0;
    while (from < to && Character.isWhitespace(contentType.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(contentType.charAt(to - 1))) {
      to--;
    }
    if (matches(contentType, from, to, JSON_1_0_NAME)) {
      return JSON_1_0;
    }
    return matches(contentType, from, to, JSON_NAME) ? JSON : null;
  }

  private static boolean matches(String text, int from, int to, String expected) {
    return to - from == expected.length() && text.startsWith(expected, from);
  }

  private static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean hasValue(String header) {
    return header != null && !header.isEmpty();
  }

  private static String errorType(ApiResponse response) {
    if (response.statusCode() < 400) {
      return null;
    }
    String type = DynamoDbException.typeIn(response.body());
    return type.isEmpty() ? null : type;
  }

  /** A request id of DynamoDB's form: 52 characters of A-Z and 0-9, as ASCII bytes Vert.x writes as they are. */
  private static CharSequence requestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] id = new byte[REQUEST_ID_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
    }
    return new AsciiString(id, false);
  }

  /** An answer whose body never changes, written with its CRC32 worked out once. */
  private record FixedAnswer(int status, byte[] body, CharSequence crc32) {

    FixedAnswer(int status, String body) {
      this(status, body.getBytes(StandardCharsets.UTF_8), checksum(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static CharSequence checksum(byte[] body) {
      CRC32 crc32 = new CRC32();
      crc32.update(body);
      return HttpHeaders.createOptimized(Long.toString(crc32.getValue()));
    }

    void write(HttpServerResponse response, boolean cors) {
      response.setStatusCode(status)
          .putHeader(REQUEST_ID, requestId())
          .putHeader(CRC32_HEADER, crc32);
      if (cors) {
        response.putHeader(ALLOW_ORIGIN, ANY_ORIGIN);
      }
      response.end(BufferInternal.buffer(Unpooled.wrappedBuffer(body)));
    }
  }
}
