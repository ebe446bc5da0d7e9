package io.dynaccel.server.write.back.internal;

import io.dynaccel.server.cache.ItemKey;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs operations on items one after another per item, in arrival order: an operation starts when
 * it is first in the lane of every item it names, and the next in those lanes starts when its
 * future completes. An operation joins all its lanes at once, so two operations meet in the same
 * order in every lane they share and can never wait for each other. Used only on the
 * {@link Sequencer}'s context.
 */
public final class KeyLanes {

  private final Map<ItemKey, ArrayDeque<Operation>> lanes = new HashMap<>();
  private final Sequencer sequencer;

  /** Lanes whose operations finish on {@code sequencer}. */
  public KeyLanes(Sequencer sequencer) {
    this.sequencer = sequencer;
  }

  /** Queues {@code work} behind every earlier operation on any of {@code keys}. */
  public void run(Collection<ItemKey> keys, Supplier<Future<?>> work) {
    Operation operation = new Operation(List.copyOf(new LinkedHashSet<>(keys)), work);
    for (ItemKey key : operation.keys) {
      ArrayDeque<Operation> lane = lanes.computeIfAbsent(key, k -> new ArrayDeque<>());
      if (!lane.isEmpty()) {
        operation.waitingFor++;
      }
      lane.addLast(operation);
    }
    if (operation.waitingFor == 0) {
      start(operation);
    }
  }

  /** How many items have operations running or queued. */
  public int busyItems() {
    return lanes.size();
  }

  private void start(Operation operation) {
    Future<?> done;
    try {
      done = operation.work.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(sequencer.then(result -> finish(operation)));
  }

  private void finish(Operation operation) {
    for (ItemKey key : operation.keys) {
      ArrayDeque<Operation> lane = lanes.get(key);
      lane.pollFirst();
      Operation next = lane.peekFirst();
      if (next == null) {
        lanes.remove(key);
      } else if (--next.waitingFor == 0) {
        start(next);
      }
    }
  }

  private static final class Operation {
    final List<ItemKey> keys;
    final Supplier<Future<?>> work;
    int waitingFor;

    Operation(List<ItemKey> keys, Supplier<Future<?>> work) {
      this.keys = keys;
      this.work = work;
    }
  }
}
