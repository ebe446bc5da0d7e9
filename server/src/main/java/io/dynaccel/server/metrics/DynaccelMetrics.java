package io.dynaccel.server.metrics;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.query.QueryCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The accelerator's meters, named after DAX's CloudWatch metrics so operators recognise them, and
 * exported in Prometheus text format.
 */
public final class DynaccelMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter itemHits = Counter.builder("dynaccel.item.cache.hits").description("GetItem/BatchGetItem keys answered from the item cache").register(registry);
  private final Counter itemMisses = Counter.builder("dynaccel.item.cache.misses").description("GetItem/BatchGetItem keys fetched from DynamoDB").register(registry);
  private final Counter queryHits = Counter.builder("dynaccel.query.cache.hits").description("Query calls answered from the query cache").register(registry);
  private final Counter queryMisses = Counter.builder("dynaccel.query.cache.misses").description("Query calls sent to DynamoDB").register(registry);
  private final Counter scanHits = Counter.builder("dynaccel.scan.cache.hits").description("Scan calls answered from the query cache").register(registry);
  private final Counter scanMisses = Counter.builder("dynaccel.scan.cache.misses").description("Scan calls sent to DynamoDB").register(registry);
  private final Counter staleServed = Counter.builder("dynaccel.stale.served")
      .description("GetItem/BatchGetItem keys answered with an item past its TTL because DynamoDB failed (cache.serveStaleOnError)")
      .register(registry);
  private final ConcurrentMap<String, Timer> requestTimers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> outcomeCounters = new ConcurrentHashMap<>();

  /** Registers the meters, including gauges that read the caches. */
  public DynaccelMetrics(ItemCache itemCache, QueryCache queryCache) {
    Gauge.builder("dynaccel.query.cache.size", queryCache, QueryCache::weightedSize)
        .baseUnit("bytes")
        .description("Approximate heap bytes held by the query cache")
        .register(registry);
    Gauge.builder("dynaccel.query.cache.entries", queryCache, QueryCache::size)
        .description("Query and Scan results in the query cache")
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

  /** Counts item keys answered from the cache. */
  public void itemHits(int count) {
    itemHits.increment(count);
  }

  /** Counts item keys that had to be fetched from DynamoDB. */
  public void itemMisses(int count) {
    itemMisses.increment(count);
  }

  /** Counts item keys answered past their TTL because DynamoDB failed. */
  public void staleServed(int count) {
    staleServed.increment(count);
  }

  /** Counts a Query or Scan call by whether the query cache answered it. */
  public void queryOrScan(String operation, boolean hit) {
    boolean scan = "Scan".equals(operation);
    (scan ? (hit ? scanHits : scanMisses) : (hit ? queryHits : queryMisses)).increment();
  }

  /**
   * Records one finished API call: its latency and, for failures, whether it was the caller's error
   * (4xx), a fault (5xx), or a throttle.
   */
  public void request(String operation, int statusCode, String errorType, long nanos) {
    requestTimers
        .computeIfAbsent(operation, op -> Timer.builder("dynaccel.requests").tag("operation", op).description("API calls by operation").publishPercentileHistogram(false).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (statusCode < 400) {
      return;
    }
    String kind = statusCode >= 500 ? "faults" : "errors";
    if (errorType != null && (errorType.endsWith("ThrottlingException") || errorType.endsWith("ProvisionedThroughputExceededException") || errorType.endsWith("RequestLimitExceeded"))) {
      kind = "throttles";
    }
    String finalKind = kind;
    outcomeCounters
        .computeIfAbsent(finalKind + "|" + operation, k -> Counter.builder("dynaccel." + finalKind).tag("operation", operation).register(registry))
        .increment();
  }

  /** The registry every meter of the node is on, for parts that register their own. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The meters in Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }
}
