package io.dynaccel.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The complete, validated, immutable configuration of one accelerator; obtain it from
 * {@link ConfigLoader#load(String[], Map)} or {@link #defaults()}.
 *
 * @param server listener settings
 * @param upstream DynamoDB endpoint settings
 * @param cache cache sizes and default TTLs
 * @param writeBack the write-ahead log and flusher of write-back tables
 * @param admin the admin listener (operator endpoints on their own port)
 * @param health what readiness requires of DynamoDB, and how often it is probed
 * @param breaker the circuit breaker in front of DynamoDB
 * @param tls HTTPS on the API port
 * @param auth who may call and what each caller may do
 * @param cluster the cluster this node joins, if any
 * @param tables per-table overrides by exact (case-sensitive) table name, in configuration order, and
 *     optionally a {@code "*"} entry for every table without one of its own; use {@link #table(String)}
 *     rather than reading this map, so unlisted tables get the defaults
 */
public record DynaccelConfig(ServerConfig server, UpstreamConfig upstream, CacheConfig cache, WriteBackConfig writeBack,
    AdminConfig admin, HealthConfig health, BreakerConfig breaker, TlsConfig tls, AuthConfig auth,
    ClusterConfig cluster, Map<String, TableConfig> tables) {

  /** Copies {@code tables} so the record stays immutable, and checks table names. */
  public DynaccelConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(writeBack, "writeBack");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(breaker, "breaker");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(tables, "tables");
    tables.forEach((name, table) -> {
      Settings.checkTableName(Objects.requireNonNull(name, "table name"), null);
      Objects.requireNonNull(table, "table " + name);
    });
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  /** A configuration with these four sections and the defaults of every other one. */
  public DynaccelConfig(ServerConfig server, UpstreamConfig upstream, CacheConfig cache, Map<String, TableConfig> tables) {
    this(server, upstream, cache, ConfigValues.defaults(Map.of()).build(), tables);
  }

  private DynaccelConfig(ServerConfig server, UpstreamConfig upstream, CacheConfig cache, DynaccelConfig defaults,
      Map<String, TableConfig> tables) {
    this(server, upstream, cache, defaults.writeBack(), defaults.admin(), defaults.health(), defaults.breaker(), defaults.tls(),
        defaults.auth(), defaults.cluster(), tables);
  }

  /**
   * The built-in defaults, with the region taken from {@code AWS_REGION} / {@code AWS_DEFAULT_REGION} of this
   * process if set; no file, {@code DYNACCEL_*} variable or flag is consulted.
   *
   * @throws ConfigException if {@code AWS_REGION} / {@code AWS_DEFAULT_REGION} is not a valid region name
   */
  public static DynaccelConfig defaults() {
    return ConfigValues.defaults(System.getenv()).build();
  }

  /**
   * The settings for {@code tableName}: its configured entry, or else the {@code "*"} entry, or else
   * {@link WriteStrategy#WRITE_THROUGH} with the TTLs of {@link #cache()}.
   */
  public TableConfig table(String tableName) {
    Objects.requireNonNull(tableName, "tableName");
    TableConfig configured = tables.get(tableName);
    if (configured == null) {
      configured = tables.get(Settings.EVERY_TABLE);
    }
    return configured != null
        ? configured
        : new TableConfig(Settings.TABLE_WRITE_STRATEGY.defaultValue(), cache.itemTtl(), cache.negativeTtl(), cache.queryTtl());
  }

  /**
   * The configuration as nested maps of plain values (strings, numbers, booleans, lists), for an
   * operator to read: every secret that is set (a principal's secret access key and session token)
   * reads {@code "(redacted)"}. The admin token is not here at all: only its file's path is
   * configuration.
   */
  public Map<String, Object> redacted() {
    return RedactedView.of(this);
  }

  /** Whether any table, named or by the {@code "*"} entry, is written back. */
  public boolean writesBack() {
    return tables.values().stream().anyMatch(t -> t.writeStrategy() == WriteStrategy.WRITE_BACK);
  }
}
