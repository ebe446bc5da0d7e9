package io.dynaccel.server.read;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadOptionsTest {

  private static final Set<String> MEMBERS = Set.of("TableName", "Key", "ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet", "ConsistentRead");

  private static ReadOptions parse(String json) {
    return ReadOptions.parse((ObjectNode) JsonCodec.read(json.getBytes(StandardCharsets.UTF_8)), MEMBERS);
  }

  // Issue 8, cause 6: an absent ExpressionAttributeNames was read as an empty one and rejected.
  @Test
  void parse_whenProjectionWithoutExpressionAttributeNames_isCacheable() {
    ReadOptions options = parse("{\"TableName\":\"t\",\"ProjectionExpression\":\"a, b.c\"}");

    assertThat(options).isNotNull();
    assertThat(options.projection().topLevelAttributes()).containsExactly("a", "b");
  }

  @Test
  void parse_whenPlainAndPlaceholderForms_haveDifferentShapes() {
    ReadOptions plain = parse("{\"ProjectionExpression\":\"a\"}");
    ReadOptions named = parse("{\"ProjectionExpression\":\"#a\",\"ExpressionAttributeNames\":{\"#a\":\"a\"}}");

    assertThat(plain.shape()).isNotEqualTo(named.shape());
    assertThat(plain.shape()).isEqualTo(parse("{\"ProjectionExpression\":\"a\",\"TableName\":\"u\"}").shape());
  }

  @Test
  void parse_whenExpressionAttributeNamesEmptyOrNotAnObject_isLeftToDynamoDb() {
    assertThat(parse("{\"ProjectionExpression\":\"a\",\"ExpressionAttributeNames\":{}}")).isNull();
    assertThat(parse("{\"ProjectionExpression\":\"a\",\"ExpressionAttributeNames\":null}")).isNull();
    assertThat(parse("{\"ProjectionExpression\":\"a\",\"ExpressionAttributeNames\":[]}")).isNull();
  }

  @Test
  void parse_whenNamesWithoutExpression_isLeftToDynamoDb() {
    assertThat(parse("{\"ExpressionAttributeNames\":{\"#a\":\"a\"}}")).isNull();
  }
}
