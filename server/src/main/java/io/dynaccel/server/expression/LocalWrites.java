package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.item.AttributeValues;
import io.dynaccel.server.item.DynamoDbNumber;
import io.dynaccel.server.item.ItemSize;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.table.KeySchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB's PutItem, UpdateItem and DeleteItem computed locally: the request checked with
 * DynamoDB's messages, the condition evaluated against the current item, the update applied, and
 * the response ({@code ReturnValues}) built. Pure: no I/O, the inputs are never modified.
 *
 * <p>The checks run in DynamoDB's order, which decides the message when a request has several
 * problems: expression/legacy parameters, the item or key values, ReturnValues and item size
 * (PutItem), ExpressionAttributeNames/Values, the update expression, the condition expression,
 * unused names and values; then the key against the schema, key attributes in the update, the
 * condition, and last the errors only the update's application can find.
 *
 * <p>Secondary index key types are not checked here (the key schema carries no indexes): a caller
 * for a table with indexes must check them or send the write to DynamoDB. Thread-safe.
 */
public final class LocalWrites {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> VALUE_TYPES = Set.of("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M");
  private static final Set<String> LEGACY = Set.of("Expected", "AttributeUpdates", "ConditionalOperator");
  private static final Set<String> COMMON_MEMBERS = Set.of("TableName", "ConditionExpression", "ExpressionAttributeNames",
      "ExpressionAttributeValues", "ReturnValues", "ReturnValuesOnConditionCheckFailure", "ReturnConsumedCapacity",
      "ReturnItemCollectionMetrics");
  private static final Set<String> RETURN_VALUES = Set.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW");
  private static final String CONDITION_FAILED = "The conditional request failed";
  private static final int MAX_EXPRESSION_LENGTH = 4096;

  private final ParsedExpressions parsed;

  /** An engine that parses through (and fills) {@code parsed}. */
  public LocalWrites(ParsedExpressions parsed) {
    this.parsed = parsed;
  }

  /** Signals a request the engine leaves to DynamoDB. */
  private static final class NotLocal extends RuntimeException {
    NotLocal(String reason) {
      super(reason, null, false, false);
    }
  }

  /** PutItem {@code request} applied where the current item is {@code current} (null: none). */
  public WriteOutcome putItem(ObjectNode request, KeySchema keys, ObjectNode current) {
    return run(() -> {
      checkMembers(request, "Item");
      checkExpressionParameters(request, false);
      ObjectNode item = attributeMap(request.get("Item"));
      String returnValues = oldOrNoReturnValues(request);
      if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
        throw DynamoDbException.validation("Item size has exceeded the maximum allowed size");
      }
      Expressions expressions = expressions(request, false);
      checkItemKey(item, keys);
      return replace(request, expressions, current, returnValues, item);
    });
  }

  /** DeleteItem {@code request} applied where the current item is {@code current} (null: none). */
  public WriteOutcome deleteItem(ObjectNode request, KeySchema keys, ObjectNode current) {
    return run(() -> {
      checkMembers(request, "Key");
      checkExpressionParameters(request, false);
      ObjectNode key = attributeMap(request.get("Key"));
      String returnValues = oldOrNoReturnValues(request);
      Expressions expressions = expressions(request, false);
      checkKey(key, keys);
      return replace(request, expressions, current, returnValues, null);
    });
  }

  /** UpdateItem {@code request} applied where the current item is {@code current} (null: none). */
  public WriteOutcome updateItem(ObjectNode request, KeySchema keys, ObjectNode current) {
    return run(() -> {
      checkMembers(request, "Key", "UpdateExpression");
      checkExpressionParameters(request, true);
      ObjectNode key = attributeMap(request.get("Key"));
      String returnValues = returnValues(request);
      Expressions expressions = expressions(request, true);
      checkKey(key, keys);
      if (expressions.update != null) {
        for (UpdateExpression.Action action : expressions.update.actions()) {
          Object root = action.path().resolve(expressions.names).get(0);
          if (root.equals(keys.hashName()) || root.equals(keys.rangeName())) {
            throw DynamoDbException.validation(
                "One or more parameter values were invalid: Cannot update attribute " + root + ". This attribute is part of the key");
          }
        }
      }
      Failed failed = checkCondition(request, expressions, current);
      if (failed != null) {
        return failed.outcome;
      }
      ObjectNode item = current != null ? current.deepCopy() : key.deepCopy();
      if (expressions.update != null) {
        new UpdateApplier(expressions.names, expressions.values).apply(expressions.update, item);
      }
      if (current == null && expressions.update != null && onlyRemoves(expressions.update)) {
        // DynamoDB creates no item for an update that only takes attributes away (once its paths are valid)
        return new WriteOutcome.Applied(null, NODES.objectNode());
      }
      if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
        throw DynamoDbException.validation("Item size to update has exceeded the maximum allowed size");
      }
      List<List<Object>> paths = expressions.update == null ? List.of() : ItemPaths.paths(expressions.update, expressions.names);
      ObjectNode response = NODES.objectNode();
      switch (returnValues) {
        case "ALL_OLD" -> {
          if (current != null) {
            response.set("Attributes", current.deepCopy());
          }
        }
        case "UPDATED_OLD" -> {
          if (current != null) {
            setIfAny(response, ItemPaths.project(current, paths));
          }
        }
        case "ALL_NEW" -> response.set("Attributes", item.deepCopy());
        case "UPDATED_NEW" -> setIfAny(response, ItemPaths.project(item, paths));
        default -> {}
      }
      return new WriteOutcome.Applied(item, response);
    });
  }

  /** The ReturnValues of a PutItem or DeleteItem, which take only the old item or nothing. */
  private static String oldOrNoReturnValues(ObjectNode request) {
    String returnValues = returnValues(request);
    if (!returnValues.equals("NONE") && !returnValues.equals("ALL_OLD")) {
      throw DynamoDbException.validation("ReturnValues can only be ALL_OLD or NONE");
    }
    return returnValues;
  }

  /**
   * A PutItem or DeleteItem once checked: the condition decides, then the current item gives way
   * to {@code item} (null for a delete), with the old item in the answer if asked.
   */
  private static WriteOutcome replace(ObjectNode request, Expressions expressions, ObjectNode current, String returnValues, ObjectNode item) {
    Failed failed = checkCondition(request, expressions, current);
    if (failed != null) {
      return failed.outcome;
    }
    ObjectNode response = NODES.objectNode();
    if (current != null && returnValues.equals("ALL_OLD")) {
      response.set("Attributes", current.deepCopy());
    }
    return new WriteOutcome.Applied(item, response);
  }

  private static boolean onlyRemoves(UpdateExpression update) {
    for (UpdateExpression.Action action : update.actions()) {
      if (!(action instanceof UpdateExpression.Remove) && !(action instanceof UpdateExpression.Delete)) {
        return false;
      }
    }
    return true;
  }

  /** DynamoDB leaves Attributes out when no updated path has a value (a REMOVE-only UPDATED_NEW). */
  private static void setIfAny(ObjectNode response, ObjectNode attributes) {
    if (!attributes.isEmpty()) {
      response.set("Attributes", attributes);
    }
  }

  // ----- the steps ---------------------------------------------------------------------------

  private interface Step {
    WriteOutcome run();
  }

  private static WriteOutcome run(Step step) {
    try {
      return step.run();
    } catch (DynamoDbException e) {
      return new WriteOutcome.Failed(e, null);
    } catch (NotLocal e) {
      return new WriteOutcome.Unsupported(e.getMessage());
    }
  }

  private record Failed(WriteOutcome outcome) {}

  /** The request's expressions, parsed and checked, with its names and values. */
  private record Expressions(Condition condition, UpdateExpression update, Map<String, String> names, Map<String, JsonNode> values) {}

  private static void checkMembers(ObjectNode request, String... specific) {
    Set<String> allowed = new HashSet<>(COMMON_MEMBERS);
    allowed.addAll(List.of(specific));
    for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
      String member = it.next();
      if (LEGACY.contains(member) && !request.get(member).isNull()) {
        throw new NotLocal("legacy parameter " + member + ": send to DynamoDB");
      }
      if (!allowed.contains(member) && !request.get(member).isNull()) {
        throw new NotLocal("parameter " + member + " is not evaluated locally");
      }
    }
    for (String report : List.of("ReturnConsumedCapacity", "ReturnItemCollectionMetrics")) {
      JsonNode value = request.get(report);
      if (value != null && !value.isNull() && !"NONE".equals(value.asText())) {
        throw new NotLocal(report + " " + value.asText() + " is not computed locally");
      }
    }
    JsonNode onFailure = request.get("ReturnValuesOnConditionCheckFailure");
    if (onFailure != null && !onFailure.isNull() && !(onFailure.isTextual() && Set.of("NONE", "ALL_OLD").contains(onFailure.textValue()))) {
      throw new NotLocal("ReturnValuesOnConditionCheckFailure outside NONE/ALL_OLD");
    }
  }

  private static String returnValues(ObjectNode request) {
    JsonNode value = request.get("ReturnValues");
    if (value == null || value.isNull()) {
      return "NONE";
    }
    if (!value.isTextual() || !RETURN_VALUES.contains(value.textValue())) {
      throw new NotLocal("ReturnValues outside DynamoDB's enumeration");
    }
    return value.textValue();
  }

  private static boolean present(ObjectNode request, String member) {
    JsonNode value = request.get(member);
    return value != null && !value.isNull();
  }

  private static void checkExpressionParameters(ObjectNode request, boolean update) {
    boolean condition = present(request, "ConditionExpression");
    boolean updateExpression = update && present(request, "UpdateExpression");
    if (present(request, "ExpressionAttributeNames") && !condition && !updateExpression) {
      throw DynamoDbException.validation("ExpressionAttributeNames can only be specified when using expressions");
    }
    if (present(request, "ExpressionAttributeValues") && !condition && !updateExpression) {
      throw DynamoDbException.validation("ExpressionAttributeValues can only be specified when using expressions: "
          + (update ? "UpdateExpression and ConditionExpression are null" : "ConditionExpression is null"));
    }
  }

  private Expressions expressions(ObjectNode request, boolean update) {
    Map<String, String> names = new LinkedHashMap<>();
    JsonNode namesNode = request.get("ExpressionAttributeNames");
    if (namesNode != null && !namesNode.isNull()) {
      if (!namesNode.isObject()) {
        throw new NotLocal("ExpressionAttributeNames is not a map");
      }
      if (namesNode.isEmpty()) {
        throw DynamoDbException.validation("ExpressionAttributeNames must not be empty");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = namesNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!isPlaceholder(e.getKey(), '#')) {
          throw DynamoDbException.validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + e.getKey() + "\"");
        }
        if (!e.getValue().isTextual() || e.getValue().textValue().isEmpty()) {
          throw new NotLocal("ExpressionAttributeNames value that is not a name");
        }
        names.put(e.getKey(), e.getValue().textValue());
      }
    }
    Map<String, JsonNode> values = new LinkedHashMap<>();
    JsonNode valuesNode = request.get("ExpressionAttributeValues");
    if (valuesNode != null && !valuesNode.isNull()) {
      if (!valuesNode.isObject()) {
        throw new NotLocal("ExpressionAttributeValues is not a map");
      }
      if (valuesNode.isEmpty()) {
        throw DynamoDbException.validation("ExpressionAttributeValues must not be empty");
      }
      for (Iterator<String> it = valuesNode.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!isPlaceholder(key, ':')) {
          throw DynamoDbException.validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = valuesNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String problem = problemOf(e.getValue());
        if (problem != null) {
          throw DynamoDbException.validation("ExpressionAttributeValues contains invalid value: " + problem + " for key " + e.getKey());
        }
        values.put(e.getKey(), normalize(e.getValue()));
      }
    }
    ExpressionChecker checker = new ExpressionChecker(names, values);
    UpdateExpression updateTree = null;
    if (update && present(request, "UpdateExpression")) {
      String text = text(request, "UpdateExpression");
      if (text.isEmpty()) {
        throw DynamoDbException.validation("Invalid UpdateExpression: The expression can not be empty;");
      }
      ParsedExpressions.Parsed<UpdateExpression> p = parsed.update(text);
      if (p.syntaxError() != null) {
        throw DynamoDbException.validation("Invalid UpdateExpression: " + p.syntaxError());
      }
      String problem = checker.check(p.tree());
      if (problem != null) {
        throw DynamoDbException.validation("Invalid UpdateExpression: " + problem);
      }
      updateTree = p.tree();
    }
    Condition condition = null;
    if (present(request, "ConditionExpression")) {
      String text = text(request, "ConditionExpression");
      if (text.isEmpty()) {
        throw DynamoDbException.validation("Invalid ConditionExpression: The expression can not be empty;");
      }
      ParsedExpressions.Parsed<Condition> p = parsed.condition(text);
      if (p.syntaxError() != null) {
        throw DynamoDbException.validation("Invalid ConditionExpression: " + p.syntaxError());
      }
      String problem = checker.check(p.tree());
      if (problem != null) {
        throw DynamoDbException.validation("Invalid ConditionExpression: " + problem);
      }
      condition = p.tree();
    }
    List<String> unusedNames = new ArrayList<>(names.keySet());
    unusedNames.removeAll(checker.usedNames);
    if (!unusedNames.isEmpty()) {
      throw DynamoDbException.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + String.join(", ", unusedNames) + "}");
    }
    List<String> unusedValues = new ArrayList<>(values.keySet());
    unusedValues.removeAll(checker.usedValues);
    if (!unusedValues.isEmpty()) {
      throw DynamoDbException.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + String.join(", ", unusedValues) + "}");
    }
    return new Expressions(condition, updateTree, names, values);
  }

  /** DynamoDB's placeholder syntax: the sigil, then one or more of [0-9a-zA-Z_]. */
  private static boolean isPlaceholder(String key, char sigil) {
    if (key.length() < 2 || key.charAt(0) != sigil) {
      return false;
    }
    for (int i = 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String text(ObjectNode request, String member) {
    JsonNode value = request.get(member);
    if (!value.isTextual()) {
      throw new NotLocal(member + " is not a string");
    }
    if (value.textValue().length() > MAX_EXPRESSION_LENGTH) {
      throw new NotLocal(member + " longer than 4 KB");
    }
    return value.textValue();
  }

  private static Failed checkCondition(ObjectNode request, Expressions expressions, ObjectNode current) {
    if (expressions.condition == null) {
      return null;
    }
    ObjectNode item = current != null ? current : NODES.objectNode();
    if (new ConditionEvaluator(item, expressions.names, expressions.values).test(expressions.condition)) {
      return null;
    }
    JsonNode onFailure = request.get("ReturnValuesOnConditionCheckFailure");
    boolean returnItem = onFailure != null && "ALL_OLD".equals(onFailure.asText()) && current != null;
    return new Failed(new WriteOutcome.Failed(DynamoDbException.conditionalCheckFailed(CONDITION_FAILED), returnItem ? current.deepCopy() : null));
  }

  // ----- keys --------------------------------------------------------------------------------

  private static void checkItemKey(ObjectNode item, KeySchema keys) {
    checkItemKeyPart(item, keys.hashName(), keys.hashType(), true);
    if (keys.rangeName() != null) {
      checkItemKeyPart(item, keys.rangeName(), keys.rangeType(), false);
    }
  }

  private static void checkItemKeyPart(ObjectNode item, String name, String type, boolean hash) {
    JsonNode value = item.get(name);
    if (value == null) {
      throw DynamoDbException.validation("One or more parameter values were invalid: Missing the key " + name + " in the item");
    }
    if (value.get(type) == null) {
      throw DynamoDbException.validation("One or more parameter values were invalid: Type mismatch for key " + name + " expected: " + type
          + " actual: " + ValueSemantics.type(value));
    }
    if (isEmptyKey(value.get(type), type)) {
      throw DynamoDbException.validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
          + (type.equals("S") ? "string" : "binary") + " value. Key: " + name);
    }
    checkKeySize(value.get(type), type, hash);
  }

  private static void checkKey(ObjectNode key, KeySchema keys) {
    if (key.size() != keys.size()) {
      throw DynamoDbException.validation("The provided key element does not match the schema");
    }
    checkKeyPart(key, keys.hashName(), keys.hashType(), true);
    if (keys.rangeName() != null) {
      checkKeyPart(key, keys.rangeName(), keys.rangeType(), false);
    }
  }

  private static void checkKeyPart(ObjectNode key, String name, String type, boolean hash) {
    JsonNode value = key.get(name);
    if (value == null || value.get(type) == null) {
      throw DynamoDbException.validation("The provided key element does not match the schema");
    }
    if (isEmptyKey(value.get(type), type)) {
      throw DynamoDbException.validation("One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty "
          + (type.equals("S") ? "string" : "binary") + " value. Key: " + name);
    }
    checkKeySize(value.get(type), type, hash);
  }

  private static boolean isEmptyKey(JsonNode value, String type) {
    return (type.equals("S") || type.equals("B")) && value.textValue().isEmpty();
  }

  /** Keys longer than DynamoDB allows (2048 bytes hash, 1024 range) get DynamoDB's own message. */
  private static void checkKeySize(JsonNode value, String type, boolean hash) {
    long bytes = type.equals("B") ? ValueSemantics.bytes(value).length : value.asText().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > (hash ? 2048 : 1024)) {
      throw new NotLocal("key attribute over DynamoDB's size limit");
    }
  }

  // ----- attribute values --------------------------------------------------------------------

  private static ObjectNode attributeMap(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new NotLocal("item or key is not a map");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String problem = problemOf(it.next().getValue());
      if (problem != null) {
        throw DynamoDbException.validation(problem);
      }
    }
    try {
      return AttributeValues.normalizeItem((ObjectNode) node);
    } catch (IllegalArgumentException e) {
      throw new NotLocal("value outside the engine's checks: " + e.getMessage());
    }
  }

  private static JsonNode normalize(JsonNode value) {
    try {
      return AttributeValues.normalizeItem((ObjectNode) NODES.objectNode().set("v", value)).get("v");
    } catch (IllegalArgumentException e) {
      throw new NotLocal("value outside the engine's checks: " + e.getMessage());
    }
  }

  /**
   * DynamoDB's message for an invalid AttributeValue, or null if it is valid. Shapes no SDK sends
   * (a string where a list belongs) are left to DynamoDB.
   */
  private static String problemOf(JsonNode value) {
    if (value == null || !value.isObject()) {
      throw new NotLocal("AttributeValue is not an object");
    }
    if (value.isEmpty()) {
      return "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      String type = member.getKey();
      JsonNode v = member.getValue();
      if (!VALUE_TYPES.contains(type)) {
        throw new NotLocal("unknown AttributeValue member " + type);
      }
      String problem = switch (type) {
        case "S", "B" -> {
          requireShape(v.isTextual());
          yield null;
        }
        case "BOOL" -> {
          requireShape(v.isBoolean());
          yield null;
        }
        case "N" -> {
          requireShape(v.isTextual());
          yield numberProblem(v.textValue());
        }
        case "NULL" -> {
          requireShape(v.isBoolean());
          yield v.booleanValue() ? null : "One or more parameter values were invalid: Null attribute value types must have the value of true";
        }
        case "SS", "NS", "BS" -> setProblem(type, v);
        case "L" -> {
          requireShape(v.isArray());
          String first = null;
          for (JsonNode e : v) {
            first = problemOf(e);
            if (first != null) {
              break;
            }
          }
          yield first;
        }
        default -> { // M
          requireShape(v.isObject());
          String first = null;
          for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext() && first == null; ) {
            first = problemOf(m.next().getValue());
          }
          yield first;
        }
      };
      if (problem != null) {
        return problem;
      }
    }
    if (value.size() > 1) {
      return "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
    }
    return null;
  }

  private static String setProblem(String type, JsonNode v) {
    requireShape(v.isArray());
    for (JsonNode e : v) {
      requireShape(e.isTextual());
    }
    if (v.isEmpty()) {
      return switch (type) {
        case "SS" -> "One or more parameter values were invalid: An string set  may not be empty";
        case "NS" -> "One or more parameter values were invalid: An number set  may not be empty";
        default -> "One or more parameter values were invalid: Binary sets should not be empty";
      };
    }
    List<String> elements = new ArrayList<>();
    for (JsonNode e : v) {
      if (type.equals("NS")) {
        String problem = numberProblem(e.textValue());
        if (problem != null) {
          return problem;
        }
        elements.add(DynamoDbNumber.canonical(e.textValue()));
      } else {
        elements.add(e.textValue());
      }
    }
    if (new HashSet<>(elements).size() == elements.size()) {
      return null;
    }
    return switch (type) {
      case "SS" -> "One or more parameter values were invalid: Input collection [" + String.join(", ", elements) + "] contains duplicates.";
      case "NS" -> "Input collection contains duplicates";
      default -> "One or more parameter values were invalid: Input collection [" + String.join(", ", elements) + "]of type BS contains duplicates.";
    };
  }

  private static String numberProblem(String text) {
    if (text.startsWith("+")) {
      // DynamoDB accepts "+5" (ScyllaDB's tests against DynamoDB); our number grammar refuses it, so
      // such a request is left to DynamoDB rather than answered with an error DynamoDB would not give
      throw new NotLocal("number with a leading +");
    }
    try {
      DynamoDbNumber.canonical(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static void requireShape(boolean ok) {
    if (!ok) {
      throw new NotLocal("AttributeValue member of the wrong JSON type");
    }
  }
}
