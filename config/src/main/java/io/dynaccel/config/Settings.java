package io.dynaccel.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The single table of every setting; YAML keys, environment variables, flags and defaults all derive from it. */
final class Settings {

  static final String TABLES = "tables";
  /** The {@code tables} entry whose settings every table without an entry of its own takes. */
  static final String EVERY_TABLE = "*";
  static final List<String> SECTIONS = List.of("server", "upstream", "cache", "writeBack", "admin", "health", "breaker", "tls",
      "auth", "cluster", "log", TABLES);

  private static final Predicate<Duration> POSITIVE = d -> !d.isNegative() && !d.isZero();
  private static final Predicate<Duration> NOT_NEGATIVE = d -> !d.isNegative();
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

  static final Setting<String> SERVER_HOST = Setting.of("server.host", ValueType.STRING, "127.0.0.1",
      h -> !h.isEmpty() && h.chars().noneMatch(Character::isWhitespace), "a host name or IP address without spaces")
      .withFlag("host");
  static final Setting<Integer> SERVER_PORT = Setting.of("server.port", ValueType.INTEGER, 8111,
      p -> p >= 0 && p <= 65535, "between 0 and 65535 (0 picks a free port)").withFlag("port");
  static final Setting<Integer> SERVER_INSTANCES = Setting.of("server.instances", ValueType.INTEGER,
      Runtime.getRuntime().availableProcessors(), n -> n >= 1, "at least 1").withFlag("instances");
  static final Setting<Integer> SERVER_MAX_REQUEST_BYTES = Setting.of("server.maxRequestBytes", ValueType.INT_SIZE,
      16 << 20, n -> n > 0, "greater than 0");
  static final Setting<Duration> SERVER_IDLE_TIMEOUT = Setting.of("server.idleTimeout", ValueType.DURATION,
      Duration.ofSeconds(60), NOT_NEGATIVE, "zero (no idle timeout) or positive");

  // Operations (issue 11): graceful shutdown, connection limits, the admin listener.
  static final Setting<Duration> SERVER_SHUTDOWN_TIMEOUT = Setting.of("server.shutdownTimeout", ValueType.DURATION,
      Duration.ofSeconds(30), NOT_NEGATIVE, "zero (close connections at once) or positive");
  static final Setting<Integer> SERVER_MAX_CONNECTIONS = Setting.of("server.maxConnections", ValueType.INTEGER,
      10_000, n -> n >= 1, "at least 1");
  static final Setting<Integer> SERVER_MAX_CONNECTIONS_PER_CLIENT = Setting.of("server.maxConnectionsPerClient", ValueType.INTEGER,
      1_000, n -> n >= 1, "at least 1");
  static final Setting<Integer> SERVER_MAX_HEADER_BYTES = Setting.of("server.maxHeaderBytes", ValueType.INT_SIZE,
      16 << 10, n -> n >= 1024, "at least 1024");
  static final Setting<Duration> SERVER_REQUEST_READ_TIMEOUT = Setting.of("server.requestReadTimeout", ValueType.DURATION,
      Duration.ofSeconds(30), NOT_NEGATIVE, "zero (no limit) or positive");
  static final Setting<String> ADMIN_HOST = Setting.of("admin.host", ValueType.STRING, "127.0.0.1",
      h -> !h.isEmpty() && h.chars().noneMatch(Character::isWhitespace), "a host name or IP address without spaces");
  static final Setting<Integer> ADMIN_PORT = Setting.of("admin.port", ValueType.INTEGER, 8112,
      p -> p >= 0 && p <= 65535, "between 0 and 65535 (0 picks a free port)");
  static final Setting<Optional<Path>> ADMIN_TOKEN_FILE = Setting.of("admin.tokenFile", ValueType.OPTIONAL_PATH,
      Optional.<Path>empty(), f -> true, null);
  // Off by default (issue 14): Vert.x's per-request server meters cost about a sixth of a cache hit's CPU.
  static final Setting<Boolean> ADMIN_HTTP_SERVER_METERS = Setting.of("admin.httpServerMeters", ValueType.BOOLEAN, false,
      b -> true, null);

  static final Setting<Optional<URI>> UPSTREAM_ENDPOINT = Setting.of("upstream.endpoint", ValueType.OPTIONAL_URI,
      Optional.<URI>empty(), e -> e.isEmpty() || isHttpUri(e.get()),
      "an absolute http or https URI with a host, like http://127.0.0.1:4567").withFlag("upstream");
  // Streams has hosts of its own (PrivateLink, FIPS) that cannot be told from the DynamoDB endpoint: see UpstreamConfig.
  static final Setting<Optional<URI>> UPSTREAM_STREAMS_ENDPOINT = Setting.of("upstream.streamsEndpoint", ValueType.OPTIONAL_URI,
      Optional.<URI>empty(), e -> e.isEmpty() || isHttpUri(e.get()),
      "an absolute http or https URI with a host, like http://127.0.0.1:4567");
  static final Setting<String> UPSTREAM_REGION = Setting.of("upstream.region", ValueType.STRING, "us-east-1",
      r -> REGION.matcher(r).matches(), "an AWS region name like us-east-1").withFlag("region");
  static final Setting<Duration> UPSTREAM_CONNECT_TIMEOUT = Setting.of("upstream.connectTimeout", ValueType.DURATION,
      Duration.ofSeconds(2), POSITIVE, "greater than 0");
  static final Setting<Duration> UPSTREAM_REQUEST_TIMEOUT = Setting.of("upstream.requestTimeout", ValueType.DURATION,
      Duration.ofSeconds(10), POSITIVE, "greater than 0");
  static final Setting<Integer> UPSTREAM_MAX_CONNECTIONS = Setting.of("upstream.maxConnections", ValueType.INTEGER,
      256, n -> n >= 1, "at least 1");
  static final Setting<Integer> UPSTREAM_MAX_RETRIES = Setting.of("upstream.maxRetries", ValueType.INTEGER,
      0, n -> n >= 0, "zero or positive");

  static final Setting<Long> CACHE_MAX_BYTES = Setting.of("cache.maxBytes", ValueType.SIZE,
      256L << 20, n -> n > 0, "greater than 0");
  static final Setting<Duration> CACHE_ITEM_TTL = ttl("cache.itemTtl", Duration.ofMinutes(5));
  static final Setting<Duration> CACHE_NEGATIVE_TTL = ttl("cache.negativeTtl", Duration.ofMinutes(1));
  static final Setting<Duration> CACHE_QUERY_TTL = ttl("cache.queryTtl", Duration.ofMinutes(5));
  static final Setting<Long> CACHE_QUERY_MAX_BYTES = Setting.of("cache.queryMaxBytes", ValueType.SIZE,
      64L << 20, n -> n > 0, "greater than 0");
  static final Setting<Duration> CACHE_SCHEMA_REFRESH = Setting.of("cache.schemaRefresh", ValueType.DURATION,
      Duration.ofSeconds(30), POSITIVE, "greater than 0");
  static final Setting<Duration> CACHE_SERVE_STALE_ON_ERROR = Setting.of("cache.serveStaleOnError", ValueType.DURATION,
      Duration.ZERO, NOT_NEGATIVE, "zero (never serve an expired item) or positive");

  static final Setting<String> WRITE_BACK_LOG_DIR = Setting.of("writeBack.logDir", ValueType.STRING, "dynaccel-wal",
      d -> !d.isBlank(), "a directory path (relative paths are resolved against the working directory)");
  static final Setting<FsyncPolicy> WRITE_BACK_FSYNC = Setting.of("writeBack.fsync", ValueType.FSYNC_POLICY,
      FsyncPolicy.ALWAYS, f -> true, null);
  static final Setting<Duration> WRITE_BACK_FSYNC_INTERVAL = Setting.of("writeBack.fsyncInterval", ValueType.DURATION,
      Duration.ofSeconds(1), POSITIVE, "greater than 0");
  static final Setting<Duration> WRITE_BACK_GROUP_COMMIT_WAIT = Setting.of("writeBack.groupCommitWait", ValueType.DURATION,
      Duration.ZERO, NOT_NEGATIVE, "zero (gather only what arrives during an fsync) or positive");
  static final Setting<Long> WRITE_BACK_SEGMENT_BYTES = Setting.of("writeBack.segmentBytes", ValueType.SIZE,
      64L << 20, n -> n >= 4096, "at least 4096");
  static final Setting<Duration> WRITE_BACK_FLUSH_INTERVAL = Setting.of("writeBack.flushInterval", ValueType.DURATION,
      Duration.ofSeconds(1), POSITIVE, "greater than 0");
  static final Setting<Long> WRITE_BACK_FLUSH_BYTES = Setting.of("writeBack.flushBytes", ValueType.SIZE,
      4L << 20, n -> n > 0, "greater than 0");
  static final Setting<Long> WRITE_BACK_MAX_DIRTY_BYTES = Setting.of("writeBack.maxDirtyBytes", ValueType.SIZE,
      64L << 20, n -> n > 0, "greater than 0");
  static final Setting<Duration> WRITE_BACK_SHUTDOWN_TIMEOUT = Setting.of("writeBack.shutdownTimeout", ValueType.DURATION,
      Duration.ofSeconds(30), NOT_NEGATIVE, "zero (leave everything to the next start) or positive");

  // Health and faults: readiness follows DynamoDB's answers; the breaker fails calls fast while it is down.
  static final Setting<Duration> HEALTH_PROBE_INTERVAL = Setting.of("health.probeInterval", ValueType.DURATION,
      Duration.ofSeconds(1), POSITIVE, "greater than 0");
  static final Setting<Duration> HEALTH_UPSTREAM_WINDOW = Setting.of("health.upstreamWindow", ValueType.DURATION,
      Duration.ofSeconds(3), POSITIVE, "greater than 0");
  static final Setting<Boolean> BREAKER_ENABLED = Setting.of("breaker.enabled", ValueType.BOOLEAN, true, b -> true, null);
  static final Setting<Integer> BREAKER_FAILURE_THRESHOLD = Setting.of("breaker.failureThreshold", ValueType.INTEGER,
      5, n -> n >= 1, "at least 1");
  static final Setting<Duration> BREAKER_RESET_TIMEOUT = Setting.of("breaker.resetTimeout", ValueType.DURATION,
      Duration.ofSeconds(2), POSITIVE, "greater than 0");

  // TLS: HTTPS on the API port, certificate reload, mutual TLS, and extra trust for the upstream.
  static final Setting<Optional<Path>> TLS_CERT_FILE = optionalFile("tls.certFile");
  static final Setting<Optional<Path>> TLS_KEY_FILE = optionalFile("tls.keyFile");
  static final Setting<Optional<Path>> TLS_CLIENT_CA_FILE = optionalFile("tls.clientCaFile");
  static final Setting<Duration> TLS_RELOAD_INTERVAL = Setting.of("tls.reloadInterval", ValueType.DURATION,
      Duration.ofSeconds(10), NOT_NEGATIVE, "zero (never reload) or positive");
  static final Setting<Optional<Path>> UPSTREAM_TRUST_CA_FILE = optionalFile("upstream.trustCaFile");

  // Authentication (issue 11). auth.principals is a list, read from the configuration file only (YamlFile).
  static final String AUTH_PRINCIPALS = "auth.principals";
  static final Setting<AuthMode> AUTH_MODE = Setting.of("auth.mode", ValueType.AUTH_MODE, AuthMode.NONE, m -> true, null);
  static final Setting<String> AUTH_ACCOUNT_ID = Setting.of("auth.accountId", ValueType.STRING, "000000000000",
      a -> a.matches("[0-9]{12}"), "a 12-digit AWS account id");
  static final Setting<List<String>> AUTH_REGIONS = Setting.of("auth.regions", ValueType.STRING_LIST, List.of(),
      l -> l.stream().allMatch(r -> REGION.matcher(r).matches()),
      "AWS region names like us-east-1, separated by commas (empty: only upstream.region)");

  // Clustering (issue 12): Hazelcast membership under Vert.x; without members the node runs alone.
  private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+:[0-9]{1,5}");
  static final Setting<String> CLUSTER_NAME = Setting.of("cluster.name", ValueType.STRING, "dynaccel",
      n -> n.matches("[A-Za-z0-9_.-]{1,64}"), "1 to 64 letters, digits, '_', '.' or '-'");
  static final Setting<ClusterJoin> CLUSTER_JOIN = Setting.of("cluster.join", ValueType.CLUSTER_JOIN, ClusterJoin.TCP_IP,
      j -> true, null);
  static final Setting<List<String>> CLUSTER_MEMBERS = Setting.of("cluster.members", ValueType.STRING_LIST, List.of(),
      l -> l.stream().allMatch(m -> MEMBER.matcher(m).matches()),
      "member addresses like 127.0.0.1:5701,127.0.0.1:5702, separated by commas (empty: the node runs alone)");
  static final Setting<String> CLUSTER_HOST = Setting.of("cluster.host", ValueType.STRING, "127.0.0.1",
      h -> !h.isEmpty() && h.chars().noneMatch(Character::isWhitespace), "a host name or IP address without spaces");
  static final Setting<Integer> CLUSTER_PORT = Setting.of("cluster.port", ValueType.INTEGER, 5701,
      p -> p >= 1 && p <= 65535, "between 1 and 65535");
  static final Setting<Integer> CLUSTER_MIN_MEMBERS = Setting.of("cluster.minMembers", ValueType.INTEGER, 0,
      n -> n >= 0, "0 (a majority of cluster.members) or more");

  // Logs (issue 13): the line format, and the access log of every API call.
  static final Setting<LogFormat> LOG_FORMAT = Setting.of("log.format", ValueType.LOG_FORMAT, LogFormat.TEXT, f -> true, null);
  static final Setting<Boolean> LOG_ACCESS = Setting.of("log.access", ValueType.BOOLEAN, false, b -> true, null);

  /** Every top-level setting, in documentation order. */
  static final List<Setting<?>> GLOBAL = List.of(
      SERVER_HOST, SERVER_PORT, SERVER_INSTANCES, SERVER_MAX_REQUEST_BYTES, SERVER_IDLE_TIMEOUT,
      UPSTREAM_ENDPOINT, UPSTREAM_STREAMS_ENDPOINT, UPSTREAM_REGION, UPSTREAM_CONNECT_TIMEOUT, UPSTREAM_REQUEST_TIMEOUT,
      UPSTREAM_MAX_CONNECTIONS, UPSTREAM_MAX_RETRIES,
      CACHE_MAX_BYTES, CACHE_ITEM_TTL, CACHE_NEGATIVE_TTL, CACHE_QUERY_TTL, CACHE_QUERY_MAX_BYTES,
      CACHE_SCHEMA_REFRESH, CACHE_SERVE_STALE_ON_ERROR,
      WRITE_BACK_LOG_DIR, WRITE_BACK_FSYNC, WRITE_BACK_FSYNC_INTERVAL, WRITE_BACK_GROUP_COMMIT_WAIT,
      WRITE_BACK_SEGMENT_BYTES, WRITE_BACK_FLUSH_INTERVAL, WRITE_BACK_FLUSH_BYTES, WRITE_BACK_MAX_DIRTY_BYTES,
      WRITE_BACK_SHUTDOWN_TIMEOUT,
      SERVER_SHUTDOWN_TIMEOUT, SERVER_MAX_CONNECTIONS, SERVER_MAX_CONNECTIONS_PER_CLIENT, SERVER_MAX_HEADER_BYTES,
      SERVER_REQUEST_READ_TIMEOUT, ADMIN_HOST, ADMIN_PORT, ADMIN_TOKEN_FILE, ADMIN_HTTP_SERVER_METERS,
      HEALTH_PROBE_INTERVAL, HEALTH_UPSTREAM_WINDOW, BREAKER_ENABLED, BREAKER_FAILURE_THRESHOLD, BREAKER_RESET_TIMEOUT,
      TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE, TLS_RELOAD_INTERVAL, UPSTREAM_TRUST_CA_FILE,
      AUTH_MODE, AUTH_ACCOUNT_ID, AUTH_REGIONS,
      CLUSTER_NAME, CLUSTER_JOIN, CLUSTER_MEMBERS, CLUSTER_HOST, CLUSTER_PORT, CLUSTER_MIN_MEMBERS,
      LOG_FORMAT, LOG_ACCESS);

  // Per-table settings; a null default means "inherit the cache-wide value".
  static final Setting<WriteStrategy> TABLE_WRITE_STRATEGY = Setting.of("writeStrategy", ValueType.WRITE_STRATEGY,
      WriteStrategy.WRITE_THROUGH, s -> true, null);
  static final Setting<Duration> TABLE_ITEM_TTL = ttl("itemTtl", null);
  static final Setting<Duration> TABLE_NEGATIVE_TTL = ttl("negativeTtl", null);
  static final Setting<Duration> TABLE_QUERY_TTL = ttl("queryTtl", null);
  static final Setting<Boolean> TABLE_STREAM_INVALIDATION = Setting.of("streamInvalidation", ValueType.BOOLEAN, false, b -> true, null);

  static final List<Setting<?>> TABLE = List.of(TABLE_WRITE_STRATEGY, TABLE_ITEM_TTL, TABLE_NEGATIVE_TTL, TABLE_QUERY_TTL,
      TABLE_STREAM_INVALIDATION);

  private Settings() {
  }

  private static Setting<Duration> ttl(String path, Duration defaultValue) {
    return Setting.of(path, ValueType.DURATION, defaultValue, NOT_NEGATIVE, "zero (do not cache) or positive");
  }

  private static Setting<Optional<Path>> optionalFile(String path) {
    return Setting.of(path, ValueType.OPTIONAL_PATH, Optional.<Path>empty(), f -> true, null);
  }

  private static boolean isHttpUri(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
  }

  static Optional<Setting<?>> global(String path) {
    return GLOBAL.stream().filter(s -> s.path().equals(path)).findFirst();
  }

  static Optional<Setting<?>> table(String key) {
    return TABLE.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  static Optional<Setting<?>> byFlag(String flag) {
    return GLOBAL.stream().filter(s -> flag.equals(s.flag())).findFirst();
  }

  /** DynamoDB's own table-name rule, or {@code *}; a name that breaks it could never match a request. */
  static String checkTableName(String name, String source) {
    if (!name.equals(EVERY_TABLE) && !TABLE_NAME.matcher(name).matches()) {
      throw ConfigException.invalid(TABLES + "." + name,
          "table name must be 3 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.', or * for every other table",
          ConfigException.quote(name), source);
    }
    return name;
  }
}
