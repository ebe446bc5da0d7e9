package io.dynaccel.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ItemCacheTest {

  private static final Duration RETENTION = Duration.ofSeconds(3);
  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");

  private final AtomicLong now = new AtomicLong(-5_000_000_000L);
  private final ItemCache cache = new ItemCache(1 << 20, (table, exists) -> exists ? Duration.ofMinutes(5) : Duration.ofMinutes(1), RETENTION, now::get);

  private static CachedItem item(String value) {
    return CachedItem.present(("{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  private static String valueOf(CachedItem entry) {
    return entry == null ? null : new String(entry.getItemResponse(), StandardCharsets.UTF_8);
  }

  @Test
  void completeFill_whenNoWrite_installsEntry() {
    FillTicket fill = cache.beginFill(KEY);

    assertThat(cache.completeFill(fill, item("v1"))).isTrue();
    assertThat(valueOf(cache.get(KEY))).contains("v1");
    assertThat(fill.consistentRead()).isFalse();
  }

  @Test
  void completeFill_whenWriteAcknowledgedDuringFill_keepsWrittenValue() {
    FillTicket fill = cache.beginFill(KEY);
    WriteTicket write = cache.beginWrite(KEY);
    cache.completeWrite(write, item("v2"));

    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
    assertThat(valueOf(cache.get(KEY))).contains("v2");
    assertThat(cache.fillRejectionCount()).isEqualTo(1);
  }

  @Test
  void completeFill_whenFillBeganDuringWrite_isDropped() {
    WriteTicket write = cache.beginWrite(KEY);
    FillTicket fill = cache.beginFill(KEY);
    cache.completeWrite(write, item("v2"));

    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
    assertThat(valueOf(cache.get(KEY))).contains("v2");
  }

  @Test
  void beginFill_whenKeyWrittenRecently_readsConsistently() {
    cache.completeWrite(cache.beginWrite(KEY), null);

    assertThat(cache.beginFill(KEY).consistentRead()).isTrue();
    now.addAndGet(RETENTION.toNanos() + 1);
    assertThat(cache.beginFill(KEY).consistentRead()).isFalse();
  }

  @Test
  void completeWrite_whenWritesOverlap_invalidatesKey() {
    cache.completeFill(cache.beginFill(KEY), item("v0"));
    WriteTicket first = cache.beginWrite(KEY);
    WriteTicket second = cache.beginWrite(KEY);
    cache.completeWrite(second, item("v2"));
    assertThat(cache.get(KEY)).isNull();
    cache.completeWrite(first, item("v1"));

    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void completeWrite_whenAlone_installsNewValue() {
    cache.completeFill(cache.beginFill(KEY), item("v0"));
    cache.completeWrite(cache.beginWrite(KEY), item("v1"));

    assertThat(valueOf(cache.get(KEY))).contains("v1");
  }

  @Test
  void failWrite_whenRejected_leavesCacheUntouched() {
    cache.completeFill(cache.beginFill(KEY), item("v0"));
    cache.failWrite(cache.beginWrite(KEY));

    assertThat(valueOf(cache.get(KEY))).contains("v0");
  }

  @Test
  void abandonWrite_whenOutcomeUnknown_invalidatesAndQuarantinesKey() {
    cache.completeFill(cache.beginFill(KEY), item("v0"));
    cache.abandonWrite(cache.beginWrite(KEY));
    assertThat(cache.get(KEY)).isNull();

    FillTicket duringGrace = cache.beginFill(KEY);
    assertThat(duringGrace.consistentRead()).isTrue();
    assertThat(cache.completeFill(duringGrace, item("v0"))).isFalse();

    now.addAndGet(RETENTION.toNanos());
    assertThat(cache.completeFill(cache.beginFill(KEY), item("v1"))).isTrue();
  }

  @Test
  void completeFill_whenOlderThanRetention_isDropped() {
    FillTicket fill = cache.beginFill(KEY);
    now.addAndGet(RETENTION.toNanos());

    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
  }

  @Test
  void completeFill_whenTableWriteOverlaps_isDropped() {
    FillTicket fill = cache.beginFill(KEY);
    TableWriteTicket tableWrite = cache.beginTableWrite("Orders");
    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
    cache.endTableWrite(tableWrite, false);

    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
    assertThat(cache.completeFill(cache.beginFill(KEY), item("v2"))).isTrue();
  }

  @Test
  void endTableWrite_whenAllTables_dropsEveryItemAndBlocksOverlappingFills() {
    cache.completeFill(cache.beginFill(KEY), item("v0"));
    FillTicket other = cache.beginFill(new ItemKey("Users", "S1:u", ""));
    cache.endTableWrite(cache.beginTableWrite(ItemCache.ALL_TABLES), false);

    assertThat(cache.get(KEY)).isNull();
    assertThat(cache.completeFill(other, CachedItem.absent())).isFalse();
  }

  @Test
  void get_whenNegativeTtlPassed_misses() {
    cache.completeFill(cache.beginFill(KEY), CachedItem.absent());
    assertThat(cache.get(KEY)).isNotNull();

    now.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void put_whenOverByteBound_evicts() {
    ItemCache small = new ItemCache(10_000, (table, exists) -> Duration.ofMinutes(5), RETENTION, now::get);
    for (int i = 0; i < 1_000; i++) {
      ItemKey key = new ItemKey("Orders", "S" + i, "");
      small.completeFill(small.beginFill(key), item("value-" + i));
    }
    small.cleanUp();

    assertThat(small.weightedSize()).isLessThanOrEqualTo(10_000);
    assertThat(small.evictionCount()).isPositive();
  }
}
