package io.dynaccel.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Caching behaviour for one DynamoDB table; TTLs not configured for the table are already resolved
 * to the {@link CacheConfig} defaults, so every field is meaningful as is.
 *
 * @param writeStrategy what a write does to the cache, default {@link WriteStrategy#WRITE_THROUGH}
 * @param itemTtl see {@link CacheConfig#itemTtl()}
 * @param negativeTtl see {@link CacheConfig#negativeTtl()}
 * @param queryTtl see {@link CacheConfig#queryTtl()}
 * @param streamInvalidation whether the node follows the table's DynamoDB stream and drops what a
 *     write that bypassed it may have changed, default false
 */
public record TableConfig(WriteStrategy writeStrategy, Duration itemTtl, Duration negativeTtl, Duration queryTtl,
    boolean streamInvalidation) {

  /** A table whose stream is not followed. */
  public TableConfig(WriteStrategy writeStrategy, Duration itemTtl, Duration negativeTtl, Duration queryTtl) {
    this(writeStrategy, itemTtl, negativeTtl, queryTtl, false);
  }

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public TableConfig {
    Objects.requireNonNull(writeStrategy, "writeStrategy");
    Settings.TABLE_ITEM_TTL.check(Objects.requireNonNull(itemTtl, "itemTtl"));
    Settings.TABLE_NEGATIVE_TTL.check(Objects.requireNonNull(negativeTtl, "negativeTtl"));
    Settings.TABLE_QUERY_TTL.check(Objects.requireNonNull(queryTtl, "queryTtl"));
  }
}
