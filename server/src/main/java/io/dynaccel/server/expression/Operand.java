package io.dynaccel.server.expression;

import java.util.List;

/**
 * A value-producing term of an expression: a document path, an ExpressionAttributeValues
 * placeholder, or a function call ({@code size} in conditions; {@code if_not_exists},
 * {@code list_append}, {@code +} and {@code -} in SET).
 */
public sealed interface Operand permits Operand.PathOperand, Operand.ValueRef, Operand.Call {

  /** The attribute at a document path of the item. */
  record PathOperand(DocumentPath path) implements Operand {}

  /**
   * A value from ExpressionAttributeValues.
   *
   * @param name the placeholder, with its {@code :}
   */
  record ValueRef(String name) implements Operand {}

  /**
   * A function call, or an arithmetic operator as a two-operand call named {@code +} or {@code -}.
   *
   * @param name the function name as written (DynamoDB's function names are case-sensitive)
   */
  record Call(String name, List<Operand> arguments) implements Operand {}
}
