package io.dynaccel.config;

import java.util.Locale;

/**
 * How the accelerator treats a table's cached items when a client writes to that table;
 * written {@code write-through}, {@code invalidate} or {@code write-back} in configuration.
 */
public enum WriteStrategy {
  /** The write goes to DynamoDB first; on success the cache is updated with the written item. */
  WRITE_THROUGH,
  /** The write goes to DynamoDB first; on success the cached item is evicted so the next read fetches it. */
  INVALIDATE,
  /**
   * The write is evaluated locally and acknowledged once its record is durable in the local
   * write-ahead log ({@link WriteBackConfig}); DynamoDB is written later, in coalesced batches. The
   * log is replayed at start-up, so a crash loses no acknowledged write.
   */
  WRITE_BACK;

  /** The spelling used in YAML, environment variables and flags, e.g. {@code write-through}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Accepts the config spelling and, leniently, the enum constant name in any case. */
  static WriteStrategy parse(String text) {
    String normalized = text.toLowerCase(Locale.ROOT).replace('_', '-');
    for (WriteStrategy strategy : values()) {
      if (strategy.configName().equals(normalized)) {
        return strategy;
      }
    }
    throw new IllegalArgumentException("unknown write strategy: " + text);
  }
}
