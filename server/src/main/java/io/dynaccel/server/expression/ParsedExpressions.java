package io.dynaccel.server.expression;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Parsed condition and update expressions by their text, so that a request whose expression was
 * seen before skips the parser. A syntax error is cached like a tree: it depends on the text alone.
 * Bounded, so that clients sending ever new texts cannot grow it without limit. Thread-safe.
 */
public final class ParsedExpressions {

  /** A parse outcome: the tree, or DynamoDB's syntax error message (after "Invalid XExpression: "). */
  record Parsed<T>(T tree, String syntaxError) {}

  private final Cache<String, Parsed<Condition>> conditions;
  private final Cache<String, Parsed<UpdateExpression>> updates;

  /** A cache holding up to {@code maximumSize} texts of each kind. */
  public ParsedExpressions(long maximumSize) {
    // Maintenance on the caller rather than a ForkJoinPool thread woken for it.
    this.conditions = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maximumSize).build();
    this.updates = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maximumSize).build();
  }

  Parsed<Condition> condition(String text) {
    return conditions.get(text, t -> {
      try {
        return new Parsed<>(ExpressionParser.parseCondition(t), null);
      } catch (ExpressionParser.SyntaxError e) {
        return new Parsed<>(null, e.getMessage());
      }
    });
  }

  Parsed<UpdateExpression> update(String text) {
    return updates.get(text, t -> {
      try {
        return new Parsed<>(ExpressionParser.parseUpdate(t), null);
      } catch (ExpressionParser.SyntaxError e) {
        return new Parsed<>(null, e.getMessage());
      }
    });
  }
}
