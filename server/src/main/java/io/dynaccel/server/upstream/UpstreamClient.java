package io.dynaccel.server.upstream;

import io.dynaccel.server.upstream.internal.EventLoopClients;
import io.dynaccel.server.upstream.internal.UpstreamSigner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjLongConsumer;

/**
 * The pooled HTTP client to the real DynamoDB endpoint, one pool per event loop ({@link EventLoopClients}).
 *
 * <p>Each request is signed with SigV4 using the accelerator's own credentials ({@link UpstreamSigner}), and every
 * transport failure or timeout becomes an {@link UpstreamFailure} that says whether the request may
 * have reached DynamoDB. Every call goes through the {@link UpstreamBreaker}; the time of each API
 * request, retries each on their own, is reported to a latency listener.
 */
public final class UpstreamClient implements AutoCloseable {

  private static final long RETRY_BASE_DELAY_MILLIS = 25;

  private final Vertx vertx;
  private final EventLoopClients clients;
  private final URI endpoint;
  private final long requestTimeoutMillis;
  private final int maxRetries;
  private final RefreshingCredentials credentials;
  private final UpstreamBreaker breaker;
  private final ObjLongConsumer<String> latency;
  private final UpstreamSigner signer;

  /**
   * Creates a client without a circuit breaker or latency listener that trusts the JVM's default CAs
   * for an https endpoint.
   *
   * @param endpoint DynamoDB's endpoint, e.g. {@code https://dynamodb.us-east-1.amazonaws.com}
   * @param region the signing region
   * @param connectTimeout the TCP connect timeout
   * @param requestTimeout the limit for one request, from sending to the last byte of the answer
   * @param maxConnections the pool size of each event loop that calls
   * @param maxRetries how often a request that certainly never reached DynamoDB is tried again
   * @param credentials the accelerator's own credentials, started
   */
  public UpstreamClient(
      Vertx vertx,
      URI endpoint,
      String region,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxConnections,
      int maxRetries,
      RefreshingCredentials credentials) {
    this(vertx, endpoint, region, connectTimeout, requestTimeout, maxConnections, 1, maxRetries, credentials, UpstreamBreaker.none(),
        UpstreamTrust.jvmDefault(), (operation, nanos) -> { });
  }

  /**
   * Creates the client with every call going through a circuit breaker; the parameters before
   * {@code breaker} are those of the constructor above.
   *
   * @param breaker fails calls fast while DynamoDB is down, and hears of every answer
   * @param eventLoops how many event loops take the API's calls: {@code maxConnections} is divided among them
   * @param trust the CAs accepted for an https endpoint's certificate; its host name is verified either way
   * @param latency hears the operation and the nanoseconds of every request sent, from sending to the
   *     answer or the transport failure (not the probes, nor calls the breaker failed fast)
   */
  public UpstreamClient(
      Vertx vertx,
      URI endpoint,
      String region,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxConnections,
      int eventLoops,
      int maxRetries,
      RefreshingCredentials credentials,
      UpstreamBreaker breaker,
      UpstreamTrust trust,
      ObjLongConsumer<String> latency) {
    this.breaker = breaker;
    this.latency = latency;
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.signer = new UpstreamSigner(endpoint, region, Clock.systemUTC());
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.maxRetries = maxRetries;
    this.credentials = credentials;
    boolean tls = "https".equalsIgnoreCase(endpoint.getScheme());
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(tls)
            .setDefaultHost(endpoint.getHost())
            .setDefaultPort(port(endpoint, tls))
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setKeepAlive(true)
            .setTcpNoDelay(true);
    trust.applyTo(options);
    this.clients = new EventLoopClients(vertx, options, maxConnections, eventLoops);
  }

  private static int port(URI endpoint, boolean tls) {
    if (endpoint.getPort() > 0) {
      return endpoint.getPort();
    }
    return tls ? 443 : 80;
  }

  /**
   * Sends one DynamoDB API call.
   *
   * @param operation the operation name, e.g. {@code GetItem}
   * @param body the JSON request body
   * @return DynamoDB's answer, whatever its status; or a failed future with {@link UpstreamFailure}
   */
  public Future<UpstreamResponse> send(String operation, Buffer body) {
    // The breaker sees the call with its retries as one: one outcome per call the client made.
    return breaker.call(() -> attempt(operation, body, 0), endpoint.toString());
  }

  /**
   * Asks DynamoDB the cheapest question there is, {@code GET /}, which it answers 200 with its
   * health line without checking a signature. It goes through the breaker like any call, so while
   * the breaker is half-open it may be the call that closes it.
   *
   * @param timeout the limit for this probe, capped at the request timeout
   * @return DynamoDB's answer, or a failed future with {@link UpstreamFailure}
   */
  public Future<UpstreamResponse> probe(Duration timeout) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI("/");
    return breaker.call(() -> exchange(options, Buffer.buffer(), Math.min(requestTimeoutMillis, timeout.toMillis())), endpoint.toString());
  }

  /**
   * One try, and another after a short pause if this one certainly never reached DynamoDB: only
   * then is a retry safe for every operation, writes included.
   */
  private Future<UpstreamResponse> attempt(String operation, Buffer body, int retriesDone) {
    return sendOnce(operation, body).recover(failure -> {
      if (retriesDone >= maxRetries || !(failure instanceof UpstreamFailure f) || f.mayHaveArrived()) {
        return Future.failedFuture(failure);
      }
      Promise<Void> pause = Promise.promise();
      vertx.setTimer(RETRY_BASE_DELAY_MILLIS << retriesDone, id -> pause.complete());
      return pause.future().compose(v -> attempt(operation, body, retriesDone + 1));
    });
  }

  private Future<UpstreamResponse> sendOnce(String operation, Buffer body) {
    MultiMap headers;
    try {
      headers = signer.headers(credentials.get(), operation, body);
    } catch (RuntimeException e) {
      return Future.failedFuture(new UpstreamFailure("Could not sign the upstream request: " + e.getMessage(), false, e));
    }
    long began = System.nanoTime();
    return exchange(new RequestOptions().setMethod(HttpMethod.POST).setURI("/").setHeaders(headers), body, requestTimeoutMillis)
        .andThen(result -> latency.accept(operation, System.nanoTime() - began));
  }

  /** One HTTP exchange within {@code timeoutMillis}; every failure becomes an {@link UpstreamFailure}. */
  private Future<UpstreamResponse> exchange(RequestOptions options, Buffer body, long timeoutMillis) {
    Promise<UpstreamResponse> promise = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer =
        vertx.setTimer(
            timeoutMillis,
            id -> {
              HttpClientRequest request = sent.get();
              promise.tryFail(
                  new UpstreamFailure(
                      "DynamoDB at " + endpoint + " did not answer within " + timeoutMillis + " ms",
                      request != null,
                      null));
              if (request != null) {
                request.reset();
              }
            });
    clients.current().request(options)
        .compose(
            request -> {
              if (promise.future().isComplete()) {
                // Timed out while waiting for a connection and reported as never sent: keep it so.
                request.reset();
                return Future.failedFuture("request abandoned before sending");
              }
              sent.set(request);
              return request.send(body);
            })
        .compose(response -> response.body().map(b -> new UpstreamResponse(response.statusCode(), b, response.getHeader("x-amzn-RequestId"))))
        .onComplete(
            result -> {
              vertx.cancelTimer(timer);
              if (result.succeeded()) {
                promise.tryComplete(result.result());
              } else {
                promise.tryFail(transportFailure(result.cause(), sent.get() != null));
              }
            });
    return promise.future();
  }

  private UpstreamFailure transportFailure(Throwable cause, boolean requestCreated) {
    boolean neverConnected = !requestCreated || cause instanceof ConnectException || cause.getCause() instanceof ConnectException;
    String what = neverConnected ? "is unreachable" : "failed while answering";
    return new UpstreamFailure("DynamoDB at " + endpoint + " " + what + ": " + cause.getMessage(), !neverConnected, cause);
  }

  @Override
  public void close() {
    clients.close();
  }
}
