package io.dynaccel.config;

import java.util.Objects;

/**
 * What the node logs and how.
 *
 * @param format {@code text} (default) or {@code json}
 * @param access whether every API call is logged on the {@code dynaccel.access} logger (operation, table, status,
 *     latency, cache outcome; never keys or items), default false
 */
public record LogConfig(LogFormat format, boolean access) {

  /** Rejects a missing format. */
  public LogConfig {
    Objects.requireNonNull(format, "format");
  }
}
