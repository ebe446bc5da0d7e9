package io.dynaccel.server.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.query.CachedResult;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CacheInvalidatorTest {

  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");

  private final AtomicLong nanos = new AtomicLong();
  private final ItemCache items = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(11), nanos::get);
  private final QueryCache queries = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(11),
      Duration.ofSeconds(1), nanos::get);
  private final List<String> dropped = new ArrayList<>();

  private void fill() {
    assertThat(items.completeFill(items.beginFill(KEY), CachedItem.present("{}".getBytes(StandardCharsets.UTF_8)))).isTrue();
    QueryCache.Key scan = queries.keyOf(QueryScope.wholeTable("Orders"), "scan");
    assertThat(queries.completeFill(queries.beginFill(scan), new CachedResult("{}".getBytes(StandardCharsets.UTF_8)))).isTrue();
  }

  private boolean scanCached() {
    return queries.get(queries.keyOf(QueryScope.wholeTable("Orders"), "scan")) != null;
  }

  @Test
  void written_whenNodeServesNothingOfIt_touchesNothing() {
    fill();
    CacheInvalidator invalidator = new CacheInvalidator(items, queries, dropped::add, partition -> false);

    assertThat(invalidator.written(KEY)).isFalse();
    assertThat(items.get(KEY)).isNotNull();
    assertThat(scanCached()).isTrue();
  }

  @Test
  void written_whenNodeOwnsOnlyTableWideResults_dropsThemAndGuardsNoKey() {
    fill();
    int tableWide = Partitions.ofTable("Orders");
    CacheInvalidator invalidator = new CacheInvalidator(items, queries, dropped::add, partition -> partition == tableWide);

    assertThat(invalidator.written(KEY)).isTrue();
    assertThat(scanCached()).isFalse();
  }

  @Test
  void written_whenNodeOwnsKey_dropsItemWithoutQuarantine() {
    fill();
    CacheInvalidator invalidator = new CacheInvalidator(items, queries, dropped::add, partition -> true);

    assertThat(invalidator.written(KEY)).isTrue();

    assertThat(items.get(KEY)).isNull();
    // An applied write, not one of unknown outcome: the next (consistent) fill may install again.
    assertThat(items.completeFill(items.beginFill(KEY), CachedItem.present("{}".getBytes(StandardCharsets.UTF_8)))).isTrue();
  }

  @Test
  void tableChanged_whenRecordsLost_dropsTable() {
    new CacheInvalidator(items, queries, dropped::add, partition -> true).tableChanged("Orders");

    assertThat(dropped).containsExactly("Orders");
  }
}
