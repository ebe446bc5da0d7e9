package io.dynaccel.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@code /health/ready} requires of DynamoDB, and how often it is asked.
 *
 * @param probeInterval how often a cheap request ({@code GET /}) is sent to DynamoDB when no other call
 *     has been answered since the last one, greater than zero, default 1s
 * @param upstreamWindow the node is ready only if DynamoDB answered (any HTTP status) within this
 *     time; longer than {@code probeInterval}, default 3s
 */
public record HealthConfig(Duration probeInterval, Duration upstreamWindow) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public HealthConfig {
    Settings.HEALTH_PROBE_INTERVAL.check(Objects.requireNonNull(probeInterval, "probeInterval"));
    Settings.HEALTH_UPSTREAM_WINDOW.check(Objects.requireNonNull(upstreamWindow, "upstreamWindow"));
    // A window no longer than the interval would let readiness drop between two healthy probes.
    if (upstreamWindow.compareTo(probeInterval) <= 0) {
      throw ConfigException.invalid("health.upstreamWindow", "must be longer than health.probeInterval (" + probeInterval.toMillis() + "ms)",
          ConfigException.quote(upstreamWindow.toMillis() + "ms"), null);
    }
  }
}
