package io.dynaccel.server.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * Virtual time: a clock that moves only when the test advances it, and a timer whose tasks run, in
 * the order they fall due, as it does. Every task runs on the test's thread.
 */
final class FakeTime extends Clock implements Scheduling.Timer {

  private record Due(Instant at, long serial, Runnable task) {
  }

  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at().equals(b.at())
      ? Long.compare(a.serial(), b.serial()) : a.at().compareTo(b.at()));
  private Instant now;
  private long serial;

  FakeTime(Instant start) {
    this.now = start;
  }

  /** Work on this thread, at this time, with no jitter. */
  Scheduling scheduling() {
    return scheduling(1);
  }

  /** The same, for a node among {@code readers} that all read every shard. */
  Scheduling scheduling(int readers) {
    return new Scheduling(Runnable::run, this, this, () -> 0.0, () -> readers);
  }

  /** Moves time on by {@code by}, running every task that falls due meanwhile at its own time. */
  void advance(Duration by) {
    Instant until = now.plus(by);
    while (!due.isEmpty() && !due.peek().at().isAfter(until)) {
      Due next = due.poll();
      now = next.at();
      next.task().run();
    }
    now = until;
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    due.add(new Due(now.plus(delay), serial++, task));
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("virtual time is UTC");
  }
}
