package io.dynaccel.server.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.query.CachedResult;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryFillTicket;
import io.dynaccel.server.query.QueryScope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** TableWrites.drop: the drop of a table that changed outside the accelerator. */
class TableWritesTest {

  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");
  private static final ItemKey OTHER = new ItemKey("Other", "S1:a", "");
  private static final QueryScope SCAN = new QueryScope("Orders", null);

  private final AtomicLong now = new AtomicLong();
  private final ItemCache items = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(3), now::get);
  private final QueryCache queries = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(3), Duration.ofSeconds(1), now::get);
  private final TableWrites tableWrites = new TableWrites(items, queries, null);

  private static CachedItem item() {
    return CachedItem.present("{\"pk\":{\"S\":\"a\"}}".getBytes(StandardCharsets.UTF_8));
  }

  private static CachedResult result() {
    return new CachedResult("{\"Items\":[]}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void drop_whenItemsAndResultsCached_dropsThoseOfTheTableOnly() {
    items.completeFill(items.beginFill(KEY), item());
    items.completeFill(items.beginFill(OTHER), item());
    QueryCache.Key scan = queries.keyOf(SCAN, "Scan{}");
    queries.completeFill(queries.beginFill(scan), result());

    tableWrites.drop("Orders");

    assertThat(items.get(KEY)).isNull();
    assertThat(items.get(OTHER)).isNotNull();
    assertThat(queries.get(queries.keyOf(SCAN, "Scan{}"))).isNull();
  }

  @Test
  void drop_whenFillsBeganBefore_theyDoNotInstall() {
    FillTicket fill = items.beginFill(KEY);
    QueryFillTicket scanFill = queries.beginFill(queries.keyOf(SCAN, "Scan{}"));

    tableWrites.drop("Orders");

    assertThat(items.completeFill(fill, item())).isFalse();
    assertThat(queries.completeFill(scanFill, result())).isFalse();
    assertThat(items.get(KEY)).isNull();
  }

  @Test
  void drop_whenFillBeginsAfter_itInstalls() {
    tableWrites.drop("Orders");
    now.addAndGet(Duration.ofSeconds(5).toNanos());

    assertThat(items.completeFill(items.beginFill(KEY), item())).isTrue();
  }
}
