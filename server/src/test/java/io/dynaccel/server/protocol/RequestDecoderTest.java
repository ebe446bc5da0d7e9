package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestDecoderTest {

  private static final MultiMap SIGNED = MultiMap.caseInsensitiveMultiMap()
      .add("X-Amz-Target", "DynamoDB_20120810.ListTables")
      .add("X-Amz-Date", "20260101T000000Z")
      .add("Authorization", "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0");

  private static String refusal(MultiMap headers, byte[] body) {
    try {
      RequestDecoder.decode(headers, null, Buffer.buffer(body));
      return "accepted";
    } catch (DynamoDbException e) {
      return e.type().substring(e.type().indexOf('#') + 1);
    }
  }

  private static String refusal(MultiMap headers, String body) {
    return refusal(headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static MultiMap without(String... names) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(SIGNED);
    for (String name : names) {
      headers.remove(name);
    }
    return headers;
  }

  @Test
  void decode_whenSeveralChecksFail_refusesForTheFirstInDynamoDbsOrder() {
    assertThat(refusal(without("X-Amz-Target", "Authorization"), "hello")).isEqualTo("SerializationException");
    assertThat(refusal(without("X-Amz-Target", "Authorization"), "{}")).isEqualTo("UnknownOperationException");
    assertThat(refusal(without("Authorization"), "")).isEqualTo("MissingAuthenticationTokenException");
    assertThat(refusal(without("Authorization"), "[]")).isEqualTo("MissingAuthenticationTokenException");
    assertThat(refusal(SIGNED, "")).isEqualTo("SerializationException");
    assertThat(refusal(SIGNED, "{}")).isEqualTo("accepted");
  }

  @Test
  void decode_whenBodyStartsWithByteOrderMark_refusesAsNotJson() {
    assertThat(refusal(SIGNED, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'})).isEqualTo("SerializationException");
  }

  @Test
  void decode_whenStringHoldsByteNoUtf8TextHolds_refusesAsNotJson() {
    assertThat(refusal(SIGNED, new byte[] {'{', '"', 'E', 'x', 'c', 'l', 'u', 's', 'i', 'v', 'e', 'S', 't', 'a', 'r', 't', 'T', 'a', 'b', 'l', 'e',
        'N', 'a', 'm', 'e', '"', ':', '"', (byte) 0xFF, '"', '}'})).isEqualTo("SerializationException");
  }

  @Test
  void decode_whenBodyIsList_refusesWithDynamoDbsMessage() {
    assertThatThrownBy(() -> RequestDecoder.decode(SIGNED, null, Buffer.buffer("[]")))
        .isInstanceOf(DynamoDbException.class)
        .hasMessage("Start of list found where not expected");
  }

  @Test
  void decode_whenSigned_keepsTheBodyAsSent() {
    Buffer body = Buffer.buffer("{\"Limit\":5}");
    ApiRequest request = RequestDecoder.decode(SIGNED, null, body);
    assertThat(request.operation()).isEqualTo("ListTables");
    assertThat(request.body()).isSameAs(body);
  }


  private static ApiRequest decode(String operation, String body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(SIGNED).set("X-Amz-Target", Operations.TARGET_PREFIX + operation);
    return RequestDecoder.decode(headers, null, Buffer.buffer(body));
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
