package io.dynaccel.server.write.back.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the pause before retry {@code n} (counting from 0) is drawn
 * uniformly from {@code [0, min(cap, base * 2^n)]}.
 *
 * <p>Full jitter (rather than a fixed exponential delay) spreads the retries of many throttled
 * callers over the whole window, so they do not come back in lockstep and get throttled again.
 */
public final class Backoff {

  /** The base of {@link #defaults()}. */
  public static final Duration DEFAULT_BASE = Duration.ofMillis(50);
  /** The cap of {@link #defaults()}. */
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(5);

  private final long baseMillis;
  private final long capMillis;
  private final RandomGenerator random;

  /**
   * Creates a backoff.
   *
   * @param base the window of the first retry, at least 1 ms
   * @param cap the largest window, at least {@code base}
   * @param random where the jitter comes from; it must be safe to call from the flusher's threads
   */
  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
    if (baseMillis < 1 || capMillis < baseMillis) {
      throw new IllegalArgumentException("backoff needs 1 ms <= base <= cap, got base " + base + " and cap " + cap);
    }
  }

  /** Base 50 ms, cap 5 s, jitter from the calling thread's {@link ThreadLocalRandom}, so any thread may draw. */
  public static Backoff defaults() {
    // current() on every draw: a ThreadLocalRandom obtained on one thread must not be used from another.
    return new Backoff(DEFAULT_BASE, DEFAULT_CAP, () -> ThreadLocalRandom.current().nextLong());
  }

  /** The upper bound of the pause before retry {@code attempt}: {@code min(cap, base * 2^attempt)}. */
  public long ceilingMillis(int attempt) {
    int shift = Math.max(0, attempt);
    // base * 2^shift overflows long (or passes the cap) long before shift reaches 63.
    if (shift >= Long.numberOfLeadingZeros(baseMillis) - 1) {
      return capMillis;
    }
    return Math.min(capMillis, baseMillis << shift);
  }

  /** The pause before retry {@code attempt}, in milliseconds: uniform in {@code [0, ceilingMillis(attempt)]}. */
  public long delayMillis(int attempt) {
    return random.nextLong(ceilingMillis(attempt) + 1);
  }
}
