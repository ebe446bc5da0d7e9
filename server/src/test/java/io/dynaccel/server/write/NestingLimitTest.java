package io.dynaccel.server.write;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 8, cause 7: writes nested deeper than DynamoDB's 32 levels. */
class NestingLimitTest {

  private static final String BARE = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

  /** An attribute value of {@code levels} levels: {@code levels - 1} maps around a string. */
  static String deepMap(int levels) {
    String value = "{\"S\":\"leaf\"}";
    for (int i = 1; i < levels; i++) {
      value = "{\"M\":{\"n\":" + value + "}}";
    }
    return value;
  }

  static String deepList(int levels) {
    String value = "{\"N\":\"1\"}";
    for (int i = 1; i < levels; i++) {
      value = "{\"L\":[" + value + "]}";
    }
    return value;
  }

  private static JsonNode json(String text) {
    return JsonCodec.read(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String put(String value) {
    return "{\"TableName\":\"t\",\"Item\":{\"pk\":{\"S\":\"k\"},\"data\":" + value + "}}";
  }

  @Test
  void levels_whenScalarMapOrList_countsEachLevel() {
    assertThat(NestingLimit.levels(json("{\"S\":\"x\"}"))).isEqualTo(1);
    assertThat(NestingLimit.levels(json("{\"M\":{}}"))).isEqualTo(1);
    assertThat(NestingLimit.levels(json("{\"L\":[{\"S\":\"a\"},{\"M\":{\"b\":{\"L\":[]}}}]}"))).isEqualTo(3);
    assertThat(NestingLimit.levels(json(deepMap(32)))).isEqualTo(32);
    assertThat(NestingLimit.levels(json(deepList(33)))).isEqualTo(33);
  }

  @Test
  void refusal_whenPutItemHas32Levels_isNone() {
    assertThat(NestingLimit.refusal("PutItem", json(put(deepMap(32))))).isNull();
    assertThat(NestingLimit.refusal("PutItem", json(put(deepList(32))))).isNull();
  }

  @Test
  void refusal_whenPutItemHas33To63Levels_isDynamoDbEnvelopedMessage() {
    assertThat(NestingLimit.refusal("PutItem", json(put(deepMap(33))))).isEqualTo("1 validation error detected: " + BARE);
    assertThat(NestingLimit.refusal("PutItem", json(put(deepList(62))))).isEqualTo("1 validation error detected: " + BARE);
    assertThat(NestingLimit.refusal("PutItem", json(put(deepMap(63))))).isEqualTo("1 validation error detected: " + BARE);
  }

  @Test
  void refusal_whenPutItemHas64LevelsOrMore_isBareMessage() {
    assertThat(NestingLimit.refusal("PutItem", json(put(deepMap(64))))).isEqualTo(BARE);
    assertThat(NestingLimit.refusal("PutItem", json(put(deepMap(300))))).isEqualTo(BARE);
  }

  @Test
  void refusal_whenBatchWriteOrTransactionPutHas33Levels_isBareMessage() {
    String batch = "{\"RequestItems\":{\"t\":[{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"a\"}}}},"
        + "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"k\"},\"data\":" + deepMap(33) + "}}}]}}";
    String transaction = "{\"TransactItems\":[{\"Put\":{\"TableName\":\"t\",\"Item\":{\"pk\":{\"S\":\"k\"},\"data\":" + deepList(33) + "}}}]}";

    assertThat(NestingLimit.refusal("BatchWriteItem", json(batch))).isEqualTo(BARE);
    assertThat(NestingLimit.refusal("TransactWriteItems", json(transaction))).isEqualTo(BARE);
    assertThat(NestingLimit.refusal("BatchWriteItem", json(batch.replace(deepMap(33), deepMap(32))))).isNull();
  }

  @Test
  void refusal_whenOtherOperation_isNone() {
    assertThat(NestingLimit.refusal("GetItem", json(put(deepMap(40))))).isNull();
    assertThat(NestingLimit.refusal("UpdateItem", json("{\"ExpressionAttributeValues\":{\":v\":" + deepMap(40) + "}}"))).isNull();
  }
}
