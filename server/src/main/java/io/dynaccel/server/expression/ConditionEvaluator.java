package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Evaluates a checked condition against an item (an empty item when there is none).
 *
 * <p>An operand that names a missing attribute has no value. As DynamoDB answers, every comparison,
 * BETWEEN, IN and function with such an operand is false, except {@code <>}, which is true: a
 * missing value equals nothing, not even another missing one.
 */
final class ConditionEvaluator {

  private final ObjectNode item;
  private final Map<String, String> names;
  private final Map<String, JsonNode> values;

  ConditionEvaluator(ObjectNode item, Map<String, String> names, Map<String, JsonNode> values) {
    this.item = item;
    this.names = names;
    this.values = values;
  }

  boolean test(Condition condition) {
    if (condition instanceof Condition.Comparison c) {
      return compare(c.comparator(), value(c.left()), value(c.right()));
    } else if (condition instanceof Condition.And and) {
      return test(and.left()) && test(and.right());
    } else if (condition instanceof Condition.Or or) {
      return test(or.left()) || test(or.right());
    } else if (condition instanceof Condition.Not not) {
      return !test(not.operand());
    } else if (condition instanceof Condition.Parenthesized p) {
      return test(p.inner());
    } else if (condition instanceof Condition.Between b) {
      return between(value(b.value()), value(b.lower()), value(b.upper()));
    } else if (condition instanceof Condition.In in) {
      return in(value(in.value()), in);
    }
    return function(((Condition.FunctionCondition) condition).call());
  }

  private static boolean compare(Condition.Comparator comparator, JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return comparator == Condition.Comparator.NE;
    }
    if (comparator == Condition.Comparator.EQ) {
      return ValueSemantics.equal(a, b);
    }
    if (comparator == Condition.Comparator.NE) {
      return !ValueSemantics.equal(a, b);
    }
    Integer order = ValueSemantics.order(a, b);
    if (order == null) {
      return false;
    }
    return switch (comparator) {
      case LT -> order < 0;
      case LE -> order <= 0;
      case GT -> order > 0;
      case GE -> order >= 0;
      default -> throw new IllegalStateException(comparator.name());
    };
  }

  private static boolean between(JsonNode v, JsonNode lower, JsonNode upper) {
    if (v == null || lower == null || upper == null) {
      return false;
    }
    Integer low = ValueSemantics.order(v, lower);
    Integer high = ValueSemantics.order(v, upper);
    return low != null && high != null && low >= 0 && high <= 0;
  }

  private boolean in(JsonNode v, Condition.In in) {
    if (v == null) {
      return false;
    }
    for (Operand candidate : in.candidates()) {
      JsonNode c = value(candidate);
      if (c != null && ValueSemantics.equal(v, c)) {
        return true;
      }
    }
    return false;
  }

  private boolean function(Operand.Call call) {
    switch (call.name()) {
      case "attribute_exists":
        return value(call.arguments().get(0)) != null;
      case "attribute_not_exists":
        return value(call.arguments().get(0)) == null;
      default:
        break;
    }
    JsonNode a = value(call.arguments().get(0));
    JsonNode b = value(call.arguments().get(1));
    if (a == null || b == null) {
      return false;
    }
    return switch (call.name()) {
      case "attribute_type" -> ValueSemantics.type(a).equals(b.get("S").textValue());
      case "begins_with" -> ValueSemantics.beginsWith(a, b);
      case "contains" -> ValueSemantics.contains(a, b);
      default -> throw new IllegalStateException("unchecked function " + call.name());
    };
  }

  private JsonNode value(Operand operand) {
    if (operand instanceof Operand.PathOperand p) {
      return ItemPaths.get(item, p.path().resolve(names));
    } else if (operand instanceof Operand.ValueRef v) {
      return values.get(v.name());
    }
    JsonNode of = value(((Operand.Call) operand).arguments().get(0)); // size, the one function with a value
    Integer size = of == null ? null : ValueSemantics.size(of);
    return size == null ? null : JsonNodeFactory.instance.objectNode().put("N", Integer.toString(size));
  }
}
