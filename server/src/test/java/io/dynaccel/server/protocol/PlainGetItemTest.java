package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainGetItemTest {

  private static ObjectNode json(String text) {
    return (ObjectNode) JsonCodec.read(text.getBytes(StandardCharsets.UTF_8));
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

  /** Each member GetItem's plain form may hold, with a value of the right shape. */
  private static final ObjectNode WELL_FORMED =
      json("{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}},"
          + "\"ConsistentRead\":false,\"ReturnConsumedCapacity\":\"NONE\",\"ProjectionExpression\":\"#a\","
          + "\"ExpressionAttributeNames\":{\"#a\":\"a\"},\"AttributesToGet\":[\"a\"]}");

  /** GetItem-like bodies whose members are near-plain, so both answers of matches() occur often. */
  private static JsonNode nearPlain(Random random, String member, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (random.nextInt(depth > 2 ? 5 : 8)) {
      case 0:
        return f.nullNode();
      case 1:
        return f.booleanNode(random.nextBoolean());
      case 2:
        return f.numberNode(random.nextInt(10));
      case 3:
        return random.nextBoolean() ? f.numberNode(1.5) : f.binaryNode(new byte[] {1});
      case 4:
        return f.textNode(List.of("Users", "yes", "YQ==", "1").get(random.nextInt(4)));
      case 5:
        var array = f.arrayNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          array.add(nearPlain(random, member, depth + 1));
        }
        return array;
      default:
        ObjectNode object = f.objectNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          String name = depth == 0 && member.equals("Key") ? "pk" : List.of("S", "N", "B", "#a", "M").get(random.nextInt(5));
          object.set(name, nearPlain(random, member, depth + 1));
        }
        return object;
    }
  }

  @Test
  void matches_whenGeneratedBodyIsPlain_fullCheckNeverRefusesIt() {
    Random random = new Random(8);
    int plain = 0;
    for (int i = 0; i < 50_000; i++) {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      for (var it = WELL_FORMED.fieldNames(); it.hasNext(); ) {
        String member = it.next();
        switch (random.nextInt(4)) {
          case 0 -> body.set(member, nearPlain(random, member, 0));
          case 1 -> { }
          default -> body.set(member, WELL_FORMED.get(member));
        }
      }
      if (PlainGetItem.matches("GetItem", body)) {
        plain++;
        assertThatCode(() -> RequestTypeChecker.check("GetItem", body)).as(body.toString()).doesNotThrowAnyException();
      }
    }
    assertThat(plain).isGreaterThan(500);
  }
}
