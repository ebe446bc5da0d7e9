package io.dynaccel.server.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;

/**
 * Where and when stream invalidation runs, injected so tests drive time and threads themselves.
 *
 * @param loop runs every step of the work, one at a time (a Vert.x context)
 * @param timer runs a task on {@code loop} after a delay
 * @param clock the wall clock that stream records' creation times are compared with
 * @param jitter a random number in [0, 1) that spreads retries after throttling
 */
public record Scheduling(Executor loop, Timer timer, Clock clock, DoubleSupplier jitter) {

  /** Runs a task later. */
  @FunctionalInterface
  public interface Timer {
    /** Runs {@code task} on the loop once {@code delay} has passed. */
    void schedule(Duration delay, Runnable task);
  }
}
