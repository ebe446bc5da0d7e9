package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String[] NO_ARGS = {};

  @TempDir
  Path dir;

  // --- defaults and file ---

  @Test
  void load_whenNoSources_returnsDefaults() {
    assertThat(ConfigLoader.load(NO_ARGS, Map.of())).isEqualTo(ConfigValues.defaults(Map.of()).build());
  }

  @Test
  void load_whenFullYamlFile_readsEverySetting() throws IOException {
    Path file = yaml("""
        server: { host: 127.0.0.1, port: 9000, instances: 2, maxRequestBytes: 1MiB, idleTimeout: 0s }
        upstream: { endpoint: http://127.0.0.1:4567, region: eu-west-1, connectTimeout: 500ms, requestTimeout: PT3S, maxConnections: 8, maxRetries: 2 }
        cache: { maxBytes: 1g, itemTtl: 30s, negativeTtl: 10s, queryTtl: 1h, queryMaxBytes: 1048576, schemaRefresh: 2m }
        tables:
          Orders: { writeStrategy: invalidate, itemTtl: 5s }
          my.table-v2:
        """);

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());

    assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 9000, 2, 1 << 20, Duration.ZERO));
    assertThat(config.upstream()).isEqualTo(new UpstreamConfig(Optional.of(URI.create("http://127.0.0.1:4567")),
        "eu-west-1", Duration.ofMillis(500), Duration.ofSeconds(3), 8, 2));
    assertThat(config.cache()).isEqualTo(new CacheConfig(1L << 30, Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofHours(1), 1 << 20, Duration.ofMinutes(2)));
    assertThat(config.tables()).containsOnlyKeys("Orders", "my.table-v2");
    assertThat(config.table("Orders")).isEqualTo(new TableConfig(WriteStrategy.INVALIDATE, Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofHours(1)));
    assertThat(config.table("my.table-v2")).isEqualTo(config.table("NotListed"));
  }

  @Test
  void load_whenEveryTableEntry_unlistedTablesTakeIt() throws IOException {
    DynaccelConfig config = loadFile("""
        tables:
          "*": { writeStrategy: write-back, itemTtl: 7s }
        """);

    assertThat(config.table("Anything").writeStrategy()).isEqualTo(WriteStrategy.WRITE_BACK);
    assertThat(config.table("Anything").itemTtl()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.writesBack()).isTrue();
  }

  @Test
  void load_whenNamedTableBesideEveryTableEntry_namedTableInheritsWhatItDoesNotSet() throws IOException {
    DynaccelConfig config = loadFile("""
        tables:
          "*": { writeStrategy: write-back, itemTtl: 7s }
          Orders: { writeStrategy: invalidate }
        """);

    assertThat(config.table("Orders")).isEqualTo(new TableConfig(WriteStrategy.INVALIDATE, Duration.ofSeconds(7),
        config.cache().negativeTtl(), config.cache().queryTtl()));
  }

  @Test
  void load_whenEveryTableSetByFlag_appliesToUnlistedTables() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "tables.*.writeStrategy=write-back"}, Map.of());

    assertThat(config.table("Orders").writeStrategy()).isEqualTo(WriteStrategy.WRITE_BACK);
  }

  @Test
  void load_whenWriteBackSection_readsEverySetting() throws IOException {
    DynaccelConfig config = loadFile("""
        writeBack: { logDir: /var/lib/dynaccel/wal, fsync: interval, fsyncInterval: 200ms, groupCommitWait: 1ms,
                     segmentBytes: 8MiB, flushInterval: 5s, flushBytes: 1MiB, maxDirtyBytes: 32MiB, shutdownTimeout: 10s }
        """);

    assertThat(config.writeBack()).isEqualTo(new WriteBackConfig(Path.of("/var/lib/dynaccel/wal"), FsyncPolicy.INTERVAL,
        Duration.ofMillis(200), Duration.ofMillis(1), 8L << 20, Duration.ofSeconds(5), 1L << 20, 32L << 20,
        Duration.ofSeconds(10)));
  }

  @Test
  void load_whenNoWriteBackSettings_fsyncsEveryWriteIntoTheWorkingDirectory() {
    WriteBackConfig writeBack = ConfigLoader.load(NO_ARGS, Map.of()).writeBack();

    assertThat(writeBack.fsync()).isEqualTo(FsyncPolicy.ALWAYS);
    assertThat(writeBack.logDir()).isEqualTo(Path.of("dynaccel-wal"));
    assertThat(ConfigLoader.load(NO_ARGS, Map.of()).writesBack()).isFalse();
  }

  @Test
  void load_whenFsyncFromEnvironment_readsIt() {
    assertThat(ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_WRITE_BACK_FSYNC", "interval")).writeBack().fsync())
        .isEqualTo(FsyncPolicy.INTERVAL);
  }

  @Test
  void load_whenUnknownWriteBackVariable_fails() {
    assertError(NO_ARGS, Map.of("DYNACCEL_WRITE_BACK_FSYNK", "always"))
        .hasMessageContaining("unknown environment variable DYNACCEL_WRITE_BACK_FSYNK");
  }

  @Test
  void load_whenUnknownFsyncPolicy_failsNamingTheChoices() {
    assertError(new String[] {"--set", "writeBack.fsync=sometimes"}, Map.of())
        .hasMessageContaining("writeBack.fsync").hasMessageContaining("one of always, interval");
  }

  @Test
  void load_whenFlushBytesAboveDirtyBudget_fails() {
    assertError(new String[] {"--set", "writeBack.flushBytes=2m", "--set", "writeBack.maxDirtyBytes=1m"}, Map.of())
        .hasMessageContaining("writeBack.flushBytes: must not exceed writeBack.maxDirtyBytes");
  }

  @Test
  void load_whenFileNamedByEnv_readsIt() throws IOException {
    Path file = yaml("server: { port: 9001 }");

    assertThat(ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_CONFIG", file.toString())).server().port()).isEqualTo(9001);
  }

  @Test
  void load_whenConfigFlagAndEnv_flagFileWins() throws IOException {
    Path fromEnv = yaml("server: { port: 9001 }");
    Path fromFlag = Files.writeString(dir.resolve("flag.yaml"), "server: { port: 9002 }");

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config=" + fromFlag},
        Map.of("DYNACCEL_CONFIG", fromEnv.toString()));

    assertThat(config.server().port()).isEqualTo(9002);
  }

  @Test
  void load_whenFileEmptyOrOnlyComments_returnsDefaults() throws IOException {
    assertThat(loadFile("")).isEqualTo(ConfigLoader.load(NO_ARGS, Map.of()));
    assertThat(loadFile("# server:\n#   port: 1\n")).isEqualTo(ConfigLoader.load(NO_ARGS, Map.of()));
  }

  @Test
  void load_whenSectionEmpty_keepsDefaults() throws IOException {
    assertThat(loadFile("cache:\ntables:\n")).isEqualTo(ConfigLoader.load(NO_ARGS, Map.of()));
  }

  @Test
  void load_whenYamlAnchorsUsed_resolvesAliases() throws IOException {
    DynaccelConfig config = loadFile("""
        tables:
          Orders: &fast { writeStrategy: write-back, itemTtl: 1s }
          Users: *fast
        """);

    assertThat(config.table("Users")).isEqualTo(config.table("Orders"));
    assertThat(config.table("Users").writeStrategy()).isEqualTo(WriteStrategy.WRITE_BACK);
  }

  // --- precedence ---

  @Test
  void load_whenEnvOverridesFile_envWins() throws IOException {
    Path file = yaml("server: { port: 9001, host: 10.0.0.1 }");

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()},
        Map.of("DYNACCEL_SERVER_PORT", "9002"));

    assertThat(config.server().port()).isEqualTo(9002);
    assertThat(config.server().host()).isEqualTo("10.0.0.1");
  }

  @Test
  void load_whenFlagOverridesEnvAndFile_flagWins() throws IOException {
    Path file = yaml("server: { port: 9001 }\ncache: { itemTtl: 1m }");

    DynaccelConfig config = ConfigLoader.load(
        new String[] {"--config", file.toString(), "--port", "9003", "--set", "cache.itemTtl=7s"},
        Map.of("DYNACCEL_SERVER_PORT", "9002", "DYNACCEL_CACHE_ITEM_TTL", "2m"));

    assertThat(config.server().port()).isEqualTo(9003);
    assertThat(config.cache().itemTtl()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void load_whenFileSetsRegion_fileWinsOverAwsRegion() throws IOException {
    Path file = yaml("upstream: { region: eu-north-1 }");

    assertThat(ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of("AWS_REGION", "us-west-2"))
        .upstream().region()).isEqualTo("eu-north-1");
    assertThat(ConfigLoader.load(NO_ARGS, Map.of("AWS_REGION", "us-west-2")).upstream().region())
        .isEqualTo("us-west-2");
  }

  @Test
  void load_whenFlagRepeated_lastWins() {
    assertThat(ConfigLoader.load(new String[] {"--port", "1", "--port=2"}, Map.of()).server().port()).isEqualTo(2);
  }

  @Test
  void load_whenEveryEnvVariableSet_appliesEach() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.ofEntries(
        Map.entry("DYNACCEL_SERVER_HOST", "::1"),
        Map.entry("DYNACCEL_SERVER_PORT", "0"),
        Map.entry("DYNACCEL_SERVER_INSTANCES", "3"),
        Map.entry("DYNACCEL_SERVER_MAX_REQUEST_BYTES", "2m"),
        Map.entry("DYNACCEL_SERVER_IDLE_TIMEOUT", "5m"),
        Map.entry("DYNACCEL_UPSTREAM_ENDPOINT", "https://dynamodb.local:8000"),
        Map.entry("DYNACCEL_UPSTREAM_REGION", "local"),
        Map.entry("DYNACCEL_UPSTREAM_CONNECT_TIMEOUT", "1s"),
        Map.entry("DYNACCEL_UPSTREAM_REQUEST_TIMEOUT", "4s"),
        Map.entry("DYNACCEL_UPSTREAM_MAX_CONNECTIONS", "16"),
        Map.entry("DYNACCEL_UPSTREAM_MAX_RETRIES", "1"),
        Map.entry("DYNACCEL_CACHE_MAX_BYTES", "10m"),
        Map.entry("DYNACCEL_CACHE_ITEM_TTL", "11s"),
        Map.entry("DYNACCEL_CACHE_NEGATIVE_TTL", "12s"),
        Map.entry("DYNACCEL_CACHE_QUERY_TTL", "13s"),
        Map.entry("DYNACCEL_CACHE_QUERY_MAX_BYTES", "14k"),
        Map.entry("DYNACCEL_CACHE_SCHEMA_REFRESH", "15s")));

    assertThat(config.server()).isEqualTo(new ServerConfig("::1", 0, 3, 2 << 20, Duration.ofMinutes(5)));
    assertThat(config.upstream()).isEqualTo(new UpstreamConfig(Optional.of(URI.create("https://dynamodb.local:8000")),
        "local", Duration.ofSeconds(1), Duration.ofSeconds(4), 16, 1));
    assertThat(config.cache()).isEqualTo(new CacheConfig(10L << 20, Duration.ofSeconds(11), Duration.ofSeconds(12),
        Duration.ofSeconds(13), 14 << 10, Duration.ofSeconds(15)));
  }

  @Test
  void load_whenEnvVariableBlank_treatsItAsUnset() {
    assertThat(ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_SERVER_PORT", "", "DYNACCEL_CONFIG", " ")).server().port())
        .isEqualTo(8111);
  }

  @Test
  void load_whenDedicatedFlags_applyToTheirSettings() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--host", "localhost", "--port=0", "--instances", "4",
        "--upstream", "http://localhost:4566", "--region=ap-southeast-2"}, Map.of());

    assertThat(config.server().host()).isEqualTo("localhost");
    assertThat(config.server().port()).isZero();
    assertThat(config.server().instances()).isEqualTo(4);
    assertThat(config.upstream().endpoint()).contains(URI.create("http://localhost:4566"));
    assertThat(config.upstream().region()).isEqualTo("ap-southeast-2");
  }

  @Test
  void load_whenUpstreamFlagEmpty_fallsBackToAwsEndpoint() throws IOException {
    Path file = yaml("upstream: { endpoint: http://127.0.0.1:4567, region: eu-west-3 }");

    UpstreamConfig upstream = ConfigLoader.load(new String[] {"--config", file.toString(), "--upstream="}, Map.of())
        .upstream();

    assertThat(upstream.endpoint()).isEmpty();
    assertThat(upstream.effectiveEndpoint()).isEqualTo(URI.create("https://dynamodb.eu-west-3.amazonaws.com"));
  }

  // --- tables ---

  @Test
  void load_whenTablesEnv_parsesCompactForm() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_TABLES",
        " Orders:writeStrategy=invalidate, itemTtl=30s ; Users:writeStrategy=write-back;my.table-1:;",
        "DYNACCEL_CACHE_NEGATIVE_TTL", "9s"));

    assertThat(config.tables()).containsOnlyKeys("Orders", "Users", "my.table-1");
    assertThat(config.table("Orders")).isEqualTo(new TableConfig(WriteStrategy.INVALIDATE, Duration.ofSeconds(30),
        Duration.ofSeconds(9), Duration.ofMinutes(5)));
    assertThat(config.table("Users").writeStrategy()).isEqualTo(WriteStrategy.WRITE_BACK);
  }

  @Test
  void load_whenTableInFileAndEnvAndFlag_mergesFieldByField() throws IOException {
    Path file = yaml("tables:\n  Orders: { writeStrategy: invalidate, itemTtl: 30s, queryTtl: 1s }");

    DynaccelConfig config = ConfigLoader.load(
        new String[] {"--config", file.toString(), "--set", "tables.Orders.queryTtl=2s"},
        Map.of("DYNACCEL_TABLES", "Orders:itemTtl=40s"));

    assertThat(config.table("Orders")).isEqualTo(new TableConfig(WriteStrategy.INVALIDATE, Duration.ofSeconds(40),
        Duration.ofMinutes(1), Duration.ofSeconds(2)));
  }

  @Test
  void load_whenStreamInvalidationInFileEnvAndEveryTable_resolvesPerTable() throws IOException {
    Path file = yaml("tables:\n  \"*\": { streamInvalidation: true }\n  Orders: { itemTtl: 30s }\n  Users: { streamInvalidation: false }");

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()},
        Map.of("DYNACCEL_TABLES", "Carts:streamInvalidation=true"));

    assertThat(config.table("Orders").streamInvalidation()).isTrue();
    assertThat(config.table("Users").streamInvalidation()).isFalse();
    assertThat(config.table("Carts").streamInvalidation()).isTrue();
    assertThat(config.table("Unlisted").streamInvalidation()).isTrue();
    assertThat(ConfigLoader.load(NO_ARGS, Map.of()).table("Orders").streamInvalidation()).isFalse();
  }

  @Test
  void load_whenStreamInvalidationNotBoolean_namesSetting() throws IOException {
    Path file = yaml("tables:\n  Orders: { streamInvalidation: sometimes }");

    assertFileError(file).hasMessageContaining("tables.Orders.streamInvalidation").hasMessageContaining("true or false");
  }

  @Test
  void load_whenCacheTtlSetByLaterLayer_tableInheritsFinalValue() throws IOException {
    Path file = yaml("tables:\n  Orders: { writeStrategy: invalidate }");

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString(), "--set=cache.itemTtl=3s"},
        Map.of());

    assertThat(config.table("Orders").itemTtl()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void load_whenSetTargetsDottedTableName_splitsAtLastDot() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "tables.app.orders.writeStrategy=write-back"},
        Map.of());

    assertThat(config.table("app.orders").writeStrategy()).isEqualTo(WriteStrategy.WRITE_BACK);
  }

  // --- errors: file ---

  @Test
  void load_whenFileMissing_namesFileAndSource() {
    Path missing = dir.resolve("nope.yaml");

    assertError(new String[] {"--config", missing.toString()}, Map.of())
        .hasMessage("configuration file '" + missing + "' (from command-line flag --config) does not exist");
    assertError(NO_ARGS, Map.of("DYNACCEL_CONFIG", missing.toString()))
        .hasMessage("configuration file '" + missing + "' (from environment variable DYNACCEL_CONFIG) does not exist");
  }

  @Test
  void load_whenConfigIsDirectory_saysNotARegularFile() {
    assertError(new String[] {"--config", dir.toString()}, Map.of()).hasMessageEndingWith("is not a regular file");
  }

  @Test
  void load_whenYamlIsNotAMap_saysExpectedMapping() throws IOException {
    Path file = yaml("- server\n- cache\n");

    assertFileError(file).hasMessage("configuration file '" + file + "': expected a mapping with the sections "
        + "server, upstream, cache, writeBack, admin, health, breaker, tls, auth, cluster, log, tables at the top level, got a list (from " + file + ":1)");
  }

  @Test
  void load_whenYamlIsScalar_saysExpectedMapping() throws IOException {
    Path file = yaml("just text");

    assertFileError(file).hasMessageContaining("expected a mapping with the sections").hasMessageContaining("'just text'");
  }

  @Test
  void load_whenYamlMalformed_reportsLine() throws IOException {
    Path file = yaml("server:\n  port: 1\n   host: x\n");

    assertFileError(file).hasMessageStartingWith("configuration file '" + file + "' is not valid YAML at line 3");
  }

  @Test
  void load_whenYamlHasSeveralDocuments_fails() throws IOException {
    Path file = yaml("server: { port: 1 }\n---\nserver: { port: 2 }\n");

    assertFileError(file).hasMessageStartingWith("configuration file '" + file + "' is not valid YAML");
  }

  @Test
  void load_whenYamlTagsAJavaClass_rejectsItUnconstructed() throws IOException {
    Path file = yaml("server: !!javax.script.ScriptEngineManager [ ]\n");

    assertFileError(file).hasMessageStartingWith("configuration file '" + file + "' is not valid YAML at line 1")
        .hasMessageContaining("Global tag is not allowed");
  }

  @Test
  void load_whenUnknownSectionInFile_listsSections() throws IOException {
    Path file = yaml("server: { port: 1 }\ncaches: {}\n");

    assertFileError(file).hasMessage("unknown setting 'caches' (from " + file + ":2); known: server, upstream, cache, writeBack, admin, health, breaker, tls, auth, cluster, log, tables");
  }

  @Test
  void load_whenUnknownKeyInFile_suggestsAndListsSectionKeys() throws IOException {
    Path file = yaml("cache:\n  itemTTL: 5m\n");

    assertFileError(file).hasMessage("unknown setting 'cache.itemTTL' (from " + file + ":2); known: cache.maxBytes, "
        + "cache.itemTtl, cache.negativeTtl, cache.queryTtl, cache.queryMaxBytes, cache.schemaRefresh, cache.serveStaleOnError; did you mean 'cache.itemTtl'?");
  }

  @Test
  void load_whenUnknownTableKeyInFile_listsTableKeys() throws IOException {
    Path file = yaml("tables:\n  Orders:\n    ttl: 5m\n");

    assertFileError(file).hasMessage("unknown setting 'tables.Orders.ttl' (from " + file + ":3); known: "
        + "tables.Orders.writeStrategy, tables.Orders.itemTtl, tables.Orders.negativeTtl, tables.Orders.queryTtl, "
        + "tables.Orders.streamInvalidation");
  }

  @Test
  void load_whenDurationMalformedInFile_namesSettingLineAndFormat() throws IOException {
    Path file = yaml("server: { port: 1 }\ncache:\n  itemTtl: abc\n");

    assertFileError(file).hasMessage(
        "cache.itemTtl: expected a duration like 500ms, 30s, 5m, 1h or PT5M, got 'abc' (from " + file + ":3)");
  }

  @Test
  void load_whenNumberWithoutUnitForDuration_rejectsIt() throws IOException {
    Path file = yaml("server: { idleTimeout: 60 }");

    assertFileError(file).hasMessageStartingWith("server.idleTimeout: expected a duration").hasMessageContaining("got '60'");
  }

  @Test
  void load_whenWrongTypeInFile_saysWhatWasFound() throws IOException {
    Path file = yaml("server:\n  port: [1, 2]\n");

    assertFileError(file).hasMessage("server.port: expected an integer, got a list (from " + file + ":2)");
  }

  @Test
  void load_whenValueEmptyInFile_saysEmptyValue() throws IOException {
    Path file = yaml("server:\n  port:\n");

    assertFileError(file).hasMessage("server.port: expected an integer, got an empty value (from " + file + ":2)");
  }

  @Test
  void load_whenSectionNotAMapping_saysSo() throws IOException {
    Path file = yaml("cache: 5m\n");

    assertFileError(file).hasMessage("cache: expected a mapping of settings, got '5m' (from " + file + ":1)");
  }

  @Test
  void load_whenDuplicateKeyInFile_rejectsIt() throws IOException {
    Path file = yaml("server:\n  port: 1\n  port: 2\n");

    assertFileError(file).hasMessage("duplicate setting 'server.port' (from " + file + ":3)");
  }

  @Test
  void load_whenTableNameInvalidInFile_namesRule() throws IOException {
    Path file = yaml("tables:\n  'a b': { itemTtl: 1s }\n");

    assertFileError(file).hasMessage("tables.a b: table name must be 3 to 255 characters from a-z, A-Z, 0-9, "
        + "'_', '-' and '.', or * for every other table, got 'a b' (from " + file + ":2)");
  }

  @Test
  void load_whenWriteStrategyUnknownInFile_listsChoices() throws IOException {
    Path file = yaml("tables:\n  Orders: { writeStrategy: write-around }\n");

    assertFileError(file).hasMessage("tables.Orders.writeStrategy: expected one of write-through, invalidate, "
        + "write-back, got 'write-around' (from " + file + ":2)");
  }

  // --- errors: validation (one per rule) ---

  @Test
  void load_whenValuesOutOfRange_namesRuleAndSource() {
    assertEnvError("DYNACCEL_SERVER_PORT", "65536", "server.port: must be between 0 and 65535 (0 picks a free port)");
    assertEnvError("DYNACCEL_SERVER_INSTANCES", "0", "server.instances: must be at least 1");
    assertEnvError("DYNACCEL_SERVER_HOST", "my host", "server.host: must be a host name or IP address without spaces");
    assertEnvError("DYNACCEL_SERVER_MAX_REQUEST_BYTES", "0", "server.maxRequestBytes: must be greater than 0");
    assertEnvError("DYNACCEL_SERVER_MAX_REQUEST_BYTES", "4g",
        "server.maxRequestBytes: expected a size up to 2147483647 bytes like 16777216, 16MiB or 16m");
    assertEnvError("DYNACCEL_SERVER_IDLE_TIMEOUT", "-1s", "server.idleTimeout: must be zero (no idle timeout) or positive");
    assertEnvError("DYNACCEL_UPSTREAM_ENDPOINT", "localhost:4566",
        "upstream.endpoint: must be an absolute http or https URI with a host, like http://127.0.0.1:4567");
    assertEnvError("DYNACCEL_UPSTREAM_ENDPOINT", "http://bad host",
        "upstream.endpoint: expected a URI like http://127.0.0.1:4567");
    assertEnvError("DYNACCEL_UPSTREAM_STREAMS_ENDPOINT", "streams.local:4566",
        "upstream.streamsEndpoint: must be an absolute http or https URI with a host, like http://127.0.0.1:4567");
    assertEnvError("DYNACCEL_UPSTREAM_STREAMS_ENDPOINT", "http://bad host",
        "upstream.streamsEndpoint: expected a URI like http://127.0.0.1:4567");
    assertEnvError("DYNACCEL_UPSTREAM_REGION", "US_EAST_1", "upstream.region: must be an AWS region name like us-east-1");
    assertEnvError("DYNACCEL_UPSTREAM_CONNECT_TIMEOUT", "0s", "upstream.connectTimeout: must be greater than 0");
    assertEnvError("DYNACCEL_UPSTREAM_REQUEST_TIMEOUT", "0ms", "upstream.requestTimeout: must be greater than 0");
    assertEnvError("DYNACCEL_UPSTREAM_MAX_CONNECTIONS", "0", "upstream.maxConnections: must be at least 1");
    assertEnvError("DYNACCEL_UPSTREAM_MAX_RETRIES", "-1", "upstream.maxRetries: must be zero or positive");
    assertEnvError("DYNACCEL_CACHE_MAX_BYTES", "-1", "cache.maxBytes: must be greater than 0");
    assertEnvError("DYNACCEL_CACHE_MAX_BYTES", "1MB", "cache.maxBytes: expected a size like 268435456, 256MiB or 256m");
    assertEnvError("DYNACCEL_CACHE_ITEM_TTL", "-5s", "cache.itemTtl: must be zero (do not cache) or positive");
    assertEnvError("DYNACCEL_CACHE_NEGATIVE_TTL", "PT-1S", "cache.negativeTtl: must be zero (do not cache) or positive");
    assertEnvError("DYNACCEL_CACHE_QUERY_TTL", "soon", "cache.queryTtl: expected a duration like 500ms, 30s, 5m, 1h or PT5M");
    assertEnvError("DYNACCEL_CACHE_QUERY_MAX_BYTES", "0k", "cache.queryMaxBytes: must be greater than 0");
    assertEnvError("DYNACCEL_CACHE_SCHEMA_REFRESH", "0s", "cache.schemaRefresh: must be greater than 0");
  }

  @Test
  void load_whenEnvValueInvalid_namesVariable() {
    assertError(NO_ARGS, Map.of("DYNACCEL_SERVER_PORT", "eighty"))
        .hasMessage("server.port: expected an integer, got 'eighty' (from environment variable DYNACCEL_SERVER_PORT)");
  }

  @Test
  void load_whenZeroTtls_acceptsThem() {
    assertThat(ConfigLoader.load(new String[] {"--set", "cache.itemTtl=0s"}, Map.of()).cache().itemTtl()).isZero();
  }

  // --- errors: environment ---

  @Test
  void load_whenUnknownDynaccelSectionVariable_suggestsName() {
    assertError(NO_ARGS, Map.of("DYNACCEL_CACHE_ITEMTTL", "5m"))
        .hasMessageStartingWith("unknown environment variable DYNACCEL_CACHE_ITEMTTL; known: DYNACCEL_SERVER_HOST, ")
        .hasMessageEndingWith("; did you mean DYNACCEL_CACHE_ITEM_TTL?");
  }

  @Test
  void load_whenPerTableVariableUsed_pointsToDynaccelTables() {
    assertError(NO_ARGS, Map.of("DYNACCEL_TABLES_ORDERS_ITEM_TTL", "5m"))
        .hasMessageStartingWith("unknown environment variable DYNACCEL_TABLES_ORDERS_ITEM_TTL; per-table settings go in DYNACCEL_TABLES");
  }

  @Test
  void load_whenOtherDynaccelVariable_ignoresIt() {
    assertThat(ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_SKIP_BUILD", "1", "PATH", "/bin"))).isNotNull();
  }

  @Test
  void load_whenTablesEnvMalformed_showsFormat() {
    assertError(NO_ARGS, Map.of("DYNACCEL_TABLES", "Orders=invalidate"))
        .hasMessage("DYNACCEL_TABLES: expected entries like Orders:writeStrategy=invalidate,itemTtl=30s separated "
            + "by ';', got 'Orders=invalidate'");
    assertError(NO_ARGS, Map.of("DYNACCEL_TABLES", "Orders:invalidate"))
        .hasMessageStartingWith("DYNACCEL_TABLES: expected setting=value");
  }

  @Test
  void load_whenTablesEnvValueInvalid_namesTableSettingAndVariable() {
    assertError(NO_ARGS, Map.of("DYNACCEL_TABLES", "Orders:itemTtl=forever"))
        .hasMessage("tables.Orders.itemTtl: expected a duration like 500ms, 30s, 5m, 1h or PT5M, got 'forever' "
            + "(from environment variable DYNACCEL_TABLES)");
    assertError(NO_ARGS, Map.of("DYNACCEL_TABLES", "Orders:write=invalidate"))
        .hasMessageStartingWith("unknown setting 'tables.Orders.write' (from environment variable DYNACCEL_TABLES)");
    assertError(NO_ARGS, Map.of("DYNACCEL_TABLES", "ab:itemTtl=1s"))
        .hasMessageStartingWith("tables.ab: table name must be");
  }

  // --- errors: command line ---

  @Test
  void load_whenUnknownFlag_namesFlagAndListsKnown() {
    assertError(new String[] {"--prot", "8111"}, Map.of()).hasMessage("unknown command-line flag '--prot'; known: "
        + "--config, --host, --instances, --port, --region, --set, --upstream");
    assertError(new String[] {"--help"}, Map.of()).hasMessageStartingWith("unknown command-line flag '--help'");
  }

  @Test
  void load_whenFlagValueInvalid_namesFlag() {
    assertError(new String[] {"--port", "x"}, Map.of())
        .hasMessage("server.port: expected an integer, got 'x' (from command-line flag --port)");
  }

  @Test
  void load_whenFlagValueMissing_saysSo() {
    assertError(new String[] {"--port"}, Map.of()).hasMessage("command-line flag --port: expected a value after it");
    assertError(new String[] {"--port", "--host", "x"}, Map.of())
        .hasMessage("command-line flag --port: expected a value after it");
  }

  @Test
  void load_whenPositionalArgument_rejectsIt() {
    assertError(new String[] {"8111"}, Map.of()).hasMessageStartingWith("unexpected command-line argument '8111'");
  }

  @Test
  void load_whenSetMalformedOrUnknown_explains() {
    assertError(new String[] {"--set", "cache.itemTtl"}, Map.of())
        .hasMessage("command-line flag --set: expected setting=value like cache.itemTtl=30s, got 'cache.itemTtl'");
    assertError(new String[] {"--set", "cache.itemTTL=1s"}, Map.of())
        .hasMessageStartingWith("unknown setting 'cache.itemTTL' (from command-line flag --set); known: cache.maxBytes")
        .hasMessageEndingWith("; did you mean 'cache.itemTtl'?");
    assertError(new String[] {"--set", "tables.Orders=1s"}, Map.of())
        .hasMessageContaining("per-table settings are written tables.<table>.<setting>");
    assertError(new String[] {"--set", "port=1"}, Map.of())
        .hasMessage("unknown setting 'port' (from command-line flag --set); known: server, upstream, cache, writeBack, admin, health, breaker, tls, auth, cluster, log, tables");
    assertError(new String[] {"--set", "srv.port=1"}, Map.of())
        .hasMessageContaining("known: server.host, server.port").hasMessageEndingWith("tables.<table>.<setting>");
  }

  @Test
  void load_whenConfigFlagEmpty_saysSo() {
    assertError(new String[] {"--config="}, Map.of())
        .hasMessage("command-line flag --config: expected a file path, got an empty value");
  }

  // --- helpers ---

  private Path yaml(String content) throws IOException {
    return Files.writeString(dir.resolve("dynaccel.yaml"), content, StandardCharsets.UTF_8);
  }

  private DynaccelConfig loadFile(String content) throws IOException {
    return ConfigLoader.load(new String[] {"--config", yaml(content).toString()}, Map.of());
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFileError(Path file) {
    return assertError(new String[] {"--config", file.toString()}, Map.of());
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertError(String[] args, Map<String, String> env) {
    return assertThatThrownBy(() -> ConfigLoader.load(args, env)).isInstanceOf(ConfigException.class);
  }

  private static void assertEnvError(String variable, String value, String expectedStart) {
    assertError(NO_ARGS, Map.of(variable, value))
        .hasMessageStartingWith(expectedStart)
        .hasMessageEndingWith("(from environment variable " + variable + ")");
  }
}
