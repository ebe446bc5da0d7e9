package io.dynaccel.server.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Orders object keys the way a JavaScript engine enumerates them: keys that are array indexes
 * ({@code "0"}, {@code "17"}, ... up to 2<sup>32</sup>-2) first in ascending numeric order, then all
 * other keys in insertion order.
 *
 * <p>Our oracle, dynalite, holds requests and items as plain JavaScript objects, so both the order
 * in which it checks map members (which decides the first error reported) and the order of
 * attributes in the items it returns follow this rule. Reproducing it keeps our answers
 * byte-comparable with the oracle's.
 */
public final class JsKeyOrder {

  private static final long MAX_ARRAY_INDEX = 4294967294L; // 2^32 - 2, per ECMAScript

  private JsKeyOrder() {}

  /** The keys of {@code object} in JavaScript enumeration order. */
  public static List<String> keys(ObjectNode object) {
    List<String> indexes = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      (isArrayIndex(key) ? indexes : others).add(key);
    }
    if (indexes.isEmpty()) {
      return others;
    }
    indexes.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    indexes.addAll(others);
    return indexes;
  }

  /**
   * Whether {@code key} is a canonical array index: the string form of an integer in
   * [0, 2<sup>32</sup>-2] without sign or leading zeros.
   */
  public static boolean isArrayIndex(String key) {
    int n = key.length();
    if (n == 0 || n > 10 || (n > 1 && key.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return Long.parseLong(key) <= MAX_ARRAY_INDEX;
  }

  /** A deep copy of {@code node} in which every object's keys are in JavaScript order. */
  public static JsonNode deepCopy(JsonNode node) {
    if (node.isObject()) {
      ObjectNode source = (ObjectNode) node;
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (String key : keys(source)) {
        copy.set(key, deepCopy(source.get(key)));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
      for (JsonNode element : node) {
        copy.add(deepCopy(element));
      }
      return copy;
    }
    return node.deepCopy();
  }

  /** Re-inserts {@code map}'s entries into a new object in JavaScript order. */
  static ObjectNode toObject(Map<String, JsonNode> map) {
    ObjectNode unordered = JsonNodeFactory.instance.objectNode();
    map.forEach(unordered::set);
    ObjectNode ordered = JsonNodeFactory.instance.objectNode();
    for (String key : keys(unordered)) {
      ordered.set(key, unordered.get(key));
    }
    return ordered;
  }
}
