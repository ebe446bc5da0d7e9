package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.item.DynamoDbNumber;
import io.dynaccel.server.protocol.DynamoDbException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies a checked update expression to an item, in place, as DynamoDB does.
 *
 * <p>Every SET value is computed from the item as it was before the update, then the actions are
 * applied in the order written. A SET to a list index past the end appends (several such SETs on
 * one list append in index order); a REMOVE of list elements removes the elements at the indexes of
 * the list as it was, so the rest move up. ADD adds to a number or unites sets, starting from 0 or
 * the empty set when the attribute is missing; DELETE takes elements out of a set and removes the
 * attribute when none is left. Arithmetic is exact; a result outside DynamoDB's 38 digits or its
 * range is an error, not rounded.
 */
final class UpdateApplier {

  static final String INVALID_PATH = "The document path provided in the update expression is invalid for update";
  static final String WRONG_TYPE = "An operand in the update expression has an incorrect data type";
  static final String MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item";
  static final String OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<String, String> names;
  private final Map<String, JsonNode> values;

  UpdateApplier(Map<String, String> names, Map<String, JsonNode> values) {
    this.names = names;
    this.values = values;
  }

  /** Applies {@code update} to {@code item}, which it changes. */
  void apply(UpdateExpression update, ObjectNode item) {
    List<UpdateExpression.Action> actions = update.actions();
    JsonNode[] setValues = new JsonNode[actions.size()];
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof UpdateExpression.Set set) {
        setValues[i] = evaluate(set.value(), item);
      }
    }
    Map<ArrayNode, TreeMap<Integer, JsonNode>> appends = new IdentityHashMap<>();
    Map<ArrayNode, Set<Integer>> removals = new IdentityHashMap<>();
    for (int i = 0; i < actions.size(); i++) {
      UpdateExpression.Action action = actions.get(i);
      List<Object> path = action.path().resolve(names);
      JsonNode container = parent(item, path);
      Object last = path.get(path.size() - 1);
      JsonNode existing = last instanceof Integer index ? container.get(index) : container.get((String) last);
      if (action instanceof UpdateExpression.Set) {
        put(container, last, setValues[i], appends);
      } else if (action instanceof UpdateExpression.Remove) {
        remove(container, last, removals);
      } else if (action instanceof UpdateExpression.Add add) {
        put(container, last, add(existing, values.get(((Operand.ValueRef) add.value()).name())), appends);
      } else {
        UpdateExpression.Delete delete = (UpdateExpression.Delete) action;
        JsonNode remaining = delete(existing, values.get(((Operand.ValueRef) delete.value()).name()));
        if (remaining != null) {
          put(container, last, remaining, appends);
        } else if (existing != null) {
          remove(container, last, removals);
        }
      }
    }
    removals.forEach((list, indexes) -> indexes.stream().sorted((a, b) -> b - a).filter(ix -> ix < list.size()).forEach(ix -> list.remove((int) ix)));
    appends.forEach((list, tail) -> tail.values().forEach(list::add));
  }

  /** The map members ({@code ObjectNode}) or list elements ({@code ArrayNode}) the path's last element is in. */
  private static JsonNode parent(ObjectNode item, List<Object> path) {
    JsonNode container = item;
    for (int i = 0; i < path.size() - 1; i++) {
      Object piece = path.get(i);
      JsonNode value = piece instanceof Integer index ? container.get(index) : container.get((String) piece);
      JsonNode next = value == null ? null : value.get(path.get(i + 1) instanceof Integer ? "L" : "M");
      if (next == null) {
        throw DynamoDbException.validation(INVALID_PATH);
      }
      container = next;
    }
    boolean wantList = path.get(path.size() - 1) instanceof Integer;
    if (wantList != container.isArray()) {
      throw DynamoDbException.validation(INVALID_PATH);
    }
    return container;
  }

  private static void remove(JsonNode container, Object last, Map<ArrayNode, Set<Integer>> removals) {
    if (last instanceof Integer index) {
      removals.computeIfAbsent((ArrayNode) container, c -> new LinkedHashSet<>()).add(index);
    } else {
      ((ObjectNode) container).remove((String) last);
    }
  }

  private static void put(JsonNode container, Object last, JsonNode value, Map<ArrayNode, TreeMap<Integer, JsonNode>> appends) {
    if (last instanceof Integer index) {
      ArrayNode list = (ArrayNode) container;
      if (index < list.size()) {
        list.set(index, value);
      } else {
        appends.computeIfAbsent(list, l -> new TreeMap<>()).put(index, value);
      }
    } else {
      ((ObjectNode) container).set((String) last, value);
    }
  }

  private JsonNode evaluate(Operand operand, ObjectNode item) {
    if (operand instanceof Operand.PathOperand p) {
      JsonNode value = ItemPaths.get(item, p.path().resolve(names));
      if (value == null) {
        throw DynamoDbException.validation(MISSING_ATTRIBUTE);
      }
      return value.deepCopy();
    }
    if (operand instanceof Operand.ValueRef v) {
      return values.get(v.name()).deepCopy();
    }
    Operand.Call call = (Operand.Call) operand;
    List<Operand> args = call.arguments();
    switch (call.name()) {
      case "if_not_exists" -> {
        JsonNode current = ItemPaths.get(item, ((Operand.PathOperand) args.get(0)).path().resolve(names));
        return current != null ? current.deepCopy() : evaluate(args.get(1), item);
      }
      case "list_append" -> {
        JsonNode a = typed(evaluate(args.get(0), item), "L");
        JsonNode b = typed(evaluate(args.get(1), item), "L");
        ArrayNode joined = NODES.arrayNode();
        joined.addAll((ArrayNode) a.get("L"));
        joined.addAll((ArrayNode) b.get("L"));
        ObjectNode out = NODES.objectNode();
        out.set("L", joined);
        return out;
      }
      default -> {
        BigDecimal a = ValueSemantics.number(typed(evaluate(args.get(0), item), "N").get("N"));
        BigDecimal b = ValueSemantics.number(typed(evaluate(args.get(1), item), "N").get("N"));
        return number(call.name().equals("+") ? a.add(b) : a.subtract(b));
      }
    }
  }

  private static JsonNode typed(JsonNode value, String type) {
    if (value.get(type) == null) {
      throw DynamoDbException.validation(WRONG_TYPE);
    }
    return value;
  }

  /**
   * An N value for an exact result, refused as DynamoDB refuses numbers it cannot store. A result
   * with more than 38 significant digits (1E+50 + 1) gets DynamoDB's overflow message, not the
   * precision one, as ScyllaDB's tests against DynamoDB record.
   */
  private static JsonNode number(BigDecimal result) {
    try {
      return NODES.objectNode().put("N", DynamoDbNumber.canonical(result.toString()));
    } catch (IllegalArgumentException e) {
      boolean imprecise = e.getMessage().contains("significant digits");
      throw DynamoDbException.validation(imprecise ? OVERFLOW : e.getMessage());
    }
  }

  private static JsonNode add(JsonNode existing, JsonNode operand) {
    String type = ValueSemantics.type(operand);
    if (existing != null && !ValueSemantics.type(existing).equals(type)) {
      throw DynamoDbException.validation(WRONG_TYPE);
    }
    if (type.equals("N")) {
      BigDecimal start = existing == null ? BigDecimal.ZERO : ValueSemantics.number(existing.get("N"));
      return number(start.add(ValueSemantics.number(operand.get("N"))));
    }
    ArrayNode union = NODES.arrayNode();
    List<JsonNode> members = new ArrayList<>();
    if (existing != null) {
      existing.get(type).forEach(members::add);
    }
    for (JsonNode e : operand.get(type)) {
      if (!containsElement(members, e, type)) {
        members.add(e);
      }
    }
    members.forEach(union::add);
    ObjectNode out = NODES.objectNode();
    out.set(type, union);
    return out;
  }

  /** The set left after DELETE, or null when nothing is left or nothing was there. */
  private static JsonNode delete(JsonNode existing, JsonNode operand) {
    if (existing == null) {
      return null;
    }
    String type = ValueSemantics.type(operand);
    if (!ValueSemantics.type(existing).equals(type)) {
      throw DynamoDbException.validation(WRONG_TYPE);
    }
    List<JsonNode> removed = new ArrayList<>();
    operand.get(type).forEach(removed::add);
    ArrayNode left = NODES.arrayNode();
    for (JsonNode e : existing.get(type)) {
      if (!containsElement(removed, e, type)) {
        left.add(e);
      }
    }
    if (left.isEmpty()) {
      return null;
    }
    ObjectNode out = NODES.objectNode();
    out.set(type, left);
    return out;
  }

  private static boolean containsElement(List<JsonNode> members, JsonNode element, String setType) {
    String scalar = setType.substring(0, 1);
    ObjectNode wrapped = NODES.objectNode().set(scalar, element);
    for (JsonNode m : members) {
      if (ValueSemantics.equal(NODES.objectNode().set(scalar, m), wrapped)) {
        return true;
      }
    }
    return false;
  }
}
