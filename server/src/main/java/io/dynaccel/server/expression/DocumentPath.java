package io.dynaccel.server.expression;

import java.util.List;
import java.util.Map;

/**
 * A document path as written in an expression ({@code a.#b[2].c}): a top-level attribute, then map
 * members and list indexes. Names may be placeholders ({@code #b}) that the request's
 * ExpressionAttributeNames resolve; the parsed form keeps them so that one parse serves every
 * request with the same expression text.
 *
 * @param elements the elements in order, the first always a {@link Name}
 */
public record DocumentPath(List<Element> elements) {

  /** One element of a path. */
  public sealed interface Element permits Name, Index {}

  /**
   * A map member or top-level attribute.
   *
   * @param text the name as written, with its {@code #} if it is a placeholder
   * @param reserved whether it is written literally and is one of DynamoDB's reserved words;
   *     decided once, when the expression is parsed
   */
  public record Name(String text, boolean reserved) implements Element {
    /** Whether this is an ExpressionAttributeNames placeholder. */
    public boolean placeholder() {
      return text.charAt(0) == '#';
    }
  }

  /** A list index. */
  public record Index(int value) implements Element {}

  /**
   * The path with placeholders replaced: each element a String (member) or an Integer (index).
   * Every placeholder must be defined; the checker has made sure of that before evaluation.
   */
  public List<Object> resolve(Map<String, String> names) {
    Object[] out = new Object[elements.size()];
    for (int i = 0; i < out.length; i++) {
      Element e = elements.get(i);
      if (e instanceof Index index) {
        out[i] = index.value();
      } else {
        Name name = (Name) e;
        out[i] = name.placeholder() ? names.get(name.text()) : name.text();
      }
    }
    return List.of(out);
  }

  /** DynamoDB's rendering of a resolved path in messages: {@code [a, b, [2]]}. */
  static String describe(List<Object> resolved) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < resolved.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      Object piece = resolved.get(i);
      out.append(piece instanceof Integer ? "[" + piece + "]" : piece);
    }
    return out.append(']').toString();
  }
}
