package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.query.CachedResult;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryFillTicket;
import io.dynaccel.server.query.QueryScope;
import io.dynaccel.server.write.GuardOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GuardBookTest {

  private static final Duration RETENTION = Duration.ofSeconds(3);
  private static final Duration HOLD = Duration.ofSeconds(10);
  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");
  private static final ItemKey OTHER_TABLE_KEY = new ItemKey("Users", "S1:u", "");
  private static final QueryScope SCAN = QueryScope.wholeTable("Orders");

  private final AtomicLong now = new AtomicLong(-5_000_000_000L);
  private final ItemCache items = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), RETENTION, now::get);
  private final QueryCache queries = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), RETENTION, Duration.ofSeconds(1), now::get);
  private final GuardBook book = new GuardBook(items, queries, HOLD, now::get);

  private static CachedItem item(String value) {
    return CachedItem.present(("{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  private boolean fill(ItemKey key, String value) {
    return items.completeFill(items.beginFill(key), item(value));
  }

  private boolean fillScan(String answer) {
    QueryFillTicket ticket = queries.beginFill(queries.keyOf(SCAN, "scan"));
    return queries.completeFill(ticket, new CachedResult(answer.getBytes(StandardCharsets.UTF_8)));
  }

  private CachedResult cachedScan() {
    return queries.get(queries.keyOf(SCAN, "scan"));
  }

  private static GuardRequest keys(ItemKey... keys) {
    return new GuardRequest(List.of(keys), List.of(), List.of());
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void open_whenKeyCached_dropsEntryAtOnce() {
    assertThat(fill(KEY, "v1")).isTrue();

    book.open(keys(KEY));

    assertThat(items.get(KEY)).isNull();
    assertThat(book.openCount()).isEqualTo(1);
  }

  @Test
  void open_whenOpen_fillOfKeyDoesNotInstall() {
    FillTicket before = items.beginFill(KEY);
    long handle = book.open(keys(KEY));
    FillTicket during = items.beginFill(KEY);

    assertThat(items.completeFill(before, item("old"))).isFalse();
    assertThat(items.completeFill(during, item("old"))).isFalse();
    assertThat(book.close(handle, GuardOutcome.APPLIED)).isTrue();
    assertThat(items.get(KEY)).isNull();
  }

  @Test
  void close_whenApplied_nextFillInstallsAndReadsConsistently() {
    assertThat(fill(KEY, "v1")).isTrue();
    long handle = book.open(keys(KEY));

    book.close(handle, GuardOutcome.APPLIED);

    FillTicket after = items.beginFill(KEY);
    assertThat(after.consistentRead()).isTrue();
    assertThat(items.completeFill(after, item("v2"))).isTrue();
    assertThat(book.openCount()).isZero();
  }

  @Test
  void close_whenUnknown_quarantinesKeyForRetention() {
    long handle = book.open(keys(KEY));

    book.close(handle, GuardOutcome.UNKNOWN);

    assertThat(fill(KEY, "maybe-old")).isFalse();
    advance(RETENTION.plusMillis(1));
    assertThat(fill(KEY, "v2")).isTrue();
  }

  @Test
  void close_whenRejected_nextFillInstalls() {
    long handle = book.open(keys(KEY));

    book.close(handle, GuardOutcome.REJECTED);

    assertThat(fill(KEY, "v1")).isTrue();
  }

  @Test
  void close_whenClosedAlready_returnsFalse() {
    long handle = book.open(keys(KEY));
    book.close(handle, GuardOutcome.APPLIED);

    assertThat(book.close(handle, GuardOutcome.UNKNOWN)).isFalse();
  }

  @Test
  void expireOverdue_whenHoldNotPassed_keepsGuardOpen() {
    book.open(keys(KEY));
    advance(HOLD.minusMillis(1));

    assertThat(book.expireOverdue()).isZero();
    assertThat(book.openCount()).isEqualTo(1);
    assertThat(fill(KEY, "old")).isFalse();
  }

  @Test
  void expireOverdue_whenHoldPassed_closesAsUnknownOutcome() {
    long handle = book.open(keys(KEY));
    advance(HOLD);

    assertThat(book.expireOverdue()).isEqualTo(1);

    assertThat(book.openCount()).isZero();
    assertThat(book.close(handle, GuardOutcome.APPLIED)).isFalse();
    // Quarantined like a local write of unknown outcome: the write may still land.
    assertThat(fill(KEY, "maybe-old")).isFalse();
    advance(RETENTION.plusMillis(1));
    assertThat(fill(KEY, "v2")).isTrue();
  }

  @Test
  void open_whenScopeOfPartition_tableResultsUnreachableUntilClosed() {
    assertThat(fillScan("before")).isTrue();

    long handle = book.open(new GuardRequest(List.of(), List.of(new QueryScope("Orders", "S1:a")), List.of()));

    assertThat(cachedScan()).isNull();
    assertThat(fillScan("during")).isFalse();
    book.close(handle, GuardOutcome.APPLIED);
    assertThat(fillScan("after")).isTrue();
  }

  @Test
  void open_whenScopeOnly_keepsCachedItems() {
    assertThat(fill(KEY, "v1")).isTrue();

    book.open(new GuardRequest(List.of(), List.of(new QueryScope("Orders", "S1:a")), List.of()));

    assertThat(items.get(KEY)).isNotNull();
  }

  @Test
  void open_whenWholeTable_dropsItsItemsAndBlocksFillsUntilClosed() {
    assertThat(fill(KEY, "v1")).isTrue();
    assertThat(fill(OTHER_TABLE_KEY, "u1")).isTrue();
    assertThat(fillScan("before")).isTrue();

    long handle = book.open(GuardRequest.ofTables(List.of("Orders")));

    assertThat(items.get(KEY)).isNull();
    assertThat(items.get(OTHER_TABLE_KEY)).isNotNull();
    assertThat(cachedScan()).isNull();
    assertThat(fill(KEY, "old")).isFalse();
    assertThat(fillScan("old")).isFalse();
    book.close(handle, GuardOutcome.APPLIED);
    assertThat(fill(KEY, "v2")).isTrue();
    assertThat(fillScan("after")).isTrue();
  }

  @Test
  void open_whenEveryTable_blocksFillsOfAnyTable() {
    long handle = book.open(GuardRequest.ofTables(List.of(ItemCache.ALL_TABLES)));

    assertThat(fill(OTHER_TABLE_KEY, "old")).isFalse();
    assertThat(fillScan("old")).isFalse();
    book.close(handle, GuardOutcome.UNKNOWN);
    assertThat(fill(OTHER_TABLE_KEY, "maybe-old")).isFalse();
    advance(RETENTION.plusMillis(1));
    assertThat(fill(OTHER_TABLE_KEY, "u2")).isTrue();
  }

  @Test
  void fromJson_whenRoundTripped_isEqual() {
    GuardRequest request = new GuardRequest(List.of(KEY, new ItemKey("Orders", "N1:5", "S1:x")), List.of(new QueryScope("Orders", "S1:a")), List.of("Users", "*"));

    assertThat(GuardRequest.fromJson(request.toJson())).isEqualTo(request);
  }

  @Test
  void coversSince_whenAGuardOpenedBeforeTheDrainBegan_holdsThePartitionButNotOneOpenedAfter() {
    ItemKey key = new ItemKey("Orders", "S1:a", "");
    int partition = Partitions.of(key);
    long before = book.open(new GuardRequest(List.of(key), List.of(), List.of()));
    advance(Duration.ofMillis(10));
    long drainBegan = now.get();
    advance(Duration.ofMillis(10));
    book.open(new GuardRequest(List.of(key), List.of(), List.of()));

    assertThat(book.coversSince(partition, drainBegan)).isTrue();
    book.close(before, GuardOutcome.APPLIED);
    assertThat(book.coversSince(partition, drainBegan)).as("a later guard guards the new owner too").isFalse();
    assertThat(book.coversSince((partition + 1) % Partitions.COUNT, now.get() + 1)).isFalse();
  }
}
