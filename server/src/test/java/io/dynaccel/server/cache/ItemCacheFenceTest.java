package io.dynaccel.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The item cache of a cluster member: entries live only as long as the ownership epoch they were filled under. */
class ItemCacheFenceTest {

  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");

  private final AtomicLong epoch = new AtomicLong(1);
  private final AtomicBoolean recentlyTaken = new AtomicBoolean();
  private final Fence fence = new Fence() {
    @Override
    public long epoch(String table, String partitionKey) {
      return epoch.get();
    }

    @Override
    public long tableEpoch(String table) {
      return epoch.get();
    }

    @Override
    public boolean recentlyTaken(String table, String partitionKey) {
      return recentlyTaken.get();
    }

    @Override
    public boolean tableRecentlyTaken(String table) {
      return recentlyTaken.get();
    }
  };
  private final AtomicLong now = new AtomicLong();
  private final ItemCache cache = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(3), Duration.ZERO,
      now::get, fence);

  private static CachedItem item(String value) {
    return CachedItem.present(("{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void get_whenTheEpochMovedOnSinceTheFill_missesEvenIfOwnershipCameBack() {
    cache.completeFill(cache.beginFill(KEY), item("v1"));
    assertThat(cache.get(KEY)).isNotNull();

    epoch.set(0);
    assertThat(cache.get(KEY)).as("not held").isNull();
    epoch.set(2);
    assertThat(cache.get(KEY)).as("held again, but not without interruption").isNull();
  }

  @Test
  void beginFill_whenNotHeld_readsConsistentlyAndNeverInstalls() {
    epoch.set(0);
    FillTicket fill = cache.beginFill(KEY);

    assertThat(fill.consistentRead()).isTrue();
    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
    epoch.set(1);
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void completeFill_whenOwnershipChangedDuringTheFill_doesNotInstall() {
    FillTicket fill = cache.beginFill(KEY);
    epoch.set(2);

    assertThat(cache.completeFill(fill, item("v1"))).isFalse();
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void beginFill_whenTakenOverLately_readsConsistentlyButInstalls() {
    recentlyTaken.set(true);
    FillTicket fill = cache.beginFill(KEY);

    assertThat(fill.consistentRead()).isTrue();
    assertThat(cache.completeFill(fill, item("v1"))).isTrue();
    assertThat(cache.get(KEY)).isNotNull();
  }

  @Test
  void completeWrite_whenOwnershipChangedDuringTheWrite_invalidatesInsteadOfInstalling() {
    cache.completeFill(cache.beginFill(KEY), item("v1"));
    WriteTicket write = cache.beginWrite(KEY);
    epoch.set(2);
    cache.completeWrite(write, item("v2"));

    assertThat(cache.get(KEY)).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void invalidateIf_whenPartitionsAreDropped_removesOnlyTheirKeys() {
    ItemKey other = new ItemKey("Orders", "S1:b", "");
    cache.completeFill(cache.beginFill(KEY), item("v1"));
    cache.completeFill(cache.beginFill(other), item("v1"));

    cache.invalidateIf(key -> key.partition().equals("S1:a"));

    assertThat(cache.get(KEY)).isNull();
    assertThat(cache.get(other)).isNotNull();
  }
}
