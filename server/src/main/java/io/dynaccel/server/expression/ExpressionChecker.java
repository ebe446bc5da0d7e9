package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks DynamoDB makes on a parsed expression against one request: reserved words, undefined
 * placeholders, unknown functions, operand counts and types, redundant parentheses, and in updates
 * repeated sections and overlapping paths.
 *
 * <p>DynamoDB reports one error per request. When an expression has several, the one reported
 * follows a fixed order of kinds (observed on DynamoDB and kept by dynalite), the first error of
 * that kind in the text; the {@code Kind} enums list that order.
 */
final class ExpressionChecker {


  private static final List<String> ATTRIBUTE_TYPES =
      List.of("S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M");

  /** Condition error kinds, in the order DynamoDB reports them. */
  private enum ConditionKind { PARENS, UNKNOWN_FUNCTION, MISUSED_FUNCTION, RESERVED, NAME_OR_VALUE, OPERAND_COUNT, DISTINCT, FUNCTION }

  /** Update error kinds, in the order DynamoDB reports them. */
  private enum UpdateKind { RESERVED, UNKNOWN_FUNCTION, MISUSED_FUNCTION, SECTION, NAME, VALUE, OVERLAP, CONFLICT, OPERAND, FUNCTION }

  private final Map<String, String> names;
  private final Map<String, JsonNode> values;
  /** Placeholders used, for DynamoDB's "unused" checks across all expressions of a request. */
  final Set<String> usedNames = new HashSet<>();
  final Set<String> usedValues = new HashSet<>();

  ExpressionChecker(Map<String, String> names, Map<String, JsonNode> values) {
    this.names = names;
    this.values = values;
  }

  // ----- conditions --------------------------------------------------------------------------

  /** DynamoDB's message for the first problem of {@code condition}, or null if there is none. */
  String check(Condition condition) {
    EnumMap<ConditionKind, String> errors = new EnumMap<>(ConditionKind.class);
    checkMisusedSize(condition, errors);
    visit(condition, errors);
    return errors.isEmpty() ? null : errors.values().iterator().next();
  }

  private void visit(Condition condition, EnumMap<ConditionKind, String> errors) {
    if (condition instanceof Condition.Parenthesized p) {
      if (p.inner() instanceof Condition.Parenthesized) {
        errors.putIfAbsent(ConditionKind.PARENS, "The expression has redundant parentheses;");
      }
      checkMisusedSize(p.inner(), errors);
      visit(p.inner(), errors);
    } else if (condition instanceof Condition.And and) {
      checkMisusedSize(and.left(), errors);
      checkMisusedSize(and.right(), errors);
      visit(and.left(), errors);
      visit(and.right(), errors);
    } else if (condition instanceof Condition.Or or) {
      checkMisusedSize(or.left(), errors);
      checkMisusedSize(or.right(), errors);
      visit(or.left(), errors);
      visit(or.right(), errors);
    } else if (condition instanceof Condition.Not not) {
      checkMisusedSize(not.operand(), errors);
      visit(not.operand(), errors);
    } else if (condition instanceof Condition.Comparison c) {
      operand(c.left(), errors);
      operand(c.right(), errors);
      misused(List.of(c.left(), c.right()), errors);
      distinct(c.comparator().symbol, c.left(), c.right(), errors);
      if (c.comparator() != Condition.Comparator.EQ && c.comparator() != Condition.Comparator.NE) {
        ordered(c.comparator().symbol, List.of(c.left(), c.right()), errors);
      }
    } else if (condition instanceof Condition.Between b) {
      operand(b.value(), errors);
      operand(b.lower(), errors);
      operand(b.upper(), errors);
      misused(List.of(b.value(), b.lower(), b.upper()), errors);
      ordered("BETWEEN", List.of(b.value(), b.lower(), b.upper()), errors);
      betweenBounds(b.lower(), b.upper(), errors);
    } else if (condition instanceof Condition.In in) {
      operand(in.value(), errors);
      in.candidates().forEach(o -> operand(o, errors));
      List<Operand> all = new ArrayList<>();
      all.add(in.value());
      all.addAll(in.candidates());
      misused(all, errors);
    } else {
      operand(((Condition.FunctionCondition) condition).call(), errors);
    }
  }

  private void checkMisusedSize(Condition condition, EnumMap<ConditionKind, String> errors) {
    if (condition instanceof Condition.FunctionCondition f && f.call().name().equals("size")) {
      errors.putIfAbsent(ConditionKind.MISUSED_FUNCTION, misusedMessage("size"));
    }
  }

  private void misused(List<Operand> operands, EnumMap<ConditionKind, String> errors) {
    for (Operand o : operands) {
      if (o instanceof Operand.Call call && !call.name().equals("size")) {
        errors.putIfAbsent(ConditionKind.MISUSED_FUNCTION, misusedMessage(call.name()));
        return;
      }
    }
  }

  private static String misusedMessage(String function) {
    return "The function is not allowed to be used this way in an expression; function: " + function;
  }

  private void operand(Operand operand, EnumMap<ConditionKind, String> errors) {
    if (operand instanceof Operand.PathOperand p) {
      path(p.path(), errors, ConditionKind.RESERVED, ConditionKind.NAME_OR_VALUE, ConditionKind.NAME_OR_VALUE);
    } else if (operand instanceof Operand.ValueRef v) {
      value(v.name(), errors, ConditionKind.NAME_OR_VALUE);
    } else {
      conditionFunction((Operand.Call) operand, errors);
    }
  }

  private void conditionFunction(Operand.Call call, EnumMap<ConditionKind, String> errors) {
    call.arguments().forEach(a -> operand(a, errors));
    misused(call.arguments(), errors);
    String name = call.name();
    int expected = switch (name) {
      case "attribute_exists", "attribute_not_exists", "size" -> 1;
      case "attribute_type", "begins_with", "contains" -> 2;
      default -> -1;
    };
    if (expected < 0) {
      errors.putIfAbsent(ConditionKind.UNKNOWN_FUNCTION, name.equals("if_not_exists") || name.equals("list_append")
          ? "The function is not allowed in a condition expression; function: " + name
          : "Invalid function name; function: " + name);
      return;
    }
    List<Operand> args = call.arguments();
    if (args.size() != expected) {
      errors.putIfAbsent(ConditionKind.OPERAND_COUNT, operandCountMessage(name, args.size()));
      return;
    }
    if (expected == 2) {
      distinct(name, args.get(0), args.get(1), errors);
    }
    switch (name) {
      case "attribute_exists", "attribute_not_exists" -> {
        if (!(args.get(0) instanceof Operand.PathOperand)) {
          errors.putIfAbsent(ConditionKind.FUNCTION, "Operator or function requires a document path; operator or function: " + name);
        }
      }
      case "begins_with" -> {
        for (Operand a : args) {
          String type = typeOf(a);
          if (type != null && !type.equals("S") && !type.equals("B")) {
            errors.putIfAbsent(ConditionKind.FUNCTION, operandTypeMessage(name, type));
            return;
          }
        }
      }
      case "attribute_type" -> {
        String type = typeOf(args.get(1));
        if (!"S".equals(type)) {
          errors.putIfAbsent(ConditionKind.FUNCTION, operandTypeMessage(name, type == null ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : type));
          return;
        }
        String wanted = valueOf(args.get(1)).get("S").textValue();
        if (!ATTRIBUTE_TYPES.contains(wanted)) {
          errors.putIfAbsent(ConditionKind.FUNCTION,
              "Invalid attribute type name found; type: " + wanted + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
        }
      }
      case "size" -> {
        String type = typeOf(args.get(0));
        if ("N".equals(type) || "BOOL".equals(type) || "NULL".equals(type)) {
          errors.putIfAbsent(ConditionKind.FUNCTION, operandTypeMessage(name, type));
        }
      }
      default -> {}
    }
  }

  private void distinct(String operator, Operand a, Operand b, EnumMap<ConditionKind, String> errors) {
    if (a instanceof Operand.PathOperand x && b instanceof Operand.PathOperand y) {
      List<Object> first = resolveOrNull(x.path());
      if (first != null && first.equals(resolveOrNull(y.path()))) {
        errors.putIfAbsent(ConditionKind.DISTINCT,
            "The first operand must be distinct from the remaining operands for this operator or function; operator: "
                + operator + ", first operand: " + DocumentPath.describe(first));
      }
    }
  }

  /**
   * DynamoDB orders only numbers, strings and binaries. A value of another type from the request is
   * an error (the same type from the item only makes the comparison false).
   */
  private void ordered(String operator, List<Operand> operands, EnumMap<ConditionKind, String> errors) {
    for (Operand o : operands) {
      String type = o instanceof Operand.ValueRef ? typeOf(o) : null;
      if (type != null && !type.equals("N") && !type.equals("S") && !type.equals("B")) {
        errors.putIfAbsent(ConditionKind.FUNCTION, operandTypeMessage(operator, type.equals("L") ? "LIST" : type.equals("M") ? "MAP" : type));
        return;
      }
    }
  }

  private void betweenBounds(Operand lower, Operand upper, EnumMap<ConditionKind, String> errors) {
    JsonNode x = lower instanceof Operand.ValueRef ? valueOf(lower) : null;
    JsonNode y = upper instanceof Operand.ValueRef ? valueOf(upper) : null;
    if (x == null || y == null) {
      return;
    }
    String tx = ValueSemantics.type(x);
    String ty = ValueSemantics.type(y);
    String operands = "lower bound operand: AttributeValue: {" + tx + ":" + scalarText(x.get(tx)) + "}, upper bound operand: AttributeValue: {"
        + ty + ":" + scalarText(y.get(ty)) + "}";
    if (!tx.equals(ty)) {
      errors.putIfAbsent(ConditionKind.FUNCTION, "The BETWEEN operator requires same data type for lower and upper bounds; " + operands);
    } else {
      Integer order = ValueSemantics.order(x, y);
      if (order != null && order > 0) {
        errors.putIfAbsent(ConditionKind.FUNCTION,
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + operands);
      }
    }
  }

  private static String scalarText(JsonNode v) {
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** The type an operand is known to have before evaluation: a value's, or a function's result. */
  private String typeOf(Operand operand) {
    if (operand instanceof Operand.ValueRef v) {
      JsonNode value = values.get(v.name());
      return value == null ? null : ValueSemantics.type(value);
    }
    if (operand instanceof Operand.Call call) {
      return switch (call.name()) {
        case "size", "+", "-" -> "N";
        case "begins_with", "contains", "attribute_type" -> "BOOL";
        case "list_append" -> "L";
        case "if_not_exists" -> call.arguments().size() == 2 ? typeOf(call.arguments().get(1)) : null;
        default -> null;
      };
    }
    return null; // a path's type is known only when the item is
  }

  private JsonNode valueOf(Operand operand) {
    return values.get(((Operand.ValueRef) operand).name());
  }

  // ----- updates -----------------------------------------------------------------------------

  /** DynamoDB's message for the first problem of {@code update}, or null if there is none. */
  String check(UpdateExpression update) {
    EnumMap<UpdateKind, String> errors = new EnumMap<>(UpdateKind.class);
    Set<String> seenSections = new HashSet<>();
    for (String section : update.sections()) {
      if (!seenSections.add(section)) {
        errors.putIfAbsent(UpdateKind.SECTION, "The \"" + section + "\" section can only be used once in an update expression;");
      }
    }
    List<List<Object>> paths = new ArrayList<>();
    for (UpdateExpression.Action action : update.actions()) {
      path(action.path(), errors, UpdateKind.RESERVED, UpdateKind.NAME, UpdateKind.VALUE);
      if (action instanceof UpdateExpression.Set set) {
        updateOperand(set.value(), errors);
      } else if (action instanceof UpdateExpression.Add add) {
        updateOperand(add.value(), errors);
        operatorOperand("ADD", add.value(), errors);
      } else if (action instanceof UpdateExpression.Delete delete) {
        updateOperand(delete.value(), errors);
        operatorOperand("DELETE", delete.value(), errors);
      }
      List<Object> resolved = resolveOrNull(action.path());
      if (resolved != null && !errors.containsKey(UpdateKind.OVERLAP)) {
        for (List<Object> earlier : paths) {
          overlap(earlier, resolved, errors);
        }
        paths.add(resolved);
      }
    }
    return errors.isEmpty() ? null : errors.values().iterator().next();
  }

  private static void overlap(List<Object> one, List<Object> two, EnumMap<UpdateKind, String> errors) {
    String both = "must remove or rewrite one of these paths; path one: " + DocumentPath.describe(one) + ", path two: " + DocumentPath.describe(two);
    for (int i = 0; i < one.size() && i < two.size(); i++) {
      if (one.get(i).getClass() != two.get(i).getClass()) {
        errors.putIfAbsent(UpdateKind.CONFLICT, "Two document paths conflict with each other; " + both);
        return;
      }
      if (!one.get(i).equals(two.get(i))) {
        return;
      }
    }
    errors.putIfAbsent(UpdateKind.OVERLAP, "Two document paths overlap with each other; " + both);
  }

  private void operatorOperand(String operator, Operand value, EnumMap<UpdateKind, String> errors) {
    String type = typeOf(value);
    String name = type == null ? null : switch (type) {
      case "S" -> "STRING";
      case "N" -> operator.equals("ADD") ? null : "NUMBER";
      case "B" -> "BINARY";
      case "NULL" -> "NULL";
      case "BOOL" -> "BOOLEAN";
      case "L" -> "LIST";
      case "M" -> "MAP";
      default -> null;
    };
    if (name != null) {
      // DynamoDB names the set of types the operator takes, which dynalite's copy leaves out
      errors.putIfAbsent(UpdateKind.OPERAND, "Incorrect operand type for operator or function; operator: " + operator + ", operand type: " + name
          + ", typeSet: ALLOWED_FOR_" + operator + "_OPERAND");
    }
  }

  private void updateOperand(Operand operand, EnumMap<UpdateKind, String> errors) {
    if (operand instanceof Operand.PathOperand p) {
      path(p.path(), errors, UpdateKind.RESERVED, UpdateKind.NAME, UpdateKind.VALUE);
    } else if (operand instanceof Operand.ValueRef v) {
      value(v.name(), errors, UpdateKind.VALUE);
    } else {
      Operand.Call call = (Operand.Call) operand;
      call.arguments().forEach(a -> updateOperand(a, errors));
      for (Operand argument : call.arguments()) {
        // DynamoDB refuses list_append as an operand of list_append or of + and -
        if (argument instanceof Operand.Call inner && inner.name().equals("list_append") && !call.name().equals("if_not_exists")) {
          errors.putIfAbsent(UpdateKind.MISUSED_FUNCTION, misusedMessage("list_append"));
        }
      }
      updateFunction(call, errors);
    }
  }

  private void updateFunction(Operand.Call call, EnumMap<UpdateKind, String> errors) {
    String name = call.name();
    switch (name) {
      case "if_not_exists", "list_append", "+", "-" -> {}
      case "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size" -> {
        errors.putIfAbsent(UpdateKind.UNKNOWN_FUNCTION, "The function is not allowed in an update expression; function: " + name);
        return;
      }
      default -> {
        errors.putIfAbsent(UpdateKind.UNKNOWN_FUNCTION, "Invalid function name; function: " + name);
        return;
      }
    }
    List<Operand> args = call.arguments();
    if (args.size() != 2) {
      errors.putIfAbsent(UpdateKind.FUNCTION, operandCountMessage(name, args.size()));
      return;
    }
    if (name.equals("if_not_exists")) {
      if (!(args.get(0) instanceof Operand.PathOperand)) {
        errors.putIfAbsent(UpdateKind.FUNCTION, "Operator or function requires a document path; operator or function: " + name);
      }
      return;
    }
    String required = name.equals("list_append") ? "L" : "N";
    for (Operand a : args) {
      String type = a instanceof Operand.ValueRef ? typeOf(a) : null;
      if (type != null && !type.equals(required)) {
        errors.putIfAbsent(UpdateKind.FUNCTION, operandTypeMessage(name, type));
        return;
      }
    }
  }

  // ----- shared ------------------------------------------------------------------------------

  private <K extends Enum<K>> void path(DocumentPath path, EnumMap<K, String> errors, K reserved, K name, K value) {
    for (DocumentPath.Element e : path.elements()) {
      if (e instanceof DocumentPath.Name n) {
        if (n.placeholder()) {
          if (names.containsKey(n.text())) {
            usedNames.add(n.text());
          } else {
            errors.putIfAbsent(name, "An expression attribute name used in the document path is not defined; attribute name: " + n.text());
          }
        } else if (n.reserved()) {
          errors.putIfAbsent(reserved, "Attribute name is a reserved keyword; reserved keyword: " + n.text());
        }
      }
    }
  }

  private <K extends Enum<K>> void value(String placeholder, EnumMap<K, String> errors, K kind) {
    if (values.containsKey(placeholder)) {
      usedValues.add(placeholder);
    } else {
      errors.putIfAbsent(kind, "An expression attribute value used in expression is not defined; attribute value: " + placeholder);
    }
  }

  private List<Object> resolveOrNull(DocumentPath path) {
    for (DocumentPath.Element e : path.elements()) {
      if (e instanceof DocumentPath.Name n && n.placeholder() && !names.containsKey(n.text())) {
        return null;
      }
    }
    return path.resolve(names);
  }

  private static String operandCountMessage(String function, int count) {
    return "Incorrect number of operands for operator or function; operator or function: " + function + ", number of operands: " + count;
  }

  private static String operandTypeMessage(String function, String type) {
    return "Incorrect operand type for operator or function; operator or function: " + function + ", operand type: " + type;
  }
}
