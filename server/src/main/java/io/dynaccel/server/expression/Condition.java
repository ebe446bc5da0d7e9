package io.dynaccel.server.expression;

import java.util.List;

/**
 * The syntax tree of a condition (ConditionExpression, FilterExpression): comparisons, BETWEEN,
 * IN, boolean functions, and AND/OR/NOT over them.
 */
public sealed interface Condition
    permits Condition.Comparison,
        Condition.Between,
        Condition.In,
        Condition.FunctionCondition,
        Condition.And,
        Condition.Or,
        Condition.Not,
        Condition.Parenthesized {

  /** The comparators, with DynamoDB's spelling. */
  enum Comparator {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String symbol;

    Comparator(String symbol) {
      this.symbol = symbol;
    }
  }

  /** {@code left comparator right}. */
  record Comparison(Comparator comparator, Operand left, Operand right) implements Condition {}

  /** {@code value BETWEEN lower AND upper}. */
  record Between(Operand value, Operand lower, Operand upper) implements Condition {}

  /** {@code value IN (candidates...)}. */
  record In(Operand value, List<Operand> candidates) implements Condition {}

  /** A function used as a condition: {@code attribute_exists(a)}, {@code begins_with(a, :p)}. */
  record FunctionCondition(Operand.Call call) implements Condition {}

  /** {@code left AND right}. */
  record And(Condition left, Condition right) implements Condition {}

  /** {@code left OR right}. */
  record Or(Condition left, Condition right) implements Condition {}

  /** {@code NOT operand}. */
  record Not(Condition operand) implements Condition {}

  /**
   * {@code ( inner )}, kept in the tree only because DynamoDB rejects redundant parentheses
   * ({@code ((a = :v))}); evaluation looks straight through it.
   */
  record Parenthesized(Condition inner) implements Condition {}
}
