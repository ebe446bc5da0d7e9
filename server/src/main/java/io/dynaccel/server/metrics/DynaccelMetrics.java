package io.dynaccel.server.metrics;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.metrics.internal.BatchedTimer;
import io.dynaccel.server.protocol.Operations;
import io.dynaccel.server.query.QueryCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * The accelerator's meters, named after DAX's CloudWatch metrics so operators recognise them, and
 * exported in Prometheus text format.
 *
 * <p>Every meter exists from start-up: each operation of the API has its request timer and its
 * errors, faults and throttles counters at 0 before the first call, so a dashboard or an alert on
 * them sees 0 rather than no data; so does each operation's upstream timer. Latency timers
 * publish the median and the 99th percentile and fixed buckets for Prometheus's
 * {@code histogram_quantile} over the latencies a node can see ({@link #LATENCY_BUCKETS}).
 *
 * <p>Micrometer's Prometheus registry exports a timer with a histogram as buckets only, dropping its
 * percentiles; so each latency timer has a gauge beside it, {@code <timer>.percentile{quantile}}, that
 * reads the timer's own percentiles (computed over the last two minutes, as the timer does).
 *
 * <p>Each thread records its calls' latencies in a batch of its own, handed to the timer when full,
 * every {@link #FLUSH_PERIOD} and before every {@link #scrape} ({@link BatchedTimer}).
 */
public final class DynaccelMetrics {

  /** The operation label of calls that name no operation of the API (the front answers them itself). */
  public static final String UNKNOWN_OPERATION = "Unknown";
  /** How many tables get their own hit and miss counters; the rest share {@code table="(other)"}. */
  public static final int TABLE_CAP = 100;
  /**
   * The latency timers' Prometheus buckets: 1-2-5 steps from 50 µs (a hit is answered in tens of
   * microseconds) to 30 s (nothing waits longer than the cluster's pending wait). Fixed rather than
   * Micrometer's percentile histogram, whose 88 buckets over that range made each operation's two
   * timers about 180 series and a node's scrape about 1 MB; the exact p50 and p99 are the gauges beside.
   */
  static final Duration[] LATENCY_BUCKETS = LongStream.of(50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
      100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 30_000_000)
      .mapToObj(micros -> Duration.ofNanos(micros * 1_000)).toArray(Duration[]::new);
  private static final double[] PERCENTILES = {0.5, 0.99};
  /**
   * How often the node hands recorded calls over to the latency timers: each thread records into a
   * batch of its own, so that the API's event loops do not contend on one timer.
   */
  public static final Duration FLUSH_PERIOD = Duration.ofMillis(100);

  private final PrometheusMeterRegistry registry;
  private final Counter itemHits;
  private final Counter itemMisses;
  private final Counter queryHits;
  private final Counter queryMisses;
  private final Counter scanHits;
  private final Counter scanMisses;
  private final Counter staleServed;
  private final Counter itemFillsMerged;
  private final Counter queryFillsMerged;
  private final TableCacheCounters tables;
  private final ConcurrentMap<String, OperationMeters> operations = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, BatchedTimer> upstreamTimers = new ConcurrentHashMap<>();

  /** One operation's request timer and outcome counters. */
  private record OperationMeters(BatchedTimer requests, Counter errors, Counter faults, Counter throttles) {
  }

  /**
   * Registers the meters on {@code registry}, including gauges that read the caches.
   *
   * @param registry the node's one registry, which Vert.x and the JVM binders report to as well
   */
  public DynaccelMetrics(PrometheusMeterRegistry registry, ItemCache itemCache, QueryCache queryCache) {
    this.registry = registry;
    itemHits = Counter.builder("dynaccel.item.cache.hits").description("GetItem/BatchGetItem keys answered from the item cache").register(registry);
    itemMisses = Counter.builder("dynaccel.item.cache.misses").description("GetItem/BatchGetItem keys fetched from DynamoDB").register(registry);
    queryHits = Counter.builder("dynaccel.query.cache.hits").description("Query calls answered from the query cache").register(registry);
    queryMisses = Counter.builder("dynaccel.query.cache.misses").description("Query calls sent to DynamoDB").register(registry);
    scanHits = Counter.builder("dynaccel.scan.cache.hits").description("Scan calls answered from the query cache").register(registry);
    scanMisses = Counter.builder("dynaccel.scan.cache.misses").description("Scan calls sent to DynamoDB").register(registry);
    itemFillsMerged = Counter.builder("dynaccel.item.cache.fill.merged")
        .description("GetItem misses answered by a fill of the same key already in flight, instead of a read of their own")
        .register(registry);
    queryFillsMerged = Counter.builder("dynaccel.query.cache.fill.merged")
        .description("Query and Scan misses answered by a fill of the same request already in flight, instead of a call of their own")
        .register(registry);
    staleServed = Counter.builder("dynaccel.stale.served")
        .description("GetItem/BatchGetItem keys answered with an item past its TTL because DynamoDB failed (cache.serveStaleOnError)")
        .register(registry);
    tables = new TableCacheCounters(registry, TABLE_CAP);
    for (String operation : Operations.all()) {
      operations.put(operation, registerOperation(operation));
      // Present at 0 from start, like the API's own timers: a dashboard's series exist before the first miss.
      upstreamTimers.put(operation, upstreamTimer(operation));
    }
    operations.put(UNKNOWN_OPERATION, registerOperation(UNKNOWN_OPERATION));
    Gauge.builder("dynaccel.query.cache.size", queryCache, QueryCache::weightedSize)
        .baseUnit("bytes")
        .description("Approximate heap bytes held by the query cache")
        .register(registry);
    Gauge.builder("dynaccel.query.cache.entries", queryCache, QueryCache::size)
        .description("Query and Scan results in the query cache")
        .register(registry);
    FunctionCounter.builder("dynaccel.query.cache.evictions", queryCache, QueryCache::evictionCount)
        .description("Query and Scan results evicted to stay within the byte bound")
        .register(registry);
    FunctionCounter.builder("dynaccel.query.cache.invalidations", queryCache, QueryCache::invalidationCount)
        .description("Writes through this node that made cached Query/Scan results of their table unreachable")
        .register(registry);
    Gauge.builder("dynaccel.item.cache.size", itemCache, ItemCache::weightedSize)
        .baseUnit("bytes")
        .description("Approximate heap bytes held by the item cache")
        .register(registry);
    Gauge.builder("dynaccel.item.cache.entries", itemCache, ItemCache::size)
        .description("Entries in the item cache, negative entries included")
        .register(registry);
    FunctionCounter.builder("dynaccel.item.cache.evictions", itemCache, ItemCache::evictionCount)
        .description("Item cache entries evicted to stay within the byte bound")
        .register(registry);
    FunctionCounter.builder("dynaccel.item.cache.fill.rejections", itemCache, ItemCache::fillRejectionCount)
        .description("Read-through fills not cached because a write to the key overlapped them")
        .register(registry);
  }

  private OperationMeters registerOperation(String operation) {
    return new OperationMeters(
        latencyTimer("dynaccel.requests", operation, "API calls by operation, from the first byte of the request to the answer"),
        outcome("dynaccel.errors", operation, "API calls answered with a caller's error (4xx other than throttling), by operation"),
        outcome("dynaccel.faults", operation, "API calls answered with a fault (5xx other than throttling), by operation"),
        outcome("dynaccel.throttles", operation, "API calls answered with a throttling error, by operation"));
  }

  private BatchedTimer latencyTimer(String name, String operation, String description) {
    Timer timer = Timer.builder(name)
        .tag("operation", operation)
        .description(description)
        .publishPercentiles(PERCENTILES)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
    for (double percentile : PERCENTILES) {
      Gauge.builder(name + ".percentile", timer, t -> valueAt(t, percentile))
          .tag("operation", operation)
          .tag("quantile", Double.toString(percentile))
          .baseUnit("seconds")
          .description(description + ": the median and 99th percentile over the last two minutes")
          .register(registry);
    }
    return new BatchedTimer(timer);
  }

  /** The timer's value at {@code percentile}, in seconds (0 while nothing was recorded lately). */
  private static double valueAt(Timer timer, double percentile) {
    for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
      if (value.percentile() == percentile) {
        return value.value(TimeUnit.SECONDS);
      }
    }
    return Double.NaN;
  }

  private Counter outcome(String name, String operation, String description) {
    return Counter.builder(name).tag("operation", operation).description(description).register(registry);
  }

  /** Counts keys of {@code table} answered from the cache. */
  public void itemHits(String table, int count) {
    itemHits.increment(count);
    tables.of(table).itemHits().increment(count);
  }

  /** Counts keys of {@code table} that had to be fetched from DynamoDB. */
  public void itemMisses(String table, int count) {
    itemMisses.increment(count);
    tables.of(table).itemMisses().increment(count);
  }

  /** Counts a GetItem miss that took the answer of a fill of its key already in flight. */
  public void itemFillMerged() {
    itemFillsMerged.increment();
  }

  /** Counts a Query or Scan miss that took the answer of a fill of the same request already in flight. */
  public void queryFillMerged() {
    queryFillsMerged.increment();
  }

  /** Counts item keys answered past their TTL because DynamoDB failed. */
  public void staleServed(int count) {
    staleServed.increment(count);
  }

  /** Counts a Query or Scan call of {@code table} by whether the query cache answered it. */
  public void queryOrScan(String table, String operation, boolean hit) {
    TableCacheCounters.Counters byTable = tables.of(table);
    if ("Scan".equals(operation)) {
      (hit ? scanHits : scanMisses).increment();
      (hit ? byTable.scanHits() : byTable.scanMisses()).increment();
    } else {
      (hit ? queryHits : queryMisses).increment();
      (hit ? byTable.queryHits() : byTable.queryMisses()).increment();
    }
  }

  /**
   * Records one finished API call: its latency and, for failures, whether it was the caller's error
   * (4xx), a fault (5xx), or a throttle.
   */
  public void request(String operation, int statusCode, String errorType, long nanos) {
    // get first: computeIfAbsent locks the key's bin when the key is not its first entry, a monitor both event loops took on every call.
    OperationMeters meters = operations.get(operation);
    if (meters == null) {
      meters = operations.computeIfAbsent(operation, this::registerOperation);
    }
    meters.requests().record(nanos);
    if (statusCode < 400) {
      return;
    }
    if (errorType != null && (errorType.endsWith("ThrottlingException") || errorType.endsWith("ProvisionedThroughputExceededException")
        || errorType.endsWith("RequestLimitExceeded"))) {
      meters.throttles().increment();
    } else if (statusCode >= 500) {
      meters.faults().increment();
    } else {
      meters.errors().increment();
    }
  }

  /**
   * Records one request to DynamoDB, from sending it to its answer or its transport failure; a
   * retry is a request of its own.
   */
  public void upstream(String operation, long nanos) {
    BatchedTimer timer = upstreamTimers.get(operation);
    if (timer == null) {
      timer = upstreamTimers.computeIfAbsent(operation, this::upstreamTimer);
    }
    timer.record(nanos);
  }

  private BatchedTimer upstreamTimer(String operation) {
    return latencyTimer("dynaccel.upstream.requests", operation,
        "Requests to DynamoDB by operation, from sending to the answer or the transport failure; each retry counts");
  }

  /**
   * The registry every meter of the node is on, for parts that register their own. Its latency timers
   * see a call up to one {@link #FLUSH_PERIOD} late, unless {@link #flush} ran just before.
   */
  public MeterRegistry registry() {
    return registry;
  }

  /** Hands every thread's recent calls over to the latency timers (see {@link BatchedTimer}); run it every {@link #FLUSH_PERIOD}. */
  public void flush() {
    operations.values().forEach(meters -> meters.requests().flush());
    upstreamTimers.values().forEach(BatchedTimer::flush);
  }

  /** The meters in Prometheus text exposition format. */
  public String scrape() {
    flush();
    return registry.scrape();
  }
}
