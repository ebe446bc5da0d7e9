package io.dynaccel.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Mutable accumulator of parsed values; each layer (defaults, file, environment, flags) writes over the previous
 * one, field by field, and {@link #build()} turns the result into records.
 */
final class ConfigValues {

  private final Map<Setting<?>, Object> global = new HashMap<>();
  // Per-table values only hold what was explicitly set; the rest is resolved in build().
  private final Map<String, Map<Setting<?>, Object>> tables = new LinkedHashMap<>();
  private final Map<String, String> env;
  private List<AuthPrincipal> principals = List.of();

  private ConfigValues(Map<String, String> env) {
    this.env = env;
  }

  /** Built-in defaults plus the region from the standard AWS variables, which count as defaults, not overrides. */
  static ConfigValues defaults(Map<String, String> env) {
    ConfigValues values = new ConfigValues(env);
    Settings.GLOBAL.forEach(s -> values.global.put(s, s.defaultValue()));
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION")) {
      String region = env.get(name);
      if (region != null && !region.isBlank()) {
        values.set(Settings.UPSTREAM_REGION, region, "environment variable " + name);
        break;
      }
    }
    return values;
  }

  /** Looks up a top-level setting by dotted path, or fails listing what is known. */
  static Setting<?> setting(String path, String source) {
    if (path.equals(Settings.AUTH_PRINCIPALS)) {
      throw new ConfigException("'" + path + "'" + ConfigException.from(source)
          + ": principals are a list and can only be given in the configuration file (--config)");
    }
    return Settings.global(path).orElseThrow(() -> unknown(path, source));
  }

  /** Looks up a per-table setting by key, or fails listing what is known. */
  static Setting<?> tableSetting(String table, String key, String source) {
    return Settings.table(key).orElseThrow(() -> {
      String prefix = Settings.TABLES + "." + table + ".";
      return unknown(prefix + key, source, Settings.TABLE.stream().map(s -> prefix + s.key()).toList());
    });
  }

  void set(Setting<?> setting, String text, String source) {
    global.put(setting, setting.parse(setting.path(), text, source));
  }

  /** The environment the configuration is loaded with, where {@code secretEnv} names are looked up. */
  Map<String, String> env() {
    return env;
  }

  void setPrincipals(List<AuthPrincipal> principals) {
    this.principals = List.copyOf(principals);
  }

  void declareTable(String table, String source) {
    tables.computeIfAbsent(Settings.checkTableName(table, source), t -> new HashMap<>());
  }

  void setTable(String table, Setting<?> setting, String text, String source) {
    declareTable(table, source);
    String name = Settings.TABLES + "." + table + "." + setting.key();
    tables.get(table).put(setting, setting.parse(name, text, source));
  }

  /** Sets any setting by dotted path, as {@code --set} does; {@code tables.<table>.<key>} may have dots in the table. */
  void set(String path, String text, String source) {
    if (path.equals(Settings.TABLES) || path.startsWith(Settings.TABLES + ".")) {
      String rest = path.substring(Math.min(path.length(), Settings.TABLES.length() + 1));
      int dot = rest.lastIndexOf('.');
      if (dot <= 0) {
        throw new ConfigException("'" + path + "'" + ConfigException.from(source)
            + ": per-table settings are written tables.<table>.<setting>, e.g. tables.Orders.itemTtl");
      }
      String table = rest.substring(0, dot);
      setTable(table, tableSetting(table, rest.substring(dot + 1), source), text, source);
    } else {
      set(setting(path, source), text, source);
    }
  }

  static ConfigException unknown(String path, String source) {
    int dot = path.indexOf('.');
    String section = dot < 0 ? null : path.substring(0, dot);
    List<String> known;
    if (dot < 0) {
      known = Settings.SECTIONS;
    } else if (Settings.SECTIONS.contains(section)) {
      known = Stream.concat(Settings.GLOBAL.stream().map(Setting::path),
          section.equals("auth") ? Stream.of(Settings.AUTH_PRINCIPALS) : Stream.empty())
          .filter(p -> p.startsWith(section + ".")).toList();
    } else {
      known = Stream.concat(Settings.GLOBAL.stream().map(Setting::path),
          Stream.of(Settings.TABLES + ".<table>.<setting>")).toList();
    }
    return unknown(path, source, known);
  }

  private static ConfigException unknown(String path, String source, List<String> known) {
    // Case slips (itemTTL vs itemTtl) are the most likely typo, so point straight at the fix.
    String hint = known.stream().filter(k -> k.toLowerCase(Locale.ROOT).equals(path.toLowerCase(Locale.ROOT)))
        .findFirst().map(k -> "; did you mean '" + k + "'?").orElse("");
    return new ConfigException("unknown setting '" + path + "'" + ConfigException.from(source)
        + "; known: " + String.join(", ", known) + hint);
  }

  DynaccelConfig build() {
    ServerConfig server = new ServerConfig(get(Settings.SERVER_HOST), get(Settings.SERVER_PORT),
        get(Settings.SERVER_INSTANCES), get(Settings.SERVER_MAX_REQUEST_BYTES), get(Settings.SERVER_IDLE_TIMEOUT),
        get(Settings.SERVER_SHUTDOWN_TIMEOUT), get(Settings.SERVER_MAX_CONNECTIONS), get(Settings.SERVER_MAX_CONNECTIONS_PER_CLIENT),
        get(Settings.SERVER_MAX_HEADER_BYTES), get(Settings.SERVER_REQUEST_READ_TIMEOUT));
    UpstreamConfig upstream = new UpstreamConfig(get(Settings.UPSTREAM_ENDPOINT), get(Settings.UPSTREAM_REGION),
        get(Settings.UPSTREAM_CONNECT_TIMEOUT), get(Settings.UPSTREAM_REQUEST_TIMEOUT),
        get(Settings.UPSTREAM_MAX_CONNECTIONS), get(Settings.UPSTREAM_MAX_RETRIES), get(Settings.UPSTREAM_TRUST_CA_FILE),
        get(Settings.UPSTREAM_STREAMS_ENDPOINT));
    CacheConfig cache = new CacheConfig(get(Settings.CACHE_MAX_BYTES), get(Settings.CACHE_ITEM_TTL),
        get(Settings.CACHE_NEGATIVE_TTL), get(Settings.CACHE_QUERY_TTL), get(Settings.CACHE_QUERY_MAX_BYTES),
        get(Settings.CACHE_SCHEMA_REFRESH), get(Settings.CACHE_SERVE_STALE_ON_ERROR));
    WriteBackConfig writeBack = new WriteBackConfig(Path.of(get(Settings.WRITE_BACK_LOG_DIR)),
        get(Settings.WRITE_BACK_FSYNC), get(Settings.WRITE_BACK_FSYNC_INTERVAL), get(Settings.WRITE_BACK_GROUP_COMMIT_WAIT),
        get(Settings.WRITE_BACK_SEGMENT_BYTES), get(Settings.WRITE_BACK_FLUSH_INTERVAL), get(Settings.WRITE_BACK_FLUSH_BYTES),
        get(Settings.WRITE_BACK_MAX_DIRTY_BYTES), get(Settings.WRITE_BACK_SHUTDOWN_TIMEOUT));
    AdminConfig admin = new AdminConfig(get(Settings.ADMIN_HOST), get(Settings.ADMIN_PORT), get(Settings.ADMIN_TOKEN_FILE),
        get(Settings.ADMIN_HTTP_SERVER_METERS));
    HealthConfig health = new HealthConfig(get(Settings.HEALTH_PROBE_INTERVAL), get(Settings.HEALTH_UPSTREAM_WINDOW));
    BreakerConfig breaker = new BreakerConfig(get(Settings.BREAKER_ENABLED), get(Settings.BREAKER_FAILURE_THRESHOLD),
        get(Settings.BREAKER_RESET_TIMEOUT));
    TlsConfig tls = new TlsConfig(get(Settings.TLS_CERT_FILE), get(Settings.TLS_KEY_FILE),
        get(Settings.TLS_CLIENT_CA_FILE), get(Settings.TLS_RELOAD_INTERVAL));
    // Resolved only now so a table inherits the final cache TTL, whichever layer set it; a named
    // table takes what it does not set from the "*" entry first.
    Map<Setting<?>, Object> everyTable = tables.getOrDefault(Settings.EVERY_TABLE, Map.of());
    Map<String, TableConfig> resolved = tables.entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey,
        e -> {
          Map<Setting<?>, Object> own = new HashMap<>(everyTable);
          own.putAll(e.getValue());
          return new TableConfig(
              get(own, Settings.TABLE_WRITE_STRATEGY, Settings.TABLE_WRITE_STRATEGY.defaultValue()),
              get(own, Settings.TABLE_ITEM_TTL, cache.itemTtl()),
              get(own, Settings.TABLE_NEGATIVE_TTL, cache.negativeTtl()),
              get(own, Settings.TABLE_QUERY_TTL, cache.queryTtl()),
              get(own, Settings.TABLE_STREAM_INVALIDATION, Settings.TABLE_STREAM_INVALIDATION.defaultValue()));
        },
        (a, b) -> a, LinkedHashMap::new));
    AuthConfig auth = new AuthConfig(get(Settings.AUTH_MODE), get(Settings.AUTH_ACCOUNT_ID), get(Settings.AUTH_REGIONS),
        principals);
    ClusterConfig cluster = new ClusterConfig(get(Settings.CLUSTER_NAME), get(Settings.CLUSTER_JOIN), get(Settings.CLUSTER_MEMBERS),
        get(Settings.CLUSTER_HOST), get(Settings.CLUSTER_PORT), get(Settings.CLUSTER_MIN_MEMBERS));
    LogConfig log = new LogConfig(get(Settings.LOG_FORMAT), get(Settings.LOG_ACCESS));
    return new DynaccelConfig(server, upstream, cache, writeBack, admin, health, breaker, tls, auth, cluster, log, resolved);
  }

  @SuppressWarnings("unchecked") // values are stored by the setting that parsed them
  private <T> T get(Setting<T> setting) {
    return (T) global.get(setting);
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(Map<Setting<?>, Object> values, Setting<T> setting, T fallback) {
    return values.containsKey(setting) ? (T) values.get(setting) : fallback;
  }
}
