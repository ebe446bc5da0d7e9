package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading resolved document paths out of items, and DynamoDB's projection of a set of paths. */
final class ItemPaths {

  private ItemPaths() {}

  /** The AttributeValue at {@code path} (String members, Integer indexes) in {@code item}, or null. */
  static JsonNode get(ObjectNode item, List<Object> path) {
    JsonNode current = item.get((String) path.get(0));
    for (int i = 1; i < path.size() && current != null; i++) {
      Object piece = path.get(i);
      if (piece instanceof Integer index) {
        JsonNode list = current.get("L");
        current = list == null ? null : list.get(index);
      } else {
        JsonNode map = current.get("M");
        current = map == null ? null : map.get((String) piece);
      }
    }
    return current;
  }

  /**
   * What DynamoDB returns for UPDATED_OLD and UPDATED_NEW: the values at {@code paths} that exist,
   * each nested as in the item; elements taken from one list keep their order and close up.
   */
  static ObjectNode project(ObjectNode item, List<List<Object>> paths) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (List<Object> path : paths) {
      JsonNode value = get(item, path);
      if (value == null) {
        continue;
      }
      Object container = root;
      for (int j = 0; j < path.size(); j++) {
        Object piece = path.get(j);
        boolean leaf = j == path.size() - 1;
        Object next = leaf ? value : (path.get(j + 1) instanceof Integer ? new TreeMap<Integer, Object>() : new LinkedHashMap<String, Object>());
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) container;
        container = leaf ? map.put(piece, value) : map.computeIfAbsent(piece, k -> next);
      }
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    root.forEach((k, v) -> out.set(k, render(v)));
    return out;
  }

  private static JsonNode render(Object value) {
    if (value instanceof TreeMap<?, ?> list) {
      ArrayNode elements = JsonNodeFactory.instance.arrayNode();
      list.values().forEach(e -> elements.add(render(e)));
      ObjectNode av = JsonNodeFactory.instance.objectNode();
      av.set("L", elements);
      return av;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode members = JsonNodeFactory.instance.objectNode();
      map.forEach((k, v) -> members.set((String) k, render(v)));
      ObjectNode av = JsonNodeFactory.instance.objectNode();
      av.set("M", members);
      return av;
    }
    return ((JsonNode) value).deepCopy();
  }

  /** Every path an update writes, resolved, in the order written. */
  static List<List<Object>> paths(UpdateExpression update, Map<String, String> names) {
    List<List<Object>> out = new ArrayList<>(update.actions().size());
    update.actions().forEach(a -> out.add(a.path().resolve(names)));
    return out;
  }
}
