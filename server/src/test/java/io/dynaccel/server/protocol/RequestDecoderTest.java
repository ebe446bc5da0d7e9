package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestDecoderTest {

  private static ApiRequest decode(String operation, String body) {
    return RequestDecoder.decode(Operations.TARGET_PREFIX + operation, Buffer.buffer(body));
  }

  /** Issue 8, cause 7: a null element never reaches the upstream, whose emulators fail on it. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"l\":{\"L\":[null]}}}",
        "BatchWriteItem {\"RequestItems\":{\"t\":[null]}}",
        "GetItem {\"TableName\":\"t\",\"Key\":{\"k\":null}}",
        "GetItem {\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":\"x\"}},\"AttributesToGet\":[null]}",
      })
  void decode_whenCollectionHoldsNull_refusesWithSerializationException(String call) {
    String operation = call.substring(0, call.indexOf(' '));
    String body = call.substring(call.indexOf(' ') + 1);
    assertThatThrownBy(() -> decode(operation, body))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.type()).isEqualTo("com.amazon.coral.service#SerializationException");
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.getMessage()).isNull();
            });
  }

  @Test
  void decode_whenTopLevelMemberIsNull_passesTheBodyUnchanged() {
    String body = "{\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":\"x\"}},\"ConsistentRead\":null}";
    ApiRequest request = decode("GetItem", body);
    assertThat(request.operation()).isEqualTo("GetItem");
    assertThat(request.body().toString()).isEqualTo(body);
  }

  @Test
  void decode_whenMemberHasWrongType_refusesWithDynamoDbsMessage() {
    assertThatThrownBy(() -> decode("Query", "{\"TableName\":\"t\",\"Limit\":\"5\"}"))
        .isInstanceOf(DynamoDbException.class)
        .hasMessage("STRING_VALUE cannot be converted to Integer");
  }

  @Test
  void decode_whenOperationHasNoRequestModel_leavesTheBodyToDynamoDb() {
    ApiRequest request = decode("DescribeTable", "{\"TableName\":5}");
    assertThat(request.json().get("TableName").intValue()).isEqualTo(5);
  }
}
