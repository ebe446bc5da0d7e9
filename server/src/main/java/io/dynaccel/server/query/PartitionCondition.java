package io.dynaccel.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.table.KeySchema;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the partition a base-table Query reads: DynamoDB requires exactly one equality on the
 * partition key in every key condition, so that equality names the only partition whose writes can
 * change the answer. Anything this cannot read for sure is treated as a whole-table query.
 */
public final class PartitionCondition {

  private static final String NAME = "(#?[A-Za-z0-9_]+)";
  private static final String VALUE = "(:[A-Za-z0-9_]+)";
  private static final String NOT_INSIDE_PATH = "(?<![A-Za-z0-9_#:.\\]])";
  private static final Pattern NAME_FIRST = Pattern.compile(NOT_INSIDE_PATH + NAME + "\\s*=\\s*" + VALUE + "(?![A-Za-z0-9_])");
  private static final Pattern VALUE_FIRST = Pattern.compile(NOT_INSIDE_PATH + VALUE + "\\s*=\\s*" + NAME + "(?![A-Za-z0-9_.\\[])");

  private PartitionCondition() {}

  /**
   * The canonical partition key value a Query is confined to, or null if it reads an index, or its
   * key condition cannot be read for sure.
   */
  public static String of(JsonNode query, KeySchema schema) {
    if (query.has("IndexName")) {
      return null;
    }
    JsonNode expression = query.get("KeyConditionExpression");
    if (expression != null) {
      return expression.isTextual() ? fromExpression(expression.textValue(), query, schema) : null;
    }
    JsonNode condition = query.path("KeyConditions").get(schema.hashName());
    if (condition != null && "EQ".equals(condition.path("ComparisonOperator").asText()) && condition.path("AttributeValueList").size() == 1) {
      return schema.partitionOf(condition.path("AttributeValueList").get(0));
    }
    return null;
  }

  private static String fromExpression(String expression, JsonNode query, KeySchema schema) {
    String found = null;
    int matches = 0;
    for (Pattern pattern : new Pattern[] {NAME_FIRST, VALUE_FIRST}) {
      boolean nameFirst = pattern == NAME_FIRST;
      Matcher matcher = pattern.matcher(expression);
      while (matcher.find()) {
        String name = resolve(matcher.group(nameFirst ? 1 : 2), query);
        if (schema.hashName().equals(name)) {
          matches++;
          found = schema.partitionOf(query.path("ExpressionAttributeValues").get(matcher.group(nameFirst ? 2 : 1)));
        }
      }
    }
    return matches == 1 ? found : null;
  }

  private static String resolve(String name, JsonNode query) {
    if (!name.startsWith("#")) {
      return name;
    }
    JsonNode resolved = query.path("ExpressionAttributeNames").get(name);
    return resolved != null && resolved.isTextual() ? resolved.textValue() : null;
  }
}
