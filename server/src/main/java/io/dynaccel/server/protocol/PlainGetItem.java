package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Recognises the GetItem requests that make up nearly all cache hits (a table name, a key of
 * string-valued attribute values, and the usual read options, all of the right JSON types), for
 * which the full serialization check cannot find anything wrong. Everything else takes the full
 * check of {@link RequestTypeChecker}.
 */
final class PlainGetItem {

  private PlainGetItem() {}

  static boolean matches(String operation, JsonNode body) {
    if (!"GetItem".equals(operation)) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      JsonNode value = member.getValue();
      boolean plain = switch (member.getKey()) {
        case "TableName", "ProjectionExpression", "ReturnConsumedCapacity" -> value.isTextual();
        case "ConsistentRead" -> value.isBoolean();
        case "Key" -> plainKey(value);
        case "ExpressionAttributeNames" -> allTextual(value, true);
        case "AttributesToGet" -> value.isArray() && allTextual(value, false);
        default -> false;
      };
      if (!plain) {
        return false;
      }
    }
    return true;
  }

  private static boolean plainKey(JsonNode key) {
    if (!key.isObject()) {
      return false;
    }
    for (JsonNode value : key) {
      if (!value.isObject() || value.size() != 1) {
        return false;
      }
      Map.Entry<String, JsonNode> only = value.fields().next();
      String type = only.getKey();
      if (!(type.equals("S") || type.equals("N")) || !only.getValue().isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static boolean allTextual(JsonNode container, boolean mustBeObject) {
    if (mustBeObject && !container.isObject()) {
      return false;
    }
    for (JsonNode element : container) {
      if (!element.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
