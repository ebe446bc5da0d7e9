package io.dynaccel.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.ItemCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueryCacheTest {

  private static final Duration QUARANTINE = Duration.ofSeconds(3);
  private static final Duration LAG = Duration.ofSeconds(1);
  private static final QueryScope TABLE = QueryScope.wholeTable("Orders");
  private static final QueryScope PARTITION_A = new QueryScope("Orders", "S1:a");
  private static final QueryScope PARTITION_B = new QueryScope("Orders", "S1:b");

  private final AtomicLong now = new AtomicLong(-7_000_000_000L);
  private final QueryCache cache = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), QUARANTINE, LAG, now::get);

  private static CachedResult result(String text) {
    return new CachedResult(text.getBytes(StandardCharsets.UTF_8));
  }

  private void fill(QueryScope scope, String request, String answer) {
    QueryFillTicket ticket = cache.beginFill(cache.keyOf(scope, request));
    assertThat(cache.completeFill(ticket, result(answer))).isTrue();
  }

  private String cached(QueryScope scope, String request) {
    CachedResult result = cache.get(cache.keyOf(scope, request));
    return result == null ? null : new String(result.body(), StandardCharsets.UTF_8);
  }

  @Test
  void get_whenFilled_hits() {
    fill(TABLE, "scan", "v1");

    assertThat(cached(TABLE, "scan")).isEqualTo("v1");
  }

  @Test
  void beginWrite_whenStarted_resultsOfTableAreUnreachableAtOnce() {
    fill(TABLE, "scan", "v1");
    fill(PARTITION_A, "query-a", "a1");

    QueryWriteTicket write = cache.beginWrite("Orders", "S1:a");

    assertThat(cached(TABLE, "scan")).isNull();
    assertThat(cached(PARTITION_A, "query-a")).isNull();
    cache.endWrite(write, false);
    assertThat(cached(TABLE, "scan")).isNull();
  }

  @Test
  void beginWrite_whenOtherPartition_keepsPartitionResult() {
    fill(PARTITION_A, "query-a", "a1");

    cache.endWrite(cache.beginWrite("Orders", "S1:b"), false);

    assertThat(cached(PARTITION_A, "query-a")).isEqualTo("a1");
  }

  @Test
  void beginTableWrite_whenKeyUnknown_dropsPartitionResultsToo() {
    fill(PARTITION_A, "query-a", "a1");

    cache.endWrite(cache.beginTableWrite("Orders"), false);

    assertThat(cached(PARTITION_A, "query-a")).isNull();
  }

  @Test
  void beginWrite_whenAllTables_dropsEveryTable() {
    fill(QueryScope.wholeTable("Users"), "scan", "u1");

    cache.endWrite(cache.beginTableWrite(ItemCache.ALL_TABLES), false);

    assertThat(cached(QueryScope.wholeTable("Users"), "scan")).isNull();
  }

  @Test
  void beginWrite_whenOtherTable_keepsResults() {
    fill(TABLE, "scan", "v1");

    cache.endWrite(cache.beginWrite("Users", "S1:u"), false);

    assertThat(cached(TABLE, "scan")).isEqualTo("v1");
  }

  @Test
  void completeFill_whenWriteOverlapped_isDropped() {
    QueryFillTicket fill = cache.beginFill(cache.keyOf(PARTITION_B, "query-b"));
    cache.endWrite(cache.beginWrite("Orders", "S1:b"), false);

    assertThat(cache.completeFill(fill, result("stale"))).isFalse();
    assertThat(cached(PARTITION_B, "query-b")).isNull();
  }

  @Test
  void completeFill_whenBeganDuringWrite_isDropped() {
    QueryWriteTicket write = cache.beginWrite("Orders", "S1:b");
    QueryFillTicket fill = cache.beginFill(cache.keyOf(PARTITION_B, "query-b"));
    cache.endWrite(write, false);

    assertThat(fill.cacheable()).isFalse();
    assertThat(cache.completeFill(fill, result("stale"))).isFalse();
  }

  @Test
  void beginFill_whenScopeWrittenRecently_readsConsistently() {
    cache.endWrite(cache.beginWrite("Orders", "S1:a"), false);

    assertThat(cache.beginFill(cache.keyOf(PARTITION_A, "q")).consistentRead()).isTrue();
    assertThat(cache.beginFill(cache.keyOf(TABLE, "scan")).consistentRead()).isTrue();
    assertThat(cache.beginFill(cache.keyOf(PARTITION_B, "q")).consistentRead()).isFalse();
    now.addAndGet(LAG.toNanos());
    assertThat(cache.beginFill(cache.keyOf(PARTITION_A, "q")).consistentRead()).isFalse();
  }

  @Test
  void endWrite_whenOutcomeUnknown_quarantinesScope() {
    cache.endWrite(cache.beginWrite("Orders", "S1:a"), true);

    assertThat(cache.beginFill(cache.keyOf(PARTITION_A, "q")).cacheable()).isFalse();
    assertThat(cache.beginFill(cache.keyOf(TABLE, "scan")).cacheable()).isFalse();
    now.addAndGet(QUARANTINE.toNanos());
    assertThat(cache.beginFill(cache.keyOf(PARTITION_A, "q")).cacheable()).isTrue();
  }

  @Test
  void invalidateTable_whenAsked_dropsOnlyThatTable() {
    fill(TABLE, "scan", "v1");
    fill(QueryScope.wholeTable("Users"), "scan", "u1");

    cache.invalidateTable("Orders");

    assertThat(cached(TABLE, "scan")).isNull();
    assertThat(cached(QueryScope.wholeTable("Users"), "scan")).isEqualTo("u1");
  }

  @Test
  void get_whenTtlPassed_misses() {
    fill(TABLE, "scan", "v1");

    now.addAndGet(Duration.ofMinutes(5).toNanos());

    assertThat(cached(TABLE, "scan")).isNull();
  }
}
