package io.dynaccel.server.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reads the commonest plain GetItem straight from its bytes, with no parser to build: the JSON text
 * of {@link StreamedGetItem}'s form in which every string is printable ASCII without escapes. That
 * is what SDKs send for nearly every hit, and for it a JSON parser's own objects were most of what a
 * hit allocated.
 *
 * <p>It takes JSON's grammar strictly (whitespace is space, tab, line feed and carriage return, only
 * whitespace after the object), so every text it accepts is one the tree reader reads the same way.
 * On anything else (an escape, a byte outside printable ASCII, another member, a duplicate) it
 * gives up, and the Jackson reader of {@link StreamedGetItem} decides.
 */
final class GetItemByteScanner {

  private static final byte[] TABLE_NAME = ascii("TableName");
  private static final byte[] KEY = ascii("Key");
  private static final byte[] CONSISTENT_READ = ascii("ConsistentRead");
  private static final byte[] RETURN_CONSUMED_CAPACITY = ascii("ReturnConsumedCapacity");
  private static final byte[] NONE = ascii("NONE");
  private static final byte[] FALSE = ascii("false");

  private final byte[] bytes;
  private final int end;
  private int at;
  // The last string read: its bytes are bytes[stringFrom, stringTo).
  private int stringFrom;
  private int stringTo;

  private GetItemByteScanner(byte[] bytes, int from, int length) {
    this.bytes = bytes;
    this.at = from;
    this.end = from + length;
  }

  /** Scans the bytes into {@code call}; false (call then unusable) if they are not of the simple form. */
  static boolean scan(byte[] bytes, int from, int length, StreamedGetItem call) {
    return new GetItemByteScanner(bytes, from, length).object(call);
  }

  private boolean object(StreamedGetItem call) {
    boolean table = false;
    boolean key = false;
    boolean consistent = false;
    boolean capacity = false;
    if (!take('{')) {
      return false;
    }
    do {
      if (!string()) {
        return false;
      }
      boolean ok;
      if (stringIs(TABLE_NAME) && !table) {
        table = true;
        ok = take(':') && string();
        if (ok) {
          call.table(text());
        }
      } else if (stringIs(KEY) && !key) {
        key = true;
        ok = take(':') && key(call);
      } else if (stringIs(CONSISTENT_READ) && !consistent) {
        consistent = true;
        ok = take(':') && literal(FALSE);
      } else if (stringIs(RETURN_CONSUMED_CAPACITY) && !capacity) {
        capacity = true;
        ok = take(':') && string() && stringIs(NONE);
      } else {
        return false;
      }
      if (!ok) {
        return false;
      }
    } while (take(','));
    if (!take('}') || !table || !key) {
      return false;
    }
    skipWhitespace();
    return at == end;
  }

  /** {@code {"name":{"S"|"N":"value"}}} with one or two distinct names. */
  private boolean key(StreamedGetItem call) {
    if (!take('{')) {
      return false;
    }
    int size = 0;
    do {
      if (size == 2 || !string()) {
        return false;
      }
      String name = text();
      if (!take(':') || !take('{') || !string() || stringTo - stringFrom != 1) {
        return false;
      }
      byte type = bytes[stringFrom];
      if ((type != 'S' && type != 'N') || !take(':') || !string()) {
        return false;
      }
      String value = text();
      if (!take('}') || (size == 1 && name.equals(call.firstName()))) {
        return false;
      }
      call.keyAttribute(name, type == 'S' ? "S" : "N", value);
      size++;
    } while (take(','));
    return take('}');
  }

  /** Reads a string of printable ASCII without escapes, after optional whitespace. */
  private boolean string() {
    if (!take('"')) {
      return false;
    }
    stringFrom = at;
    while (at < end) {
      byte b = bytes[at];
      if (b == '"') {
        stringTo = at++;
        return true;
      }
      if (b < 0x20 || b > 0x7E || b == '\\') {
        return false;
      }
      at++;
    }
    return false;
  }

  private boolean stringIs(byte[] expected) {
    int length = stringTo - stringFrom;
    if (length != expected.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (bytes[stringFrom + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private String text() {
    return new String(bytes, stringFrom, stringTo - stringFrom, StandardCharsets.ISO_8859_1);
  }

  /** A literal, which JSON ends with a delimiter: {@code falsey} is no JSON. */
  private boolean literal(byte[] literal) {
    skipWhitespace();
    if (end - at < literal.length) {
      return false;
    }
    for (int i = 0; i < literal.length; i++) {
      if (bytes[at + i] != literal[i]) {
        return false;
      }
    }
    at += literal.length;
    if (at == end) {
      return false;
    }
    byte next = bytes[at];
    return next == ',' || next == '}' || isWhitespace(next);
  }

  private boolean take(char expected) {
    skipWhitespace();
    if (at < end && bytes[at] == expected) {
      at++;
      return true;
    }
    return false;
  }

  private void skipWhitespace() {
    while (at < end && isWhitespace(bytes[at])) {
      at++;
    }
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
