package io.dynaccel.server.protocol;

import java.util.Locale;

/** Whether an answer came from a cache, for the access log: named {@code hit}, {@code miss} or {@code none} there. */
public enum CacheOutcome {
  /** Answered from the item or query cache (or a dirty write-back item), DynamoDB not asked. */
  HIT,
  /** A cacheable read that DynamoDB had to answer (in part, for a batch). */
  MISS,
  /** No cache was consulted: a write, an uncacheable read, a forwarded or a refused call. */
  NONE;

  private final String text = name().toLowerCase(Locale.ROOT);

  /** The word the access log writes. */
  public String text() {
    return text;
  }
}
