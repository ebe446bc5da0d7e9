package io.dynaccel.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The circuit breaker in front of DynamoDB: while it is open, calls fail at once with a 503 instead
 * of each waiting out the upstream timeout.
 *
 * @param enabled whether calls go through the breaker at all, default true
 * @param failureThreshold consecutive failed upstream calls (transport failures, timeouts, 5xx
 *     answers; never 4xx) that open it, at least 1, default 5
 * @param resetTimeout how long it stays open before it lets one call through (half-open), whose
 *     success closes it again, greater than zero, default 2s
 */
public record BreakerConfig(boolean enabled, int failureThreshold, Duration resetTimeout) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public BreakerConfig {
    Settings.BREAKER_FAILURE_THRESHOLD.check(failureThreshold);
    Settings.BREAKER_RESET_TIMEOUT.check(Objects.requireNonNull(resetTimeout, "resetTimeout"));
  }
}
