package io.dynaccel.server.status;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.search.Search;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One reading of the node's meters for {@code GET /status.json}: counters as totals since start (the
 * page turns two readings into rates and ratios), gauges as they are now, and p50/p99 latency per
 * operation where a timer publishes those percentiles.
 *
 * <p>Meters are found by name in the registry at every reading rather than held: the parts that
 * register them (write-back, the upstream client) come and go with the configuration, and a meter a
 * node does not have reads {@code null}, which the page shows as absent rather than as zero.
 */
final class StatusSnapshot {

  private static final String OPERATION = "operation";

  private final MeterRegistry registry;
  private final Clock clock;

  StatusSnapshot(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The meters now, in the shape the page reads. */
  JsonObject read() {
    return new JsonObject()
        .put("time", clock.millis())
        .put("hits", new JsonObject()
            .put("item", hitsAndMisses("dynaccel.item.cache"))
            .put("query", hitsAndMisses("dynaccel.query.cache"))
            .put("scan", hitsAndMisses("dynaccel.scan.cache")))
        .put("operations", operations())
        .put("cache", new JsonObject()
            .put("itemBytes", total("dynaccel.item.cache.size"))
            .put("itemEntries", total("dynaccel.item.cache.entries"))
            .put("queryBytes", total("dynaccel.query.cache.size"))
            .put("queryEntries", total("dynaccel.query.cache.entries"))
            .put("itemEvictions", total("dynaccel.item.cache.evictions"))
            .put("queryEvictions", total("dynaccel.query.cache.evictions"))
            .put("queryInvalidations", total("dynaccel.query.cache.invalidations"))
            .put("fillRejections", total("dynaccel.item.cache.fill.rejections")))
        .put("outcomes", new JsonObject()
            .put("errors", total("dynaccel.errors"))
            .put("faults", total("dynaccel.faults"))
            .put("throttles", total("dynaccel.throttles")))
        .put("writeBack", writeBack());
  }

  private JsonObject hitsAndMisses(String prefix) {
    return new JsonObject().put("hits", total(prefix + ".hits")).put("misses", total(prefix + ".misses"));
  }

  /**
   * Per operation: calls through the node and to DynamoDB, their total time (for a mean between two
   * readings) and their p50/p99, all in milliseconds.
   */
  private JsonObject operations() {
    Map<String, JsonObject> byOperation = new TreeMap<>();
    addTimers(byOperation, "dynaccel.requests", "");
    addTimers(byOperation, "dynaccel.upstream.requests", "upstream");
    JsonObject operations = new JsonObject();
    byOperation.forEach(operations::put);
    return operations;
  }

  private void addTimers(Map<String, JsonObject> byOperation, String name, String prefix) {
    for (Timer timer : Search.in(registry).name(name).timers()) {
      String operation = timer.getId().getTag(OPERATION);
      if (operation == null) {
        continue;
      }
      if (timer.count() == 0) {
        continue; // every operation's timers exist from start; the page shows those that ran
      }
      HistogramSnapshot snapshot = timer.takeSnapshot();
      JsonObject entry = byOperation.computeIfAbsent(operation, op -> new JsonObject());
      // Several timers of one name and operation (other tags) add up; their percentiles cannot be merged, so the last one's stand.
      entry.put(key(prefix, "count"), entry.getLong(key(prefix, "count"), 0L) + snapshot.count())
          .put(key(prefix, "totalMs"), entry.getDouble(key(prefix, "totalMs"), 0.0) + snapshot.total(TimeUnit.MILLISECONDS))
          .put(key(prefix, "p50"), percentile(snapshot, 0.5))
          .put(key(prefix, "p99"), percentile(snapshot, 0.99));
    }
  }

  private static String key(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** The percentile in milliseconds if the timer publishes it, else null: a histogram we do not have is not a latency of 0. */
  private static Double percentile(HistogramSnapshot snapshot, double percentile) {
    for (ValueAtPercentile value : snapshot.percentileValues()) {
      if (Math.abs(value.percentile() - percentile) < 1e-9) {
        double millis = value.value(TimeUnit.MILLISECONDS);
        return Double.isNaN(millis) ? null : millis;
      }
    }
    return null;
  }

  /** Present only where write-back runs: its meters exist only then. */
  private JsonObject writeBack() {
    Double dirtyItems = total("dynaccel.writeback.dirty.items");
    if (dirtyItems == null) {
      return null;
    }
    return new JsonObject()
        .put("dirtyItems", dirtyItems)
        .put("dirtyBytes", total("dynaccel.writeback.dirty.bytes"))
        .put("oldestUnflushedSeconds", total("dynaccel.writeback.oldest.unflushed"))
        .put("acknowledged", total("dynaccel.writeback.acknowledged"))
        .put("flushedItems", total("dynaccel.writeback.flush.items"))
        .put("flushRetries", total("dynaccel.writeback.flush.retries"))
        .put("deadLetters", total("dynaccel.writeback.dead.letters"));
  }

  /**
   * The sum over every meter of that name (all tag values) of its count or value, whatever kind of
   * meter registers it (a counter, a function counter or a gauge); null if the node has none.
   */
  private Double total(String name) {
    Collection<Meter> meters = Search.in(registry).name(name).meters();
    if (meters.isEmpty()) {
      return null;
    }
    double sum = 0;
    for (Meter meter : meters) {
      for (Measurement measurement : meter.measure()) {
        Statistic statistic = measurement.getStatistic();
        if (statistic == Statistic.COUNT || statistic == Statistic.VALUE) {
          double value = measurement.getValue();
          sum += Double.isNaN(value) ? 0 : value;
          break;
        }
      }
    }
    return sum;
  }
}
