package io.dynaccel.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cache hits and misses by table, for at most {@code cap} tables: every table seen after the first
 * {@code cap} is counted under the table {@value #OTHER}, so a node in front of thousands of tables
 * still exports a bounded number of series.
 *
 * <p>A table keeps its counters once it has them (a counter that vanished would look like a reset),
 * and tables over the cap are not remembered at all: the map holds at most {@code cap} entries.
 */
final class TableCacheCounters {

  /** The table label of the counters shared by the tables over the cap: parentheses cannot be in a table name. */
  static final String OTHER = "(other)";

  /** One table's counters. */
  record Counters(Counter itemHits, Counter itemMisses, Counter queryHits, Counter queryMisses, Counter scanHits, Counter scanMisses) {
  }

  private final MeterRegistry registry;
  private final int cap;
  private final ConcurrentMap<String, Counters> tables = new ConcurrentHashMap<>();
  private final AtomicInteger admitted = new AtomicInteger();
  private final Counters other;

  /** Registers the {@value #OTHER} counters at once, so every name exists from start-up. */
  TableCacheCounters(MeterRegistry registry, int cap) {
    this.registry = registry;
    this.cap = cap;
    this.other = register(OTHER);
  }

  /** The counters of {@code table}: its own while fewer than {@code cap} tables have theirs, else the shared ones. */
  Counters of(String table) {
    Counters counters = tables.get(table);
    if (counters != null) {
      return counters;
    }
    counters = tables.computeIfAbsent(table, name -> admit() ? register(name) : null);
    return counters != null ? counters : other;
  }

  /** Takes one of the {@code cap} places, exactly: computeIfAbsent runs concurrently for different tables. */
  private boolean admit() {
    int taken;
    do {
      taken = admitted.get();
      if (taken >= cap) {
        return false;
      }
    } while (!admitted.compareAndSet(taken, taken + 1));
    return true;
  }

  private Counters register(String table) {
    return new Counters(
        counter("dynaccel.table.item.cache.hits", table, "GetItem/BatchGetItem keys answered from the item cache, by table"),
        counter("dynaccel.table.item.cache.misses", table, "GetItem/BatchGetItem keys fetched from DynamoDB, by table"),
        counter("dynaccel.table.query.cache.hits", table, "Query calls answered from the query cache, by table"),
        counter("dynaccel.table.query.cache.misses", table, "Query calls sent to DynamoDB, by table"),
        counter("dynaccel.table.scan.cache.hits", table, "Scan calls answered from the query cache, by table"),
        counter("dynaccel.table.scan.cache.misses", table, "Scan calls sent to DynamoDB, by table"));
  }

  private Counter counter(String name, String table, String description) {
    return Counter.builder(name)
        .tag("table", table)
        .description(description + " (the first " + cap + " tables seen; the rest under table=\"" + OTHER + "\")")
        .register(registry);
  }
}
