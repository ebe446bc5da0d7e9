package io.dynaccel.server.expression;

import java.util.List;

/**
 * The syntax tree of an UpdateExpression: its actions in the order written, whatever section
 * ({@code SET}, {@code REMOVE}, {@code ADD}, {@code DELETE}) they came from.
 *
 * @param actions the actions in the order written
 * @param sections the section keywords in the order written, upper case (DynamoDB allows each once)
 */
public record UpdateExpression(List<Action> actions, List<String> sections) {

  /** One action of an update. */
  public sealed interface Action permits Set, Remove, Add, Delete {
    /** The path the action writes. */
    DocumentPath path();
  }

  /** {@code SET path = value}. */
  public record Set(DocumentPath path, Operand value) implements Action {}

  /** {@code REMOVE path}. */
  public record Remove(DocumentPath path) implements Action {}

  /** {@code ADD path value}. */
  public record Add(DocumentPath path, Operand value) implements Action {}

  /** {@code DELETE path value}. */
  public record Delete(DocumentPath path, Operand value) implements Action {}
}
