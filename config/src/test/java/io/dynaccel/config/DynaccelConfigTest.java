package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DynaccelConfigTest {

  @Test
  void defaults_whenNothingConfigured_matchDocumentedValues() {
    DynaccelConfig config = ConfigValues.defaults(Map.of()).build();

    assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 8111,
        Runtime.getRuntime().availableProcessors(), 16 * 1024 * 1024, Duration.ofSeconds(60)));
    assertThat(config.upstream()).isEqualTo(new UpstreamConfig(Optional.empty(), "us-east-1",
        Duration.ofSeconds(2), Duration.ofSeconds(10), 256, 0));
    assertThat(config.cache()).isEqualTo(new CacheConfig(256L * 1024 * 1024, Duration.ofMinutes(5),
        Duration.ofMinutes(1), Duration.ofMinutes(5), 64L * 1024 * 1024, Duration.ofSeconds(30)));
    assertThat(config.tables()).isEmpty();
  }

  @Test
  void defaults_whenCalledPublicly_equalLoaderDefaultsForThisProcess() {
    assertThat(DynaccelConfig.defaults()).isEqualTo(ConfigLoader.load(new String[0], System.getenv()
        .entrySet().stream().filter(e -> e.getKey().startsWith("AWS_"))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
  }

  @Test
  void defaults_whenAwsRegionSet_usesIt() {
    assertThat(ConfigValues.defaults(Map.of("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "ap-south-1"))
        .build().upstream().region()).isEqualTo("eu-west-1");
    assertThat(ConfigValues.defaults(Map.of("AWS_DEFAULT_REGION", "ap-south-1")).build().upstream().region())
        .isEqualTo("ap-south-1");
    assertThat(ConfigValues.defaults(Map.of("AWS_REGION", " ")).build().upstream().region()).isEqualTo("us-east-1");
  }

  @Test
  void defaults_whenAwsRegionInvalid_namesTheVariable() {
    assertThatThrownBy(() -> ConfigValues.defaults(Map.of("AWS_REGION", "Mars 1")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("upstream.region: must be an AWS region name like us-east-1, got 'Mars 1'"
            + " (from environment variable AWS_REGION)");
  }

  @Test
  void table_whenNotConfigured_returnsWriteThroughWithCacheTtls() {
    CacheConfig cache = new CacheConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), 1, Duration.ofSeconds(4));
    DynaccelConfig config = new DynaccelConfig(
        DynaccelConfig.defaults().server(), DynaccelConfig.defaults().upstream(), cache, Map.of());

    assertThat(config.table("Orders")).isEqualTo(new TableConfig(WriteStrategy.WRITE_THROUGH,
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)));
  }

  @Test
  void table_whenConfigured_returnsOverrideByExactName() {
    TableConfig orders = new TableConfig(WriteStrategy.INVALIDATE, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    DynaccelConfig defaults = DynaccelConfig.defaults();
    DynaccelConfig config = new DynaccelConfig(defaults.server(), defaults.upstream(), defaults.cache(),
        Map.of("Orders", orders));

    assertThat(config.table("Orders")).isSameAs(orders);
    assertThat(config.table("orders").writeStrategy()).isEqualTo(WriteStrategy.WRITE_THROUGH);
  }

  @Test
  void constructor_whenTablesMapChangedLater_keepsItsCopy() {
    DynaccelConfig defaults = DynaccelConfig.defaults();
    Map<String, TableConfig> tables = new HashMap<>();
    DynaccelConfig config = new DynaccelConfig(defaults.server(), defaults.upstream(), defaults.cache(), tables);
    tables.put("Orders", config.table("Orders"));

    assertThat(config.tables()).isEmpty();
    assertThatThrownBy(() -> config.tables().put("x", null)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructor_whenTableNameInvalid_throws() {
    DynaccelConfig defaults = DynaccelConfig.defaults();
    assertThatThrownBy(() -> new DynaccelConfig(defaults.server(), defaults.upstream(), defaults.cache(),
        Map.of("ab", defaults.table("abc"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tables.ab: table name must be 3 to 255 characters");
  }

  @Test
  void recordConstructors_whenValuesOutOfRange_throwNamingTheSetting() {
    assertThatThrownBy(() -> new ServerConfig("0.0.0.0", 70000, 1, 1, Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.port: must be between 0 and 65535 (0 picks a free port), got '70000'");
    assertThatThrownBy(() -> new UpstreamConfig(Optional.of(URI.create("ftp://x")), "us-east-1",
        Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("upstream.endpoint: must be an absolute http or https URI");
    assertThatThrownBy(() -> new CacheConfig(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, Duration.ofSeconds(1)))
        .hasMessage("cache.maxBytes: must be greater than 0, got '0'");
    assertThatThrownBy(() -> new CacheConfig(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, Duration.ZERO))
        .hasMessage("cache.schemaRefresh: must be greater than 0, got 'PT0S'");
    assertThatThrownBy(() -> new TableConfig(WriteStrategy.INVALIDATE, Duration.ofSeconds(-1), Duration.ZERO,
        Duration.ZERO)).hasMessage("itemTtl: must be zero (do not cache) or positive, got 'PT-1S'");
  }

  @Test
  void effectiveEndpoint_whenEndpointEmpty_derivesAwsEndpointFromRegion() {
    assertThat(upstream(Optional.empty(), "eu-central-1").effectiveEndpoint())
        .isEqualTo(URI.create("https://dynamodb.eu-central-1.amazonaws.com"));
    assertThat(upstream(Optional.empty(), "cn-north-1").effectiveEndpoint())
        .isEqualTo(URI.create("https://dynamodb.cn-north-1.amazonaws.com.cn"));
  }

  @Test
  void effectiveEndpoint_whenEndpointSet_returnsIt() {
    URI local = URI.create("http://127.0.0.1:4567");
    assertThat(upstream(Optional.of(local), "eu-central-1").effectiveEndpoint()).isEqualTo(local);
  }

  private static UpstreamConfig upstream(Optional<URI> endpoint, String region) {
    return new UpstreamConfig(endpoint, region, Duration.ofSeconds(2), Duration.ofSeconds(10), 256, 0);
  }
}
