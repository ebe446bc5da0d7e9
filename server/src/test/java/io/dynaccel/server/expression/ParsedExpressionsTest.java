package io.dynaccel.server.expression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Parsed expressions are cached by text, syntax errors included. */
class ParsedExpressionsTest {

  @Test
  void condition_whenSameTextTwice_parsesOnce() {
    ParsedExpressions parsed = new ParsedExpressions(10);
    assertThat(parsed.condition("a = :v")).isSameAs(parsed.condition("a = :v"));
    assertThat(parsed.update("SET a = a + :one").tree()).isSameAs(parsed.update("SET a = a + :one").tree());
  }

  @Test
  void condition_whenSyntaxError_cachesTheMessage() {
    ParsedExpressions parsed = new ParsedExpressions(10);
    ParsedExpressions.Parsed<Condition> first = parsed.condition("a = = :v");
    assertThat(first.tree()).isNull();
    assertThat(first.syntaxError()).isEqualTo("Syntax error; token: \"=\", near: \"= = :v\"");
    assertThat(parsed.condition("a = = :v")).isSameAs(first);
  }

  @Test
  void update_whenParsed_keepsActionsAndSectionsInOrder() {
    UpdateExpression update = new ParsedExpressions(10).update("remove a SET b = :v, c = if_not_exists(c, :v) ADD d :n").tree();
    assertThat(update.sections()).containsExactly("REMOVE", "SET", "ADD");
    assertThat(update.actions()).extracting(a -> a.getClass().getSimpleName()).containsExactly("Remove", "Set", "Set", "Add");
  }
}
