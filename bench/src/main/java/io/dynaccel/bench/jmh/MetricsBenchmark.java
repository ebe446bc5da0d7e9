package io.dynaccel.bench.jmh;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.query.QueryCache;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a cache hit's meters cost: the request timer and the hit counters a GetItem hit records, on
 * one registry as a node has it. Run it with two threads, as the API's two event loops on this
 * machine record: {@code bench/run.sh jmh MetricsBenchmark -t 2} (and {@code -t 1} for the cost
 * without sharing). The {@code work*} rows do a few microseconds of CPU between recordings, as hits
 * do; what a row adds to {@code work} is what its meter costs a hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {

  /** About 5 µs of CPU on this machine: a cache hit's share of its own work, between two recordings. */
  private static final long WORK_TOKENS = 2_000;

  private DynaccelMetrics metrics;
  private Timer unbatched;

  /** One registry with every meter of a node's API. */
  @Setup
  public void setUp() {
    metrics = new DynaccelMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(11), Ticker.systemTicker()),
        new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(11), Duration.ofSeconds(1), Ticker.systemTicker()));
    unbatched = unbatchedTimer("unbatched");
  }

  /** A timer with the request timers' percentiles and some of their buckets, on a registry of its own. */
  private static Timer unbatchedTimer(String name) {
    return Timer.builder(name).publishPercentiles(0.5, 0.99)
        .serviceLevelObjectives(Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(200_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10))
        .register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * The request timer of a hit alone (latencies around 100-400 µs, as the load benchmark's closed loop
   * sees them): its cost on one thread; on two, both hand batches over all the time, which hits never do.
   */
  @Benchmark
  public void requestTimer() {
    metrics.request("GetItem", 200, null, 100_000 + ThreadLocalRandom.current().nextInt(300_000));
  }

  /** A hit's own work (a few microseconds of CPU), without meters: what the two rows below add to. */
  @Benchmark
  public void work() {
    Blackhole.consumeCPU(WORK_TOKENS);
  }

  /** A hit's work, then its request timer as the node records it (each thread's batch handed over when full). */
  @Benchmark
  public void workThenRequestTimer() {
    Blackhole.consumeCPU(WORK_TOKENS);
    metrics.request("GetItem", 200, null, 100_000 + ThreadLocalRandom.current().nextInt(300_000));
  }

  /** A hit's work, then a timer like the request timer recorded directly: every call writes the shared histograms. */
  @Benchmark
  public void workThenUnbatchedTimer() {
    Blackhole.consumeCPU(WORK_TOKENS);
    unbatched.record(100_000 + ThreadLocalRandom.current().nextInt(300_000), TimeUnit.NANOSECONDS);
  }

  /** A timer of each benchmark thread's own, configured as the unbatched one. */
  @State(Scope.Thread)
  public static class OwnTimer {
    private Timer timer;

    /** Registers this thread's timer. */
    @Setup
    public void setUp() {
      timer = unbatchedTimer("own");
    }
  }

  /** The floor: a hit's work, then a timer no other thread writes. */
  @Benchmark
  public void workThenOwnTimer(OwnTimer own) {
    Blackhole.consumeCPU(WORK_TOKENS);
    own.timer.record(100_000 + ThreadLocalRandom.current().nextInt(300_000), TimeUnit.NANOSECONDS);
  }

  /** The hit counters of a hit: the node's and its table's. */
  @Benchmark
  public void hitCounters() {
    metrics.itemHits("Users", 1);
  }
}
