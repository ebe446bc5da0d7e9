package io.dynaccel.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's current {@link OwnershipMap}, learnt from any node (the members of the last map first, then the
 * configured endpoints) and asked for again every few seconds and at once after a call fails on a node.
 *
 * <p>A node that fails is usually still in the map for a moment: the cluster takes its own failure detection's time
 * to drop it. So after a failure the map is read again every {@value #FOLLOW_UP_MILLIS} ms for as long as it names a
 * member the client holds down, up to one refresh interval (at most {@link #MAX_FOLLOW_UP}), and the keys of the lost
 * member reach their new owners as soon as the cluster has named them.
 *
 * <p>The map only steers calls: a call sent to a node that no longer owns its key is forwarded by that node, so an
 * old map costs a hop, never a stale answer. That is why no node answering keeps the last map rather than dropping
 * it, and why the first map is awaited only once, when the client is built.
 */
final class OwnershipMaps implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OwnershipMaps.class);

  /** How often the map is read while it names a member that is down. */
  static final long FOLLOW_UP_MILLIS = 100;
  /** The longest the map is followed so after a failure; then the periodic reads take over. */
  static final Duration MAX_FOLLOW_UP = Duration.ofSeconds(10);

  private final List<URI> seeds;
  private final MapSource source;
  private final Predicate<URI> believedDown;
  private final Consumer<OwnershipMap> onChange;
  private final LongSupplier nanoTime;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private volatile OwnershipMap current;
  private volatile ScheduledExecutorService scheduler;
  private volatile ScheduledFuture<?> periodic;
  private volatile long followUpNanos;
  /** Until when ({@link #nanoTime}) the map is followed after the last failure. */
  private volatile long followUntil;

  /**
   * @param seeds the configured endpoints
   * @param believedDown whether the client holds a node down now: it is asked last
   * @param onChange told of every new map (null when the nodes turn out to run alone), on the refreshing thread
   * @param nanoTime the clock that bounds the reads after a failure
   */
  OwnershipMaps(List<URI> seeds, MapSource source, Predicate<URI> believedDown, Consumer<OwnershipMap> onChange,
      LongSupplier nanoTime) {
    this.seeds = List.copyOf(seeds);
    this.source = source;
    this.believedDown = believedDown;
    this.onChange = onChange;
    this.nanoTime = nanoTime;
  }

  /** The current map, or null while none is known or the nodes run alone. */
  OwnershipMap current() {
    return current;
  }

  /** Learns the map now, then again every {@code interval} on {@code scheduler}. */
  void start(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    this.followUpNanos = Math.min(interval.toNanos(), MAX_FOLLOW_UP.toNanos());
    refresh();
    long millis = Math.max(1, interval.toMillis());
    periodic = scheduler.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * After a call failed on a node: asks for the map again as soon as the scheduler can (unless a read is already
   * waiting to run), then follows it while it names a member held down.
   */
  void refreshSoon() {
    followUntil = nanoTime.getAsLong() + followUpNanos;
    ScheduledExecutorService executor = scheduler;
    if (executor == null || !refreshQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::followUp);
    } catch (RejectedExecutionException e) {
      refreshQueued.set(false); // closing
    }
  }

  private void followUp() {
    refreshQuietly();
    OwnershipMap map = current;
    boolean namesDown = map != null && map.members().stream().anyMatch(believedDown);
    if (namesDown && nanoTime.getAsLong() - followUntil < 0) {
      try {
        scheduler.schedule(this::followUp, FOLLOW_UP_MILLIS, TimeUnit.MILLISECONDS);
        return;
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
    refreshQueued.set(false);
  }

  /** Asks the nodes in turn until one answers; keeps the current map if none does. */
  synchronized void refresh() {
    for (URI endpoint : askOrder()) {
      try {
        install(source.fetch(endpoint));
        return;
      } catch (IOException | IllegalArgumentException e) {
        LOG.debug("No cluster map from {}: {}", endpoint, e.toString());
      }
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again; the next tick asks anew.
      LOG.warn("Dynaccel cluster map refresh failed", e);
    }
  }

  /** The last map's members, then the configured endpoints; those held down after the others. */
  private List<URI> askOrder() {
    Set<URI> all = new LinkedHashSet<>();
    OwnershipMap map = current;
    if (map != null) {
      all.addAll(map.members());
    }
    all.addAll(seeds);
    List<URI> up = all.stream().filter(believedDown.negate()).toList();
    Set<URI> ordered = new LinkedHashSet<>(up);
    ordered.addAll(all);
    return List.copyOf(ordered);
  }

  private void install(OwnershipMap map) {
    OwnershipMap before = current;
    if (sameMap(before, map)) {
      return;
    }
    current = map;
    if (map == null) {
      LOG.info("Dynaccel nodes run alone: routing keys by the client's own hash ring");
    } else if (before == null || !before.members().equals(map.members())) {
      LOG.info("Dynaccel cluster members: {}", map.members());
    }
    onChange.accept(map);
  }

  private static boolean sameMap(OwnershipMap a, OwnershipMap b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.members().equals(b.members()) && Arrays.equals(a.owners(), b.owners());
  }

  @Override
  public void close() {
    ScheduledFuture<?> task = periodic;
    if (task != null) {
      task.cancel(false);
    }
  }
}
