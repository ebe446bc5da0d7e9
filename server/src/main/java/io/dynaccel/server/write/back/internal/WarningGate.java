package io.dynaccel.server.write.back.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * Lets a repeated warning through at most once per interval, and counts what it held back, so
 * that an outage of DynamoDB (retried forever) is one log line every few seconds, not thousands.
 * Not thread-safe: each user keeps its own, on its own context.
 */
final class WarningGate {

  private final Clock clock;
  private final long intervalMillis;
  private boolean passedOnce;
  private long lastPassMillis;
  private long heldBack;

  WarningGate(Clock clock, Duration interval) {
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  /** Whether this warning may be logged now; if so, {@link #heldBack()} says how many were not before it. */
  boolean pass() {
    long now = clock.millis();
    if (passedOnce && now - lastPassMillis < intervalMillis) {
      heldBack++;
      return false;
    }
    passedOnce = true;
    lastPassMillis = now;
    return true;
  }

  /** The warnings held back between the last two that passed; read right after {@link #pass()} returned true. */
  long heldBack() {
    long count = heldBack;
    heldBack = 0;
    return count;
  }
}
