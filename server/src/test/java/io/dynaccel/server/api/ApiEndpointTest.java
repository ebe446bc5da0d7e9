package io.dynaccel.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiEndpointTest {

  @Test
  void answerMediaType_whenJsonTypeWithParametersOrSpaces_echoesIt() {
    assertThat(ApiEndpoint.answerMediaType("application/x-amz-json-1.0")).hasToString("application/x-amz-json-1.0");
    assertThat(ApiEndpoint.answerMediaType("application/x-amz-json-1.0;blahblah")).hasToString("application/x-amz-json-1.0");
    assertThat(ApiEndpoint.answerMediaType("application/json")).hasToString("application/json");
    assertThat(ApiEndpoint.answerMediaType("  application/json  ;  charset=utf-8")).hasToString("application/json");
  }

  @Test
  void answerMediaType_whenMissingOrForeign_isNull() {
    assertThat(ApiEndpoint.answerMediaType(null)).isNull();
    assertThat(ApiEndpoint.answerMediaType("")).isNull();
    assertThat(ApiEndpoint.answerMediaType("application/x-amz-json-1.1")).isNull();
    assertThat(ApiEndpoint.answerMediaType("application/jsonasdf")).isNull();
    assertThat(ApiEndpoint.answerMediaType("Application/JSON")).isNull();
  }

  @Test
  void healthLine_whenRegionConfigured_namesItsEndpoint() {
    assertThat(ApiEndpoint.healthLine("us-east-1")).isEqualTo("healthy: dynamodb.us-east-1.amazonaws.com ");
    assertThat(ApiEndpoint.healthLine("eu-west-3")).isEqualTo("healthy: dynamodb.eu-west-3.amazonaws.com ");
    assertThat(ApiEndpoint.healthLine("cn-north-1")).isEqualTo("healthy: dynamodb.cn-north-1.amazonaws.com.cn ");
  }
}
