package io.dynaccel.server.auth.internal;

import java.util.Locale;

/**
 * The IAM action and the table (and index) of one PartiQL statement: {@code SELECT ... FROM "T"."I"} is
 * PartiQLSelect on T, {@code INSERT INTO} PartiQLInsert, {@code UPDATE} PartiQLUpdate, {@code DELETE FROM}
 * PartiQLDelete; {@code EXISTS(SELECT ...)} (a condition in a transaction) reads like its SELECT.
 *
 * <p>A statement whose verb or table this cannot read is authorised as PartiQLSelect on {@code *}: only a
 * principal allowed every table may send it, and DynamoDB then answers its syntax error. Reading less
 * than DynamoDB reads must never let a statement reach a table its rules do not allow.
 */
final class PartiQlTarget {

  private PartiQlTarget() {}

  static Resource of(String statement) {
    String text = statement.strip();
    String upper = text.toUpperCase(Locale.ROOT);
    if (upper.startsWith("EXISTS")) {
      int open = text.indexOf('(');
      if (open < 0) {
        return unreadable();
      }
      text = text.substring(open + 1).strip();
      upper = text.toUpperCase(Locale.ROOT);
    }
    String action;
    int at;
    if (startsWithWord(upper, "SELECT")) {
      action = "PartiQLSelect";
      at = fromClause(text, upper);
    } else if (startsWithWord(upper, "INSERT")) {
      action = "PartiQLInsert";
      at = afterWords(text, upper, 6, "INTO");
    } else if (startsWithWord(upper, "UPDATE")) {
      action = "PartiQLUpdate";
      at = 6;
    } else if (startsWithWord(upper, "DELETE")) {
      action = "PartiQLDelete";
      at = afterWords(text, upper, 6, "FROM");
    } else {
      return unreadable();
    }
    if (at < 0) {
      return new Resource(action, Permissions.ANY_RESOURCE, null);
    }
    int[] end = new int[1];
    String table = identifier(text, skipSpace(text, at), end);
    if (table == null) {
      return new Resource(action, Permissions.ANY_RESOURCE, null);
    }
    String index = null;
    int next = end[0];
    if (next < text.length() && text.charAt(next) == '.') {
      index = identifier(text, next + 1, end);
    }
    return new Resource(action, table, index);
  }

  private static Resource unreadable() {
    return new Resource("PartiQLSelect", Permissions.ANY_RESOURCE, null);
  }

  /** The index just after the first FROM keyword outside quotes, or -1. */
  private static int fromClause(String text, String upper) {
    boolean quoted = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == quote) {
          quoted = false;
        }
      } else if (c == '"' || c == '\'') {
        quoted = true;
        quote = c;
      } else if (upper.startsWith("FROM", i) && isBoundary(text, i - 1) && isBoundary(text, i + 4)) {
        return i + 4;
      }
    }
    return -1;
  }

  private static int afterWords(String text, String upper, int from, String word) {
    int at = skipSpace(text, from);
    return upper.startsWith(word, at) && isBoundary(text, at + word.length()) ? at + word.length() : -1;
  }

  private static boolean startsWithWord(String upper, String word) {
    return upper.startsWith(word) && isBoundary(upper, word.length());
  }

  private static boolean isBoundary(String text, int at) {
    return at < 0 || at >= text.length() || !Character.isLetterOrDigit(text.charAt(at)) && text.charAt(at) != '_';
  }

  private static int skipSpace(String text, int at) {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
    return at;
  }

  /** A double-quoted identifier ({@code ""} escapes a quote) or a bare one; null if there is none. */
  private static String identifier(String text, int at, int[] end) {
    if (at >= text.length()) {
      return null;
    }
    if (text.charAt(at) == '"') {
      StringBuilder name = new StringBuilder();
      int i = at + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            name.append('"');
            i += 2;
            continue;
          }
          end[0] = i + 1;
          return name.isEmpty() ? null : name.toString();
        }
        name.append(c);
        i++;
      }
      return null;
    }
    int i = at;
    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '-')) {
      i++;
    }
    end[0] = i;
    return i == at ? null : text.substring(at, i);
  }
}
