package io.dynaccel.server.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusSnapshotTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T19:40:00Z"), ZoneOffset.UTC);
  private final StatusSnapshot snapshot = new StatusSnapshot(registry, clock);

  @Test
  void read_whenTimerPublishesPercentiles_reportsP50AndP99InMilliseconds() {
    Timer timer = Timer.builder("dynaccel.requests").tag("operation", "GetItem").publishPercentiles(0.5, 0.99).register(registry);
    for (int i = 1; i <= 100; i++) {
      timer.record(i, TimeUnit.MILLISECONDS);
    }

    JsonObject getItem = snapshot.read().getJsonObject("operations").getJsonObject("GetItem");

    assertThat(getItem.getLong("count")).isEqualTo(100);
    assertThat(getItem.getDouble("totalMs")).isEqualTo(5050.0);
    assertThat(getItem.getDouble("p50")).isBetween(45.0, 55.0);
    assertThat(getItem.getDouble("p99")).isBetween(95.0, 105.0);
  }

  @Test
  void read_whenAnOperationHasNotRun_leavesItOut() {
    Timer.builder("dynaccel.requests").tag("operation", "Scan").register(registry);
    Timer.builder("dynaccel.requests").tag("operation", "GetItem").register(registry).record(1, TimeUnit.MILLISECONDS);

    assertThat(snapshot.read().getJsonObject("operations").fieldNames()).containsExactly("GetItem");
  }

  @Test
  void read_whenTimerPublishesNoPercentiles_reportsThemNull() {
    Timer.builder("dynaccel.requests").tag("operation", "Query").register(registry).record(3, TimeUnit.MILLISECONDS);

    JsonObject query = snapshot.read().getJsonObject("operations").getJsonObject("Query");

    assertThat(query.getLong("count")).isEqualTo(1);
    assertThat(query.containsKey("p50")).isTrue();
    assertThat(query.getValue("p50")).isNull();
    assertThat(query.getValue("p99")).isNull();
    assertThat(query.containsKey("upstreamCount")).isFalse();
  }

  @Test
  void read_whenUpstreamTimerExists_reportsItBesideOurs() {
    Timer.builder("dynaccel.requests").tag("operation", "GetItem").register(registry).record(1, TimeUnit.MILLISECONDS);
    Timer upstream = Timer.builder("dynaccel.upstream.requests").tag("operation", "GetItem").publishPercentiles(0.5, 0.99).register(registry);
    upstream.record(8, TimeUnit.MILLISECONDS);
    upstream.record(8, TimeUnit.MILLISECONDS);

    JsonObject getItem = snapshot.read().getJsonObject("operations").getJsonObject("GetItem");

    assertThat(getItem.getLong("upstreamCount")).isEqualTo(2);
    assertThat(getItem.getDouble("upstreamP50")).isBetween(7.0, 9.0);
  }

  @Test
  void read_whenCountersHaveSeveralTags_sumsThemAndAbsentOnesAreNull() {
    Counter.builder("dynaccel.errors").tag("operation", "GetItem").register(registry).increment(2);
    Counter.builder("dynaccel.errors").tag("operation", "PutItem").register(registry).increment(3);
    Counter.builder("dynaccel.item.cache.hits").register(registry).increment(7);

    JsonObject read = snapshot.read();

    assertThat(read.getLong("time")).isEqualTo(clock.millis());
    assertThat(read.getJsonObject("outcomes").getDouble("errors")).isEqualTo(5.0);
    assertThat(read.getJsonObject("outcomes").getValue("faults")).isNull();
    assertThat(read.getJsonObject("hits").getJsonObject("item").getDouble("hits")).isEqualTo(7.0);
    assertThat(read.getJsonObject("hits").getJsonObject("item").getValue("misses")).isNull();
  }

  @Test
  void read_whenGaugesAndFunctionCountersExist_reportsTheirValues() {
    AtomicLong bytes = new AtomicLong(4096);
    Gauge.builder("dynaccel.item.cache.size", bytes, AtomicLong::get).register(registry);
    FunctionCounter.builder("dynaccel.item.cache.evictions", bytes, b -> 12).register(registry);

    JsonObject cache = snapshot.read().getJsonObject("cache");

    assertThat(cache.getDouble("itemBytes")).isEqualTo(4096.0);
    assertThat(cache.getDouble("itemEvictions")).isEqualTo(12.0);
    assertThat(cache.getValue("queryEvictions")).isNull();
  }

  @Test
  void read_whenNoWriteBackMeters_reportsWriteBackNull() {
    assertThat(snapshot.read().containsKey("writeBack")).isTrue();
    assertThat(snapshot.read().getValue("writeBack")).isNull();
  }

  @Test
  void read_whenWriteBackMetersExist_reportsDirtyItemsAndFlushLag() {
    AtomicLong dirty = new AtomicLong(3);
    Gauge.builder("dynaccel.writeback.dirty.items", dirty, AtomicLong::get).register(registry);
    Gauge.builder("dynaccel.writeback.oldest.unflushed", dirty, d -> 1.5).register(registry);

    JsonObject writeBack = snapshot.read().getJsonObject("writeBack");

    assertThat(writeBack.getDouble("dirtyItems")).isEqualTo(3.0);
    assertThat(writeBack.getDouble("oldestUnflushedSeconds")).isEqualTo(1.5);
  }
}
