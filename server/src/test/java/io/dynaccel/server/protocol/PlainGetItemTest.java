package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainGetItemTest {

  private static JsonNode json(String text) {
    return JsonCodec.read(text.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1.50\"}},\"ConsistentRead\":false}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ProjectionExpression\":\"#a, b\",\"ExpressionAttributeNames\":{\"#a\":\"a\"}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"AttributesToGet\":[\"a\",\"b\"],\"ReturnConsumedCapacity\":\"NONE\"}",
  })
  void matches_whenPlain_fullCheckAgrees(String body) {
    assertThat(PlainGetItem.matches("GetItem", json(body))).isTrue();
    assertThatCode(() -> RequestTypeChecker.check("GetItem", json(body))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"TableName\":5,\"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":1}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"B\":\"AQ==\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\",\"N\":\"1\"}}}",
    "{\"TableName\":\"Users\",\"Key\":[]}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":\"yes\"}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"Unknown\":1}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ExpressionAttributeNames\":[\"a\"]}",
  })
  void matches_whenAnythingUnusual_leavesItToFullCheck(String body) {
    assertThat(PlainGetItem.matches("GetItem", json(body))).isFalse();
  }
}
