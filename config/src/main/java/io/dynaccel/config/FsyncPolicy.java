package io.dynaccel.config;

import java.util.Locale;

/** When the write-back log forces its records to disk; written {@code always} or {@code interval}. */
public enum FsyncPolicy {
  /** A write is acknowledged only after its record is fsync'd; concurrent writes share one fsync. */
  ALWAYS,
  /**
   * A write is acknowledged once its record is written to the operating system, which fsyncs every
   * {@code writeBack.fsyncInterval}: a killed process loses nothing, a power loss or kernel crash up
   * to one interval of acknowledged writes (Redis {@code appendfsync everysec}).
   */
  INTERVAL;

  static FsyncPolicy parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
