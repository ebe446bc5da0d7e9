package io.dynaccel.server.expression;

import io.dynaccel.server.item.ReservedWords;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Recursive-descent parser of DynamoDB's condition and update expression grammar, written from the
 * Developer Guide's syntax summaries. It checks syntax only and keeps placeholders unresolved; the
 * checks that depend on the request (names, values, operand types) are {@link ExpressionChecker}'s.
 *
 * <p>Condition precedence, loosest first, as documented: {@code OR}, {@code AND}, {@code NOT}, then
 * {@code IN}, {@code BETWEEN}, functions and comparators; parentheses override it.
 */
final class ExpressionParser {

  /** A syntax error; the message is DynamoDB's text after "Invalid XExpression: ". */
  static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private enum Kind { NAME, NAME_REF, VALUE_REF, INTEGER, SYMBOL, EOF }

  private record Token(Kind kind, String text, int start, int end) {
    boolean is(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }

    boolean isKeyword(String keyword) {
      return kind == Kind.NAME && text.equalsIgnoreCase(keyword);
    }
  }

  private final String source;
  private final List<Token> tokens;
  private int position;

  private ExpressionParser(String source) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  /** Parses a condition expression. */
  static Condition parseCondition(String text) {
    ExpressionParser parser = new ExpressionParser(text);
    Condition condition = parser.orCondition();
    parser.expectEnd();
    return condition;
  }

  /** Parses an update expression. */
  static UpdateExpression parseUpdate(String text) {
    ExpressionParser parser = new ExpressionParser(text);
    List<UpdateExpression.Action> actions = new ArrayList<>();
    List<String> sections = new ArrayList<>();
    do {
      int at = parser.position;
      Token keyword = parser.next();
      String section = keyword.kind == Kind.NAME ? keyword.text.toUpperCase(Locale.ROOT) : "";
      switch (section) {
        case "SET" -> parser.actionList(actions, parser::setAction);
        case "REMOVE" -> parser.actionList(actions, () -> new UpdateExpression.Remove(parser.path()));
        case "ADD" -> parser.actionList(actions, () -> new UpdateExpression.Add(parser.path(), parser.valueRef()));
        case "DELETE" -> parser.actionList(actions, () -> new UpdateExpression.Delete(parser.path(), parser.valueRef()));
        default -> throw parser.errorAt(at);
      }
      sections.add(section);
    } while (parser.peek().kind != Kind.EOF);
    return new UpdateExpression(List.copyOf(actions), List.copyOf(sections));
  }

  // ----- update ------------------------------------------------------------------------------

  private void actionList(List<UpdateExpression.Action> into, Supplier<UpdateExpression.Action> action) {
    into.add(action.get());
    while (peek().is(",")) {
      position++;
      into.add(action.get());
    }
  }

  private UpdateExpression.Action setAction() {
    DocumentPath path = path();
    expectSymbol("=");
    return new UpdateExpression.Set(path, setValue());
  }

  private Operand setValue() {
    Operand left = setTerm();
    Token t = peek();
    if (t.is("+") || t.is("-")) {
      position++;
      return new Operand.Call(t.text, List.of(left, setTerm()));
    }
    return left;
  }

  private Operand setTerm() {
    Token t = peek();
    if (t.is("(")) {
      position++;
      Operand inner = setValue(); // the grammar allows (a - :b) as an operand
      expectSymbol(")");
      return inner;
    }
    if (t.kind == Kind.VALUE_REF) {
      position++;
      return new Operand.ValueRef(t.text);
    }
    if (t.kind == Kind.NAME && tokens.get(position + 1).is("(")) {
      position += 2;
      // f() is a syntax error in DynamoDB, and so is f(a + b): arguments are terms, not sums
      List<Operand> arguments = new ArrayList<>();
      arguments.add(setTerm());
      while (peek().is(",")) {
        position++;
        arguments.add(setTerm());
      }
      expectSymbol(")");
      return new Operand.Call(t.text, List.copyOf(arguments));
    }
    return new Operand.PathOperand(path());
  }

  private Operand valueRef() {
    int at = position;
    Token t = next();
    if (t.kind != Kind.VALUE_REF) {
      throw errorAt(at);
    }
    return new Operand.ValueRef(t.text);
  }

  // ----- condition ---------------------------------------------------------------------------

  private Condition orCondition() {
    Condition left = andCondition();
    while (peek().isKeyword("OR")) {
      position++;
      left = new Condition.Or(left, andCondition());
    }
    return left;
  }

  private Condition andCondition() {
    Condition left = notCondition();
    while (peek().isKeyword("AND")) {
      position++;
      left = new Condition.And(left, notCondition());
    }
    return left;
  }

  private Condition notCondition() {
    if (peek().isKeyword("NOT")) {
      position++;
      return new Condition.Not(notCondition());
    }
    return predicate();
  }

  private Condition predicate() {
    if (peek().is("(")) {
      position++;
      Condition inner = orCondition();
      expectSymbol(")");
      return new Condition.Parenthesized(inner);
    }
    Operand left = conditionOperand();
    Token t = peek();
    if (t.kind == Kind.SYMBOL) {
      Condition.Comparator comparator = switch (t.text) {
        case "=" -> Condition.Comparator.EQ;
        case "<>" -> Condition.Comparator.NE;
        case "<" -> Condition.Comparator.LT;
        case "<=" -> Condition.Comparator.LE;
        case ">" -> Condition.Comparator.GT;
        case ">=" -> Condition.Comparator.GE;
        default -> null;
      };
      if (comparator != null) {
        position++;
        return new Condition.Comparison(comparator, left, conditionOperand());
      }
    }
    if (t.isKeyword("BETWEEN")) {
      position++;
      Operand lower = conditionOperand();
      if (!peek().isKeyword("AND")) {
        throw errorAt(position);
      }
      position++;
      return new Condition.Between(left, lower, conditionOperand());
    }
    if (t.isKeyword("IN")) {
      position++;
      expectSymbol("(");
      List<Operand> candidates = new ArrayList<>();
      candidates.add(conditionOperand());
      while (peek().is(",")) {
        position++;
        candidates.add(conditionOperand());
      }
      expectSymbol(")");
      return new Condition.In(left, List.copyOf(candidates));
    }
    if (left instanceof Operand.Call call) {
      return new Condition.FunctionCondition(call);
    }
    throw errorAt(position);
  }

  private Operand conditionOperand() {
    Token t = peek();
    if (t.kind == Kind.VALUE_REF) {
      position++;
      return new Operand.ValueRef(t.text);
    }
    if (t.kind == Kind.NAME && tokens.get(position + 1).is("(")) {
      position += 2;
      List<Operand> arguments = new ArrayList<>(); // f() is a syntax error in DynamoDB
      arguments.add(conditionOperand());
      while (peek().is(",")) {
        position++;
        arguments.add(conditionOperand());
      }
      expectSymbol(")");
      return new Operand.Call(t.text, List.copyOf(arguments));
    }
    return new Operand.PathOperand(path());
  }

  // ----- paths -------------------------------------------------------------------------------

  private DocumentPath path() {
    List<DocumentPath.Element> elements = new ArrayList<>();
    elements.add(pathName());
    while (true) {
      Token t = peek();
      if (t.is(".")) {
        position++;
        elements.add(pathName());
      } else if (t.is("[")) {
        position++;
        int at = position;
        Token index = next();
        if (index.kind != Kind.INTEGER) {
          throw errorAt(at);
        }
        expectSymbol("]");
        elements.add(new DocumentPath.Index(parseIndex(index)));
      } else {
        return new DocumentPath(List.copyOf(elements));
      }
    }
  }

  private int parseIndex(Token index) {
    try {
      return Integer.parseInt(index.text);
    } catch (NumberFormatException e) {
      throw errorAt(position - 1); // no list in a 400 KB item has two billion elements
    }
  }

  private DocumentPath.Name pathName() {
    int at = position;
    Token t = next();
    if (t.kind == Kind.NAME && !isOperatorKeyword(t.text) || t.kind == Kind.NAME_REF) {
      return new DocumentPath.Name(t.text, t.kind == Kind.NAME && ReservedWords.contains(t.text));
    }
    throw errorAt(at);
  }

  /** Words the grammar itself uses cannot start a path, whatever the reserved-word check says. */
  private static boolean isOperatorKeyword(String word) {
    return switch (word.toUpperCase(Locale.ROOT)) {
      case "AND", "OR", "NOT", "BETWEEN", "IN" -> true;
      default -> false;
    };
  }

  // ----- tokens ------------------------------------------------------------------------------

  private Token peek() {
    return tokens.get(position);
  }

  private Token next() {
    Token t = tokens.get(position);
    if (t.kind != Kind.EOF) {
      position++;
    }
    return t;
  }

  private void expectSymbol(String symbol) {
    if (!peek().is(symbol)) {
      throw errorAt(position);
    }
    position++;
  }

  private void expectEnd() {
    if (peek().kind != Kind.EOF) {
      throw errorAt(position);
    }
  }

  /** DynamoDB's syntax error: the offending token and the text around it. */
  private SyntaxError errorAt(int index) {
    Token t = tokens.get(Math.min(index, tokens.size() - 1));
    String token = t.kind == Kind.EOF ? "<EOF>" : t.text;
    int from = tokens.get(Math.max(0, index - 1)).start;
    int to = tokens.get(Math.min(index + 1, tokens.size() - 1)).end;
    return new SyntaxError("Syntax error; token: \"" + token + "\", near: \"" + source.substring(Math.min(from, to), to) + "\"");
  }

  /** Tokens: names, placeholders, integers, and symbols (one or two characters each). */
  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
        continue;
      }
      int start = i;
      if (isNameStart(c)) {
        i++;
        while (i < n && isNamePart(s.charAt(i))) {
          i++;
        }
        out.add(new Token(Kind.NAME, s.substring(start, i), start, i));
      } else if ((c == '#' || c == ':') && i + 1 < n && isNamePart(s.charAt(i + 1))) {
        i++;
        while (i < n && isNamePart(s.charAt(i))) {
          i++;
        }
        out.add(new Token(c == '#' ? Kind.NAME_REF : Kind.VALUE_REF, s.substring(start, i), start, i));
      } else if (c >= '0' && c <= '9') {
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          i++;
        }
        out.add(new Token(Kind.INTEGER, s.substring(start, i), start, i));
      } else if ((c == '<' || c == '>') && i + 1 < n && (s.charAt(i + 1) == '=' || c == '<' && s.charAt(i + 1) == '>')) {
        i += 2;
        out.add(new Token(Kind.SYMBOL, s.substring(start, i), start, i));
      } else if ("()[],.=<>+-".indexOf(c) >= 0) {
        i++;
        out.add(new Token(Kind.SYMBOL, String.valueOf(c), start, i));
      } else {
        // any other character (a lone # or :, a quote, a letter outside ASCII) is a token no rule
        // accepts, so the parser reports it with the tokens around it, as DynamoDB does
        i += Character.charCount(s.codePointAt(i));
        out.add(new Token(Kind.SYMBOL, s.substring(start, i), start, i));
      }
    }
    out.add(new Token(Kind.EOF, "", n, n));
    return out;
  }

  /** A name starts with a letter ({@code _a} and {@code 1a} are syntax errors in DynamoDB). */
  private static boolean isNameStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || c >= '0' && c <= '9' || c == '_';
  }
}
