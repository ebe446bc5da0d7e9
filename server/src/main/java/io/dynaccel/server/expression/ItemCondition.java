package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.DynamoDbException;
import java.util.Map;
import java.util.Set;

/**
 * One request's condition (a FilterExpression, or a ConditionExpression outside the writes of
 * {@link LocalWrites}), parsed, checked against the request's names and values, and ready to test
 * items. Immutable and thread-safe.
 *
 * <p>DynamoDB rejects names and values that no expression of the request uses; only the caller
 * sees all of a request's expressions, so it checks that, from {@link #usedNames()} and
 * {@link #usedValues()}.
 */
public final class ItemCondition {

  private final Condition condition;
  private final Map<String, String> names;
  private final Map<String, JsonNode> values;
  private final Set<String> usedNames;
  private final Set<String> usedValues;

  private ItemCondition(Condition condition, Map<String, String> names, Map<String, JsonNode> values, Set<String> usedNames, Set<String> usedValues) {
    this.condition = condition;
    this.names = names;
    this.values = values;
    this.usedNames = usedNames;
    this.usedValues = usedValues;
  }

  /**
   * Parses (through {@code parsed}) and checks {@code text}.
   *
   * @param parameter the request member it came from, for DynamoDB's message ("FilterExpression")
   * @param names the request's ExpressionAttributeNames (empty if none)
   * @param values the request's ExpressionAttributeValues, already valid and normalised
   * @throws DynamoDbException the ValidationException DynamoDB answers for this expression
   */
  public static ItemCondition of(ParsedExpressions parsed, String parameter, String text, Map<String, String> names, Map<String, JsonNode> values) {
    if (text.isEmpty()) {
      throw DynamoDbException.validation("Invalid " + parameter + ": The expression can not be empty;");
    }
    ParsedExpressions.Parsed<Condition> p = parsed.condition(text);
    if (p.syntaxError() != null) {
      throw DynamoDbException.validation("Invalid " + parameter + ": " + p.syntaxError());
    }
    ExpressionChecker checker = new ExpressionChecker(names, values);
    String problem = checker.check(p.tree());
    if (problem != null) {
      throw DynamoDbException.validation("Invalid " + parameter + ": " + problem);
    }
    return new ItemCondition(p.tree(), Map.copyOf(names), Map.copyOf(values), Set.copyOf(checker.usedNames), Set.copyOf(checker.usedValues));
  }

  /** Whether the condition holds for {@code item} (null: no item, as for a write to an absent key). */
  public boolean test(ObjectNode item) {
    ObjectNode target = item != null ? item : JsonNodeFactory.instance.objectNode();
    return new ConditionEvaluator(target, names, values).test(condition);
  }

  /** The ExpressionAttributeNames placeholders this expression uses. */
  public Set<String> usedNames() {
    return usedNames;
  }

  /** The ExpressionAttributeValues placeholders this expression uses. */
  public Set<String> usedValues() {
    return usedValues;
  }
}
