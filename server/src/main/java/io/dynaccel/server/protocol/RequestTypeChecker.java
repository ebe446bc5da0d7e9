package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.item.JsKeyOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks DynamoDB runs on a request body before it looks at any table: first the
 * serialization-level type check ({@link #check}), then the purely syntactic member constraints
 * ({@link #validate}).
 *
 * <p>Both are faithful ports of dynalite 4.0.0's {@code checkTypes} and {@code checkValidations}
 * (whose messages copy DynamoDB's), so a malformed request is answered with the very
 * {@code __type} and message DynamoDB would send, without a round trip. The input tree is never
 * modified: where dynalite coerces values (a Boolean given as {@code "yes"}, a Limit given as
 * {@code 2.7}), we only compute the coerced copy to validate it and to quote it in messages.
 *
 * <p>Supported operations: GetItem, BatchGetItem, PutItem, UpdateItem, DeleteItem, BatchWriteItem,
 * Query, Scan, TransactWriteItems, TransactGetItems. The last two are not in dynalite; their type
 * tables follow the DynamoDB API reference and are unverified against an oracle.
 */
public final class RequestTypeChecker {

  /**
   * Deeper trees than this are refused outright. Jackson's parser already stops at 1000 levels;
   * this guards programmatically built trees against a {@link StackOverflowError}.
   */
  static final int MAX_DEPTH = 256;

  private static final String PARAMETERIZED_TYPE_ERROR =
      "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class"
          + " java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and"
          + " java.lang.Class are in module java.base of loader 'bootstrap')";
  private static final String START_OF_STRUCTURE =
      "Start of structure or map found where not expected";
  private static final String DYNAMODB_MODEL = "com.amazonaws.dynamodb.v20120810.";

  private RequestTypeChecker() {}

  /** JavaScript's {@code typeof} classes for a JSON value, which drive dynalite's messages. */
  private enum JsType {
    BOOLEAN,
    NUMBER,
    STRING,
    ARRAY,
    OBJECT
  }

  /** Whether {@code operation} (e.g. {@code "GetItem"}) is one this class can check. */
  public static boolean supports(String operation) {
    return RequestShapes.BY_OPERATION.containsKey(operation);
  }

  /**
   * Runs DynamoDB's serialization-level type check on a request body.
   *
   * <p>Members the operation does not define and members set to {@code null} are ignored, as
   * DynamoDB ignores them. A body that is not a JSON object is treated as an empty object (as
   * dynalite does); a Java {@code null} or JSON {@code null} body is refused with a message-less
   * SerializationException, like an empty body.
   *
   * @param operation the operation name from {@code X-Amz-Target}, e.g. {@code "GetItem"}
   * @param body the parsed request body; not modified
   * @throws DynamoDbException a SerializationException with DynamoDB's message if a member has the
   *     wrong JSON type; nothing else for any JSON input
   * @throws IllegalArgumentException if the operation is not {@linkplain #supports supported}
   */
  public static void check(String operation, JsonNode body) {
    coerce(operation, body);
  }

  /**
   * Runs {@link #check} and then DynamoDB's syntactic member validations: required members
   * ("Member must not be null"), TableName/IndexName length and pattern, enum members, list and
   * map sizes, numeric minimums; up to ten such errors are aggregated into one
   * {@code "N validation errors detected: ..."} message exactly as DynamoDB does. For the
   * single-table operations it then also runs DynamoDB's first operation-specific check, the
   * mixing of expression and non-expression parameters.
   *
   * <p>Passing does not make the request valid: attribute values, expressions, key schemas and the
   * remaining operation-specific rules are not checked here (DynamoDB checks those after what is
   * ported here, so an error found here is always the one DynamoDB reports first).
   *
   * @throws DynamoDbException a SerializationException (see {@link #check}) or a
   *     ValidationException with DynamoDB's message
   * @throws IllegalArgumentException if the operation is not {@linkplain #supports supported}
   */
  public static void validate(String operation, JsonNode body) {
    RequestShape shape = shapeOf(operation);
    ObjectNode data = coerce(operation, body);
    List<String> errors = new ArrayList<>();
    for (var member : shape.members.entrySet()) {
      checkNonRequired(member.getKey(), data.get(member.getKey()), member.getValue(), "", errors);
    }
    if (!errors.isEmpty()) {
      throw DynamoDbException.validation(
          errors.size()
              + " validation error"
              + (errors.size() > 1 ? "s" : "")
              + " detected: "
              + String.join("; ", errors));
    }
    String msg = expressionParamsError(operation, data);
    if (msg != null) {
      throw DynamoDbException.validation(msg);
    }
  }

  private static RequestShape shapeOf(String operation) {
    RequestShape shape = RequestShapes.BY_OPERATION.get(operation);
    if (shape == null) {
      throw new IllegalArgumentException("Unsupported operation: " + operation);
    }
    return shape;
  }

  /** dynalite's checkTypes over the whole body: the coerced copy, or a SerializationException. */
  private static ObjectNode coerce(String operation, JsonNode body) {
    RequestShape shape = shapeOf(operation);
    if (body == null || body.isNull() || body.isMissingNode()) {
      throw DynamoDbException.serialization(null);
    }
    if (!body.isObject()) {
      return JsonNodeFactory.instance.objectNode();
    }
    return checkStruct(body, shape, 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Type check (dynalite checkTypes/checkType)

  private static JsType jsType(JsonNode val) {
    if (val.isBoolean()) {
      return JsType.BOOLEAN;
    }
    if (val.isNumber()) {
      return JsType.NUMBER;
    }
    if (val.isTextual() || val.isBinary()) {
      return JsType.STRING;
    }
    if (val.isArray()) {
      return JsType.ARRAY;
    }
    return JsType.OBJECT; // objects and any exotic node (POJO), which JSON would give as objects
  }

  private static boolean isNull(JsonNode val) {
    return val == null || val.isNull() || val.isMissingNode();
  }

  private static DynamoDbException typeError(String msg) {
    return DynamoDbException.serialization(msg);
  }

  /** JavaScript's {@code val % 1 === 0} on the double JSON.parse would produce. */
  private static String numberKind(JsonNode val) {
    double d = val.doubleValue();
    return Double.isFinite(d) && d % 1 == 0 ? "NUMBER_VALUE" : "DECIMAL_VALUE";
  }

  private static ObjectNode checkStruct(JsonNode val, RequestShape shape, int depth) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (var member : shape.members.entrySet()) {
      JsonNode checked = checkType(val.get(member.getKey()), member.getValue(), depth + 1);
      if (checked != null) {
        out.set(member.getKey(), checked);
      }
    }
    return out;
  }

  private static JsonNode checkType(JsonNode val, RequestShape shape, int depth) {
    if (isNull(val)) {
      return null;
    }
    if (depth > MAX_DEPTH) {
      throw DynamoDbException.serialization(null);
    }
    JsType t = jsType(val);
    String kind = shape.kind;
    switch (kind) {
      case "Boolean":
        switch (t) {
          case NUMBER -> throw typeError(numberKind(val) + " cannot be converted to Boolean");
          case STRING -> {
            String upper = val.asText().toUpperCase(Locale.ROOT);
            if (Set.of("TRUE", "1", "YES").contains(upper)) {
              return JsonNodeFactory.instance.booleanNode(true);
            }
            if (Set.of("FALSE", "0", "NO").contains(upper)) {
              return JsonNodeFactory.instance.booleanNode(false);
            }
            throw typeError("Unexpected token received from parser");
          }
          case ARRAY -> throw typeError("Unrecognized collection type class java.lang.Boolean");
          case OBJECT -> throw typeError(START_OF_STRUCTURE);
          default -> {
            return JsonNodeFactory.instance.booleanNode(val.booleanValue());
          }
        }
      case "Integer":
      case "Long":
        switch (t) {
          case BOOLEAN -> throw typeError(
              (val.booleanValue() ? "TRUE_VALUE" : "FALSE_VALUE") + " cannot be converted to " + kind);
          case STRING -> throw typeError("STRING_VALUE cannot be converted to " + kind);
          case ARRAY -> throw typeError("Unrecognized collection type class java.lang." + kind);
          case OBJECT -> throw typeError(START_OF_STRUCTURE);
          default -> {
            return JsonNodeFactory.instance.numberNode(Math.floor(val.doubleValue()));
          }
        }
      case "String":
        switch (t) {
          case BOOLEAN -> throw typeError(
              (val.booleanValue() ? "TRUE_VALUE" : "FALSE_VALUE") + " cannot be converted to String");
          case NUMBER -> throw typeError(numberKind(val) + " cannot be converted to String");
          case ARRAY -> throw typeError("Unrecognized collection type class java.lang.String");
          case OBJECT -> throw typeError(START_OF_STRUCTURE);
          default -> {
            return JsonNodeFactory.instance.textNode(val.asText());
          }
        }
      case "Blob":
        switch (t) {
          case BOOLEAN, NUMBER -> throw typeError(
              "only base-64-encoded strings are convertible to bytes");
          case ARRAY -> throw typeError("Unrecognized collection type class java.nio.ByteBuffer");
          case OBJECT -> throw typeError(START_OF_STRUCTURE);
          default -> {
            String s = val.asText();
            if (s.length() % 4 != 0) {
              throw typeError(
                  "Base64 encoded length is expected a multiple of 4 bytes but found: " + s.length());
            }
            if (!isCanonicalBase64(s)) {
              // sic: DynamoDB's own spelling
              throw typeError("Invalid last non-pad Base64 character dectected");
            }
            return JsonNodeFactory.instance.textNode(s);
          }
        }
      case "List":
      case "ParameterizedList":
        switch (t) {
          case BOOLEAN, NUMBER, STRING -> throw typeError(
              kind.equals("List") ? "Unexpected field type" : PARAMETERIZED_TYPE_ERROR);
          case OBJECT -> throw typeError(START_OF_STRUCTURE);
          default -> {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(val.size());
            for (JsonNode child : val) {
              JsonNode checked = checkType(child, shape.element, depth + 1);
              out.add(checked == null ? JsonNodeFactory.instance.nullNode() : checked);
            }
            return out;
          }
        }
      case "ParameterizedMap":
      case "Map":
        switch (t) {
          case BOOLEAN, NUMBER, STRING -> throw typeError(
              kind.equals("Map") ? "Unexpected field type" : PARAMETERIZED_TYPE_ERROR);
          case ARRAY -> {
            String valueType =
                kind.equals("Map")
                    ? (shape.subtype.contains(".") ? shape.subtype : DYNAMODB_MODEL + shape.subtype)
                    : DYNAMODB_MODEL + "AttributeValue";
            throw typeError(
                "Unrecognized collection type java.util.Map<java.lang.String, " + valueType + ">");
          }
          default -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            if (val.isObject()) {
              for (String key : JsKeyOrder.keys((ObjectNode) val)) {
                JsonNode checked = checkType(val.get(key), shape.element, depth + 1);
                out.set(key, checked == null ? JsonNodeFactory.instance.nullNode() : checked);
              }
            }
            return out;
          }
        }
      case "ValueStruct":
      case "FieldStruct":
        switch (t) {
          case BOOLEAN, NUMBER, STRING -> throw typeError(
              kind.equals("ValueStruct") ? "Unexpected value type in payload" : "Unexpected field type");
          case ARRAY -> throw typeError(
              "Unrecognized collection type class " + DYNAMODB_MODEL + shape.subtype);
          default -> {
            return val.isObject()
                ? checkStruct(val, shape, depth)
                : JsonNodeFactory.instance.objectNode();
          }
        }
      default:
        throw new IllegalStateException("Unknown type in request table: " + shape.type);
    }
  }

  /**
   * dynalite accepts a Blob iff Node's lenient base64 decode re-encodes to the same text, which
   * holds exactly for canonical standard base64 (right alphabet, padding, zero trailing bits).
   */
  private static boolean isCanonicalBase64(String s) {
    try {
      return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(s)).equals(s);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation (dynalite checkValidations)

  private static void checkNonRequired(
      String attr, JsonNode data, RequestShape shape, String parent, List<String> errors) {
    if (shape.opaque) {
      return;
    }
    boolean present = !isNull(data);
    for (RequestShape.Constraint c : shape.constraints) {
      if (errors.size() >= 10) {
        return;
      }
      if (!c.name().equals("notNull") && !present) {
        continue;
      }
      applyConstraint(c, parent, attr, present ? data : null, errors);
    }
    boolean hasChildren = shape.element != null || !shape.members.isEmpty();
    if (!hasChildren || !present || errors.size() >= 10) {
      return;
    }
    String path = (parent.isEmpty() ? "" : parent + ".") + toLowerFirst(attr);
    if (shape.type.endsWith("List")) {
      for (int i = 0; i < data.size(); i++) {
        checkNonRequired("member", data.get(i), shape.element, path + "." + (i + 1), errors);
      }
    } else if (shape.type.contains("Map")) {
      for (var it = data.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        checkNonRequired("member", data.get(key), shape.element, path + "." + key, errors);
      }
    } else {
      for (var member : shape.members.entrySet()) {
        checkNonRequired(member.getKey(), data.get(member.getKey()), member.getValue(), path, errors);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void applyConstraint(
      RequestShape.Constraint c, String parent, String key, JsonNode data, List<String> errors) {
    switch (c.name()) {
      case "notNull" -> check(data != null, "Member must not be null", data, parent, key, errors);
      case "greaterThanOrEqual" -> check(
          data.doubleValue() >= (Integer) c.arg(),
          "Member must have value greater than or equal to " + c.arg(),
          data,
          parent,
          key,
          errors);
      case "regex", "lengthGreaterThanOrEqual", "lengthLessThanOrEqual", "enum" -> check(
          passes(c, data), message(c), data, parent, key, errors);
      case "keys" -> {
        List<RequestShape.Constraint> keyConstraints = (List<RequestShape.Constraint>) c.arg();
        for (var it = data.fieldNames(); it.hasNext(); ) {
          JsonNode mapKey = JsonNodeFactory.instance.textNode(it.next());
          if (!keyConstraints.stream().allMatch(k -> passes(k, mapKey))) {
            check(false, "Map keys must satisfy constraint: " + messages(keyConstraints), data,
                parent, key, errors);
          }
        }
      }
      case "values" -> {
        List<RequestShape.Constraint> valueConstraints = (List<RequestShape.Constraint>) c.arg();
        for (var it = data.fields(); it.hasNext(); ) {
          JsonNode value = it.next().getValue();
          // dynalite fails a null value by tripping over it, with the same message.
          if (isNull(value) || !valueConstraints.stream().allMatch(k -> passes(k, value))) {
            check(false, "Map value must satisfy constraint: " + messages(valueConstraints), data,
                parent, key, errors);
          }
        }
      }
      default -> throw new IllegalStateException("Unknown constraint " + c.name());
    }
  }

  private static String messages(List<RequestShape.Constraint> constraints) {
    List<String> msgs = new ArrayList<>();
    for (RequestShape.Constraint k : constraints) {
      msgs.add(message(k));
    }
    return "[" + String.join(", ", msgs) + "]";
  }

  private static boolean passes(RequestShape.Constraint c, JsonNode data) {
    return switch (c.name()) {
      case "regex" -> Pattern.matches((String) c.arg(), data.asText());
      case "lengthGreaterThanOrEqual" -> length(data) >= (Integer) c.arg();
      case "lengthLessThanOrEqual" -> length(data) <= (Integer) c.arg();
      case "enum" -> data.isTextual() && ((List<?>) c.arg()).contains(data.textValue());
      default -> throw new IllegalStateException("Unknown constraint " + c.name());
    };
  }

  private static String message(RequestShape.Constraint c) {
    return switch (c.name()) {
      case "regex" -> "Member must satisfy regular expression pattern: " + c.arg();
      case "lengthGreaterThanOrEqual" -> "Member must have length greater than or equal to "
          + c.arg();
      case "lengthLessThanOrEqual" -> "Member must have length less than or equal to " + c.arg();
      case "enum" -> "Member must satisfy enum value set: ["
          + String.join(", ", (List<String>) c.arg())
          + "]";
      default -> throw new IllegalStateException("Unknown constraint " + c.name());
    };
  }

  /** JavaScript {@code length}: UTF-16 units of a string, elements of an array, keys of an object. */
  private static int length(JsonNode data) {
    return data.isTextual() ? data.textValue().length() : data.size();
  }

  private static void check(
      boolean ok, String msg, JsonNode data, String parent, String key, List<String> errors) {
    if (ok) {
      return;
    }
    String value = valueStr(data);
    if (!value.equals("null")) {
      value = "'" + value + "'";
    }
    errors.add(
        "Value "
            + value
            + " at '"
            + (parent.isEmpty() ? "" : parent + ".")
            + toLowerFirst(key)
            + "' failed to satisfy constraint: "
            + msg);
  }

  /** dynalite's valueStr: how DynamoDB quotes an offending value. */
  private static String valueStr(JsonNode data) {
    if (isNull(data)) {
      return "null";
    }
    if (data.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode element : data) {
        parts.add(valueStr(element));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    if (data.isObject()) {
      return JsText.stringify(data);
    }
    if (data.isNumber()) {
      return JsText.number(data.doubleValue());
    }
    return data.asText();
  }

  private static String toLowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  // ---------------------------------------------------------------------------------------------
  // First operation-specific check (dynalite validateExpressionParams)

  private static String expressionParamsError(String operation, ObjectNode data) {
    return switch (operation) {
      case "GetItem" -> expressionParams(
          data, List.of("ProjectionExpression"), List.of("AttributesToGet"));
      case "PutItem", "DeleteItem" -> expressionParams(
          data, List.of("ConditionExpression"), List.of("Expected"));
      case "UpdateItem" -> expressionParams(
          data,
          List.of("UpdateExpression", "ConditionExpression"),
          List.of("AttributeUpdates", "Expected"));
      case "Query" -> expressionParams(
          data,
          List.of("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
          List.of("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"));
      case "Scan" -> expressionParams(
          data,
          List.of("ProjectionExpression", "FilterExpression"),
          List.of("AttributesToGet", "ScanFilter", "ConditionalOperator"));
      default -> null; // batch and transaction operations interleave their checks per item
    };
  }

  private static String expressionParams(
      ObjectNode data, List<String> expressions, List<String> nonExpressionList) {
    List<String> exprParams = expressions.stream().filter(data::has).toList();
    List<String> nonExpressions = new ArrayList<>(nonExpressionList);
    if (!exprParams.isEmpty()) {
      // Query may combine KeyConditions with the other expressions.
      if (data.has("KeyConditions") && !data.has("KeyConditionExpression")) {
        nonExpressions.remove("KeyConditions");
      }
      List<String> nonExprParams = nonExpressions.stream().filter(data::has).toList();
      if (!nonExprParams.isEmpty()) {
        return "Can not use both expression and non-expression parameters in the same request: "
            + "Non-expression parameters: {"
            + String.join(", ", nonExprParams)
            + "} Expression parameters: {"
            + String.join(", ", exprParams)
            + "}";
      }
    }
    if (data.has("ExpressionAttributeNames") && exprParams.isEmpty()) {
      return "ExpressionAttributeNames can only be specified when using expressions";
    }
    List<String> valExprs =
        expressions.stream().filter(e -> !e.equals("ProjectionExpression")).toList();
    if (!valExprs.isEmpty()
        && data.has("ExpressionAttributeValues")
        && valExprs.stream().noneMatch(data::has)) {
      return "ExpressionAttributeValues can only be specified when using expressions: "
          + String.join(" and ", valExprs)
          + " "
          + (valExprs.size() > 1 ? "are" : "is")
          + " null";
    }
    return null;
  }
}
