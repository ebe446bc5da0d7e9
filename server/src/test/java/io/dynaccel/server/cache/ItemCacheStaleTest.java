package io.dynaccel.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rules of serving an entry past its TTL while DynamoDB fails ({@code cache.serveStaleOnError}). */
class ItemCacheStaleTest {

  private static final Duration RETENTION = Duration.ofSeconds(3);
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");
  private static final ItemKey OTHER = new ItemKey("Orders", "S1:b", "");

  private final AtomicLong now = new AtomicLong(-5_000_000_000L);
  private final ItemCache cache = new ItemCache(1 << 20, (table, exists) -> table.equals("NoCache") ? Duration.ZERO : TTL,
      RETENTION, GRACE, now::get);

  private static CachedItem item(String value) {
    return CachedItem.present(("{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  private static String valueOf(CachedItem entry) {
    return entry == null ? null : new String(entry.getItemResponse(), StandardCharsets.UTF_8);
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  private void fill(ItemKey key, CachedItem value) {
    assertThat(cache.completeFill(cache.beginFill(key), value)).isTrue();
  }

  @Test
  void get_whenPastTtlButWithinGrace_isAMiss() {
    fill(KEY, item("v1"));
    advance(TTL.minusNanos(1));
    assertThat(valueOf(cache.get(KEY))).contains("v1");

    advance(Duration.ofNanos(1));

    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void staleOnError_whenWithinTtl_returnsNull() {
    fill(KEY, item("v1"));
    advance(TTL.minusSeconds(1));

    assertThat(cache.staleOnError(KEY)).isNull();
  }

  @Test
  void staleOnError_whenPastTtlWithinGrace_returnsEntry() {
    fill(KEY, item("v1"));
    advance(TTL.plus(GRACE).minusNanos(1));

    assertThat(valueOf(cache.staleOnError(KEY))).contains("v1");
  }

  @Test
  void staleOnError_whenGraceOver_returnsNull() {
    fill(KEY, item("v1"));
    advance(TTL.plus(GRACE));

    assertThat(cache.staleOnError(KEY)).isNull();
  }

  @Test
  void staleOnError_whenNegativeEntryPastTtl_returnsAbsence() {
    fill(KEY, CachedItem.absent());
    advance(TTL.plusSeconds(1));

    assertThat(cache.staleOnError(KEY)).isNotNull().extracting(CachedItem::exists).isEqualTo(false);
  }

  @Test
  void staleOnError_whenWriteReplacedEntry_returnsOnlyTheNewValueOnceItsTtlIsOver() {
    fill(KEY, item("v1"));
    advance(TTL.plusSeconds(1));
    cache.completeWrite(cache.beginWrite(KEY), item("v2"));

    assertThat(valueOf(cache.get(KEY))).contains("v2");
    assertThat(cache.staleOnError(KEY)).isNull();
    advance(TTL.plusSeconds(1));
    assertThat(valueOf(cache.staleOnError(KEY))).contains("v2");
  }

  @Test
  void staleOnError_whenWriteDroppedEntry_returnsNull() {
    fill(KEY, item("v1"));
    advance(TTL.plusSeconds(1));
    cache.completeWrite(cache.beginWrite(KEY), null);
    advance(RETENTION);

    assertThat(cache.staleOnError(KEY)).isNull();
  }

  @Test
  void staleOnError_whenWriteInFlight_returnsNull() {
    fill(KEY, item("v1"));
    advance(TTL.plusSeconds(1));
    WriteTicket write = cache.beginWrite(KEY);

    assertThat(cache.staleOnError(KEY)).isNull();
    cache.failWrite(write);
  }

  @Test
  void staleOnError_whenRejectedWriteEndedWithinRetention_returnsNullUntilGuardExpires() {
    fill(KEY, item("v1"));
    advance(TTL.plusSeconds(1));
    cache.failWrite(cache.beginWrite(KEY));

    assertThat(cache.staleOnError(KEY)).isNull();
    advance(RETENTION);
    assertThat(valueOf(cache.staleOnError(KEY))).contains("v1");
  }

  @Test
  void staleOnError_whenTableWriteInFlightOrRecent_returnsNull() {
    fill(KEY, item("v1"));
    fill(OTHER, item("w1"));
    advance(TTL.plusSeconds(1));
    TableWriteTicket tableWrite = cache.beginTableWrite("Orders");

    assertThat(cache.staleOnError(KEY)).isNull();
    cache.endTableWrite(tableWrite, false);
    assertThat(cache.staleOnError(OTHER)).isNull();
  }

  @Test
  void staleOnError_whenTtlZero_neverKeepsTheEntry() {
    ItemKey key = new ItemKey("NoCache", "S1:a", "");
    cache.completeFill(cache.beginFill(key), item("v1"));

    assertThat(cache.get(key)).isNull();
    assertThat(cache.staleOnError(key)).isNull();
  }

  @Test
  void staleOnError_whenOff_returnsNullAndExpiryIsTheTtl() {
    ItemCache off = new ItemCache(1 << 20, (table, exists) -> TTL, RETENTION, now::get);
    off.completeFill(off.beginFill(KEY), item("v1"));
    advance(TTL.plusNanos(TimeUnit.MILLISECONDS.toNanos(1)));

    assertThat(off.servesStale()).isFalse();
    assertThat(off.get(KEY)).isNull();
    assertThat(off.staleOnError(KEY)).isNull();
    off.cleanUp();
    assertThat(off.size()).isZero();
  }
}
