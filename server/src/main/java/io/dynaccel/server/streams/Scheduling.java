package io.dynaccel.server.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Where and when stream invalidation runs, injected so tests drive time and threads themselves.
 *
 * @param loop runs every step of the work, one at a time (a Vert.x context)
 * @param timer runs a task on {@code loop} after a delay
 * @param clock the wall clock that stream records' creation times are compared with
 * @param jitter a random number in [0, 1) that spreads retries after throttling
 * @param readers how many nodes read every shard now (the cluster's members; 1 for a node alone):
 *     they share each shard's GetRecords limit, so each reads less often the more there are
 */
public record Scheduling(Executor loop, Timer timer, Clock clock, DoubleSupplier jitter, IntSupplier readers) {

  /** Where and when a node that reads alone works. */
  public Scheduling(Executor loop, Timer timer, Clock clock, DoubleSupplier jitter) {
    this(loop, timer, clock, jitter, () -> 1);
  }

  /** Runs a task later. */
  @FunctionalInterface
  public interface Timer {
    /** Runs {@code task} on the loop once {@code delay} has passed. */
    void schedule(Duration delay, Runnable task);
  }
}
