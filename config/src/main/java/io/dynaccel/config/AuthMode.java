package io.dynaccel.config;

import java.util.Locale;

/** Whether the accelerator checks who is calling; written {@code none} or {@code sigv4} in configuration. */
public enum AuthMode {
  /** Every caller that reaches the port is served, as before authentication existed. */
  NONE,
  /** Every call must carry a valid AWS Signature Version 4 of a configured principal, checked as DynamoDB does. */
  SIGV4;

  /** The spelling used in YAML, environment variables and flags. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AuthMode parse(String text) {
    for (AuthMode mode : values()) {
      if (mode.configName().equals(text.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown auth mode: " + text);
  }
}
