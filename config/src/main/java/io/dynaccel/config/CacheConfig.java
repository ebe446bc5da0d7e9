package io.dynaccel.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Cache sizing and the default time-to-live of cached entries; a TTL of zero means "do not cache" that kind.
 *
 * @param maxBytes memory budget of the item cache, greater than zero, default 256 MiB
 * @param itemTtl how long an item read by key stays cached, default 5m
 * @param negativeTtl how long "no such item" stays cached, default 1m
 * @param queryTtl how long a Query/Scan result stays cached, default 5m
 * @param queryMaxBytes memory budget of the query/scan result cache, greater than zero, default 64 MiB
 * @param schemaRefresh how often the key schemas of known tables are checked against DynamoDB, so a
 *     table deleted and created again outside the accelerator is noticed, default 30s
 * @param serveStaleOnError how long past its TTL an item may still answer an eventually consistent
 *     GetItem or BatchGetItem while DynamoDB fails (breaker open, transport failure, 5xx), provided no
 *     write through this node replaced, dropped or is guarding it; default 0, never
 */
public record CacheConfig(long maxBytes, Duration itemTtl, Duration negativeTtl, Duration queryTtl, long queryMaxBytes, Duration schemaRefresh,
    Duration serveStaleOnError) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public CacheConfig {
    Settings.CACHE_MAX_BYTES.check(maxBytes);
    Settings.CACHE_ITEM_TTL.check(Objects.requireNonNull(itemTtl, "itemTtl"));
    Settings.CACHE_NEGATIVE_TTL.check(Objects.requireNonNull(negativeTtl, "negativeTtl"));
    Settings.CACHE_QUERY_TTL.check(Objects.requireNonNull(queryTtl, "queryTtl"));
    Settings.CACHE_QUERY_MAX_BYTES.check(queryMaxBytes);
    Settings.CACHE_SCHEMA_REFRESH.check(Objects.requireNonNull(schemaRefresh, "schemaRefresh"));
    Settings.CACHE_SERVE_STALE_ON_ERROR.check(Objects.requireNonNull(serveStaleOnError, "serveStaleOnError"));
  }

  /** The settings without stale serving, the default. */
  public CacheConfig(long maxBytes, Duration itemTtl, Duration negativeTtl, Duration queryTtl, long queryMaxBytes, Duration schemaRefresh) {
    this(maxBytes, itemTtl, negativeTtl, queryTtl, queryMaxBytes, schemaRefresh, Duration.ZERO);
  }
}
