package io.dynaccel.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * An open-loop load: calls are sent at a fixed rate whatever the server's answers do, as a fleet of
 * services would send them, over a pool of connections; a call due while every connection is busy
 * waits for one, as an SDK client's call waits for its pool, so a stall shows as latency. A call not
 * answered within {@link #CALL_TIMEOUT_MILLIS} is an error. Latencies go into an HdrHistogram
 * recorder that the caller reads interval by interval.
 */
final class PacedLoad implements AutoCloseable {

  private static final long TICK_MILLIS = 1;
  /** As long as an AWS SDK client waits, by default, before it gives up on a call. */
  static final long CALL_TIMEOUT_MILLIS = 30_000;
  private static final int KEEP_ALIVE_SECONDS = 30;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Workload workload;
  private final double perTick;
  private final Recorder latency = new Recorder(3_600_000_000L, 3);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  /** Errors by kind: an HTTP status, or no answer and why. */
  private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
  private double owed;
  private long timer = -1;

  /**
   * Creates the load; {@link #start()} starts it.
   *
   * @param perSecond calls per second
   * @param connections the size of the connection pool
   */
  PacedLoad(Vertx vertx, URI target, Workload workload, double perSecond, int connections) {
    this.vertx = vertx;
    this.workload = workload;
    this.perTick = perSecond * TICK_MILLIS / 1000.0;
    this.client = vertx.httpClientBuilder()
        // Idle connections are closed by the client before the node's idle timeout (60s) could close one
        // just as a call is written into it, a race no client should leave to chance.
        .with(new HttpClientOptions().setDefaultHost(target.getHost()).setDefaultPort(target.getPort()).setKeepAlive(true)
            .setKeepAliveTimeout(KEEP_ALIVE_SECONDS).setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        .build();
  }

  /** Starts sending. */
  void start() {
    vertx.runOnContext(v -> timer = vertx.setPeriodic(TICK_MILLIS, id -> tick()));
  }

  private void tick() {
    owed += perTick;
    while (owed >= 1) {
      owed -= 1;
      send(workload.next());
    }
  }

  private void send(ApiCall call) {
    long sent = System.nanoTime();
    client.request(call.requestOptions().setIdleTimeout(CALL_TIMEOUT_MILLIS))
        .compose(request -> request.send(call.body()))
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(result -> {
          if (result.succeeded() && result.result() == 200) {
            ok.incrementAndGet();
            latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
          } else {
            error(result.succeeded() ? "status " + result.result() : "no answer: " + result.cause().getClass().getSimpleName());
          }
        });
  }

  private void error(String kind) {
    errors.incrementAndGet();
    errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  /** The errors so far, by kind. */
  Map<String, Long> errorKinds() {
    Map<String, Long> kinds = new TreeMap<>();
    errorKinds.forEach((kind, count) -> kinds.put(kind, count.get()));
    return kinds;
  }

  /** Calls answered 200 so far. */
  long ok() {
    return ok.get();
  }

  /** Calls answered otherwise, or not answered, so far. */
  long errors() {
    return errors.get();
  }

  /** The latencies (microseconds) recorded since the last call, and a fresh interval from now. */
  org.HdrHistogram.Histogram interval() {
    return latency.getIntervalHistogram();
  }

  @Override
  public void close() {
    vertx.runOnContext(v -> vertx.cancelTimer(timer));
    client.close().toCompletionStage().toCompletableFuture().join();
  }
}
