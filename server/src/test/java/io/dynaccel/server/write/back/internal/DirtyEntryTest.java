package io.dynaccel.server.write.back.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;
import org.junit.jupiter.api.Test;

class DirtyEntryTest {

  private static final ItemKey KEY = new ItemKey("T", "k", null);

  private final DirtyEntry entry = new DirtyEntry(KEY, JsonCodec.object().set("pk", JsonCodec.object().put("S", "k")));

  @Test
  void logged_whenNotYetDurable_isNewestButNotVisibleToReaders() {
    DirtyEntry.State first = state(1, 10);

    entry.logged(first, 100);

    assertThat(entry.newest()).isSameAs(first);
    assertThat(entry.durable()).isNull();
    assertThat(entry.flushable()).isNull();
    assertThat(entry.bytes()).isEqualTo(10);
    assertThat(entry.clean()).isFalse();
    assertThat(entry.oldestUnflushedSeq()).isEqualTo(1);
    assertThat(entry.unflushedSinceNanos()).isEqualTo(100);
  }

  @Test
  void madeDurable_whenOldestPending_becomesTheReadersStateAndFlushable() {
    DirtyEntry.State first = state(1, 10);
    DirtyEntry.State second = state(2, 20);
    entry.logged(first, 100);
    entry.logged(second, 200);

    entry.madeDurable(1);

    assertThat(entry.durable()).isSameAs(first);
    assertThat(entry.newest()).isSameAs(second);
    assertThat(entry.flushable()).isSameAs(first);
    assertThat(entry.bytes()).isEqualTo(20);
    assertThat(entry.unflushedSinceNanos()).as("the oldest unflushed change is still the first").isEqualTo(100);
  }

  @Test
  void madeDurable_whenNotTheOldestPending_throws() {
    entry.logged(state(1, 10), 0);
    entry.logged(state(2, 10), 0);

    assertThatThrownBy(() -> entry.madeDurable(2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("out of order");
  }

  @Test
  void failed_whenChangeAndLaterOnesFail_undoesThemAndKeepsTheDurableState() {
    DirtyEntry.State first = state(1, 10);
    entry.logged(first, 0);
    entry.madeDurable(1);
    entry.logged(state(2, 20), 0);
    entry.logged(state(3, 30), 0);

    entry.failed(2);

    assertThat(entry.newest()).isSameAs(first);
    assertThat(entry.durable()).isSameAs(first);
    assertThat(entry.bytes()).isEqualTo(10);
    assertThat(entry.oldestUnflushedSeq()).isEqualTo(1);
    assertThat(entry.flushedThrough(1)).isFalse();
  }

  @Test
  void failed_whenTheOnlyChangeFails_leavesACleanEntry() {
    entry.logged(state(1, 10), 0);

    entry.failed(1);

    assertThat(entry.clean()).isTrue();
    assertThat(entry.newest()).isNull();
    assertThat(entry.bytes()).isZero();
    assertThat(entry.oldestUnflushedSeq()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void flushStarted_whenInFlight_nothingElseIsFlushableUntilItEnds() {
    DirtyEntry.State first = state(1, 10);
    entry.logged(first, 0);
    entry.madeDurable(1);

    entry.flushStarted(first, null, null);
    DirtyEntry.State second = state(2, 10);
    entry.logged(second, 0);
    entry.madeDurable(2);

    assertThat(entry.flushing()).isSameAs(first);
    assertThat(entry.flushable()).as("one flush of an item at a time keeps DynamoDB's order").isNull();
    assertThat(entry.clean()).isFalse();
  }

  @Test
  void flushEnded_whenWritten_dropsWhatItCoveredAndLeavesLaterChangesToFlush() {
    DirtyEntry.State first = state(1, 10);
    entry.logged(first, 100);
    entry.madeDurable(1);
    entry.flushStarted(first, null, null);
    DirtyEntry.State second = state(2, 10);
    entry.logged(second, 200);
    entry.madeDurable(2);

    entry.flushEnded(true, 300);

    assertThat(entry.flushing()).isNull();
    assertThat(entry.flushedThrough(1)).isTrue();
    assertThat(entry.flushedThrough(2)).isFalse();
    assertThat(entry.flushable()).isSameAs(second);
    assertThat(entry.oldestUnflushedSeq()).isEqualTo(2);
    assertThat(entry.unflushedSinceNanos()).as("measured from the end of the flush that overtook it").isEqualTo(300);
    assertThat(entry.clean()).isFalse();
  }

  @Test
  void flushEnded_whenWrittenAndNothingNewer_isClean() {
    DirtyEntry.State first = state(1, 10);
    entry.logged(first, 0);
    entry.logged(state(2, 10), 0);
    entry.madeDurable(1);
    entry.madeDurable(2);
    DirtyEntry.State flushable = entry.flushable();
    assertThat(flushable.seq()).as("the flush carries the last state only").isEqualTo(2);
    entry.flushStarted(flushable, null, null);

    entry.flushEnded(true, 0);

    assertThat(entry.clean()).isTrue();
    assertThat(entry.flushedThrough(2)).isTrue();
    assertThat(entry.oldestUnflushedSeq()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void flushEnded_whenAbandoned_keepsEverythingToFlushAgain() {
    DirtyEntry.State first = state(1, 10);
    entry.logged(first, 0);
    entry.madeDurable(1);
    entry.flushStarted(first, null, null);

    entry.flushEnded(false, 0);

    assertThat(entry.clean()).isFalse();
    assertThat(entry.flushedThrough(1)).isFalse();
    assertThat(entry.flushable()).isSameAs(first);
  }

  @Test
  void flushable_whenDurableStateIsFlushedAndOnlyPendingChangesRemain_isNull() {
    DirtyEntry.State first = state(1, 10);
    entry.logged(first, 0);
    entry.madeDurable(1);
    entry.flushStarted(first, null, null);
    entry.logged(state(2, 10), 0);
    entry.flushEnded(true, 0);

    assertThat(entry.flushable()).as("the pending change is not on disk yet").isNull();
    assertThat(entry.durable()).isSameAs(first);
    assertThat(entry.clean()).isFalse();
  }

  private static DirtyEntry.State state(long seq, int bytes) {
    ObjectNode item = JsonCodec.object();
    item.putObject("pk").put("S", "k");
    item.putObject("v").put("N", Long.toString(seq));
    return new DirtyEntry.State(seq, item, CachedItem.present(JsonCodec.write(item)), bytes);
  }
}
