package io.dynaccel.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop HTTP load generator: a fixed number of connections, each sending its next call as
 * soon as the previous one is answered, for a warm-up and then a measured period. Latencies go into
 * an HdrHistogram. The same generator drives every server in a run, so their figures compare.
 */
public final class LoadGenerator implements AutoCloseable {

  private final Vertx vertx;
  private final int connections;

  /** Creates a generator with its own Vert.x instance. */
  public LoadGenerator(int connections) {
    this.vertx = Vertx.vertx();
    this.connections = connections;
  }

  /** Drives one server with a workload and returns what the measured period saw. */
  public LoadResult run(URI target, Workload workload, Duration warmUp, Duration measured) {
    return run(target, workload, warmUp, measured, null);
  }

  /**
   * Drives one server with a workload and returns what the measured period saw, with the CPU time the
   * server used in it.
   *
   * @param cpu the server's CPU clock, read when the measured period begins and when it ends; null for none
   */
  public LoadResult run(URI target, Workload workload, Duration warmUp, Duration measured, CpuClock cpu) {
    HttpClientAgent client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost(target.getHost()).setDefaultPort(target.getPort()).setKeepAlive(true).setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        .build();
    try {
      Histogram latency = new Histogram(3_600_000_000L, 3);
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long start = System.nanoTime();
      long measureFrom = start + warmUp.toNanos();
      long end = measureFrom + measured.toNanos();
      List<Future<Void>> loops = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(v -> loop(client, workload, measureFrom, end, latency, ok, failed, done));
        loops.add(done.future());
      }
      Duration used = null;
      Duration compiling = null;
      if (cpu != null) {
        parkUntil(measureFrom);
        Duration before = cpu.total();
        Duration compiledBefore = cpu.compilation();
        parkUntil(end);
        used = cpu.total().minus(before);
        Duration compiledAfter = cpu.compilation();
        compiling = compiledBefore == null || compiledAfter == null ? null : compiledAfter.minus(compiledBefore);
      }
      Future.all(loops).toCompletionStage().toCompletableFuture().join();
      return new LoadResult(ok.get(), failed.get(), measured.toNanos() / 1e9, latency, used, compiling);
    } finally {
      client.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private void loop(HttpClientAgent client, Workload workload, long measureFrom, long end, Histogram latency,
      AtomicLong ok, AtomicLong failed, Promise<Void> done) {
    long sent = System.nanoTime();
    if (sent >= end) {
      done.complete();
      return;
    }
    ApiCall call = workload.next();
    client.request(call.requestOptions())
        .compose(request -> request.send(call.body()))
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(result -> {
          long now = System.nanoTime();
          if (sent >= measureFrom && now <= end) {
            if (result.succeeded() && result.result() == 200) {
              ok.incrementAndGet();
              synchronized (latency) {
                latency.recordValue(Math.max(1, (now - sent) / 1000));
              }
            } else {
              failed.incrementAndGet();
            }
          }
          loop(client, workload, measureFrom, end, latency, ok, failed, done);
        });
  }

  // The calling thread waits out the period on its own, off the event loop that sends the load.
  private static void parkUntil(long nanoTime) {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Waits for a future, for the benchmark's sequential set-up code. */
  static <T> T await(Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }

  /** A duration from seconds, for readable scenario definitions. */
  static Duration seconds(double seconds) {
    return Duration.ofMillis((long) (seconds * 1000));
  }
}
