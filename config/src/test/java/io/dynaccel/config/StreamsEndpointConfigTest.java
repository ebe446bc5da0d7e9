package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code upstream.streamsEndpoint} from every source, and the DynamoDB Streams endpoint used without it. */
class StreamsEndpointConfigTest {

  private static final String[] NO_ARGS = {};
  private static final URI PRIVATE_LINK = URI.create("https://vpce-0abc-streams.streams.dynamodb.eu-west-1.vpce.amazonaws.com");

  @TempDir
  Path dir;

  @Test
  void load_whenNotSet_isEmpty() {
    assertThat(ConfigLoader.load(NO_ARGS, Map.of()).upstream().streamsEndpoint()).isEmpty();
  }

  @Test
  void load_whenInFile_readsIt() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        upstream: { endpoint: https://vpce-0abc.dynamodb.eu-west-1.vpce.amazonaws.com, streamsEndpoint: %s }
        """.formatted(PRIVATE_LINK));

    UpstreamConfig upstream = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()).upstream();

    assertThat(upstream.streamsEndpoint()).contains(PRIVATE_LINK);
    assertThat(upstream.effectiveStreamsEndpoint()).isEqualTo(PRIVATE_LINK);
  }

  @Test
  void load_whenInEnvironment_readsIt() {
    UpstreamConfig upstream = ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_UPSTREAM_STREAMS_ENDPOINT", PRIVATE_LINK.toString()))
        .upstream();

    assertThat(upstream.streamsEndpoint()).contains(PRIVATE_LINK);
  }

  @Test
  void load_whenSetFlag_overridesTheEnvironment() {
    UpstreamConfig upstream = ConfigLoader.load(new String[] {"--set", "upstream.streamsEndpoint=http://127.0.0.1:4566"},
        Map.of("DYNACCEL_UPSTREAM_STREAMS_ENDPOINT", PRIVATE_LINK.toString())).upstream();

    assertThat(upstream.streamsEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
  }

  @Test
  void load_whenSetFlagEmpty_fallsBackToTheDerivedEndpoint() {
    UpstreamConfig upstream = ConfigLoader.load(new String[] {"--set", "upstream.streamsEndpoint=", "--region", "eu-west-1"},
        Map.of("DYNACCEL_UPSTREAM_STREAMS_ENDPOINT", PRIVATE_LINK.toString())).upstream();

    assertThat(upstream.streamsEndpoint()).isEmpty();
    assertThat(upstream.effectiveStreamsEndpoint()).isEqualTo(URI.create("https://streams.dynamodb.eu-west-1.amazonaws.com"));
  }

  @Test
  void load_whenNotAnHttpUri_failsNamingTheRuleAndSource() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "upstream.streamsEndpoint=streams.local:4566"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("upstream.streamsEndpoint: must be an absolute http or https URI with a host, like http://127.0.0.1:4567, "
            + "got 'streams.local:4566' (from command-line flag --set)");
  }

  @Test
  void constructor_whenNotAnHttpUri_failsAsTheLoaderDoes() {
    assertThatThrownBy(() -> upstream(Optional.empty(), "us-east-1", Optional.of(URI.create("ftp://x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("upstream.streamsEndpoint: must be an absolute http or https URI");
  }

  @Test
  void effectiveStreamsEndpoint_whenAwsRegionalEndpoint_isTheStreamsHost() {
    assertThat(upstream(Optional.empty(), "eu-west-1", Optional.empty()).effectiveStreamsEndpoint())
        .isEqualTo(URI.create("https://streams.dynamodb.eu-west-1.amazonaws.com"));
    assertThat(upstream(Optional.empty(), "cn-north-1", Optional.empty()).effectiveStreamsEndpoint())
        .isEqualTo(URI.create("https://streams.dynamodb.cn-north-1.amazonaws.com.cn"));
    assertThat(upstream(Optional.of(URI.create("https://dynamodb.eu-west-1.amazonaws.com")), "eu-west-1", Optional.empty())
        .effectiveStreamsEndpoint()).isEqualTo(URI.create("https://streams.dynamodb.eu-west-1.amazonaws.com"));
  }

  @Test
  void effectiveStreamsEndpoint_whenEmulatorOrOtherHost_isTheDynamoDbEndpointItself() {
    URI localstack = URI.create("http://127.0.0.1:4566");
    // No guess for hosts whose streams host differs by partition or by endpoint: upstream.streamsEndpoint names them.
    URI fips = URI.create("https://dynamodb-fips.us-east-1.amazonaws.com");

    assertThat(upstream(Optional.of(localstack), "us-east-1", Optional.empty()).effectiveStreamsEndpoint()).isEqualTo(localstack);
    assertThat(upstream(Optional.of(fips), "us-east-1", Optional.empty()).effectiveStreamsEndpoint()).isEqualTo(fips);
  }

  @Test
  void effectiveStreamsEndpoint_whenSet_isTheSettingWhateverTheDynamoDbEndpoint() {
    URI fipsStreams = URI.create("https://streams.dynamodb-fips.us-east-1.amazonaws.com");

    assertThat(upstream(Optional.empty(), "us-east-1", Optional.of(fipsStreams)).effectiveStreamsEndpoint()).isEqualTo(fipsStreams);
  }

  private static UpstreamConfig upstream(Optional<URI> endpoint, String region, Optional<URI> streamsEndpoint) {
    return new UpstreamConfig(endpoint, region, Duration.ofSeconds(2), Duration.ofSeconds(10), 256, 0, Optional.empty(),
        streamsEndpoint);
  }
}
