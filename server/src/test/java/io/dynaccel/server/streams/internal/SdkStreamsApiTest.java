package io.dynaccel.server.streams.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SdkStreamsApiTest {

  @Test
  void endpointFor_whenAwsRegionalEndpoint_isTheStreamsHost() {
    assertThat(SdkStreamsApi.endpointFor(URI.create("https://dynamodb.eu-west-1.amazonaws.com")))
        .isEqualTo(URI.create("https://streams.dynamodb.eu-west-1.amazonaws.com"));
    assertThat(SdkStreamsApi.endpointFor(URI.create("https://dynamodb.cn-north-1.amazonaws.com.cn")))
        .isEqualTo(URI.create("https://streams.dynamodb.cn-north-1.amazonaws.com.cn"));
  }

  @Test
  void endpointFor_whenEmulatorOrProxy_isTheSameEndpoint() {
    URI localstack = URI.create("http://127.0.0.1:4566");

    assertThat(SdkStreamsApi.endpointFor(localstack)).isEqualTo(localstack);
  }
}
