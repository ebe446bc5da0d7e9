package io.dynaccel.server.expression;

import static io.dynaccel.server.expression.Requests.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.protocol.DynamoDbException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A filter checked once and tested on several items. */
class ItemConditionTest {

  private static final ParsedExpressions PARSED = new ParsedExpressions(100);

  @Test
  void test_whenFilterCheckedOnce_decidesEachItem() {
    ItemCondition filter = ItemCondition.of(PARSED, "FilterExpression", "#s = :on AND size(tags) > :n", Map.of("#s", "status"),
        Map.<String, JsonNode>of(":on", json("{'S':'on'}"), ":n", json("{'N':'1'}")));
    assertThat(filter.test(json("{'status':{'S':'on'},'tags':{'SS':['a','b']}}"))).isTrue();
    assertThat(filter.test(json("{'status':{'S':'on'},'tags':{'SS':['a']}}"))).isFalse();
    assertThat(filter.test(null)).isFalse();
    assertThat(filter.usedNames()).containsExactly("#s");
    assertThat(filter.usedValues()).containsExactlyInAnyOrder(":on", ":n");
  }

  @Test
  void of_whenInvalid_namesTheParameterInTheMessage() {
    assertThatThrownBy(() -> ItemCondition.of(PARSED, "FilterExpression", "size(a)", Map.of(), Map.of()))
        .isInstanceOf(DynamoDbException.class)
        .hasMessage("Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: size");
    assertThatThrownBy(() -> ItemCondition.of(PARSED, "FilterExpression", "", Map.of(), Map.of()))
        .hasMessage("Invalid FilterExpression: The expression can not be empty;");
  }
}
