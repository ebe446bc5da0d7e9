package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

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
}
