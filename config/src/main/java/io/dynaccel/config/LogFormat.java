package io.dynaccel.config;

import java.util.Locale;

/** How the node writes its log lines; written {@code text} or {@code json} in configuration. */
public enum LogFormat {
  /** One line per event: ISO-8601 UTC timestamp, level, thread, logger and message, for people. */
  TEXT,
  /** One JSON object per line, for log shippers. */
  JSON;

  /** The spelling used in YAML, environment variables and flags. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static LogFormat parse(String text) {
    for (LogFormat format : values()) {
      if (format.configName().equals(text.toLowerCase(Locale.ROOT))) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown log format: " + text);
  }
}
