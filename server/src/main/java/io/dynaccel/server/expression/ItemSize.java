package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * An item's size as DynamoDB counts it against the 400 KB limit, from the Developer Guide's rules:
 * names and strings in UTF-8 bytes, binaries in bytes, a number one byte per two significant digits
 * plus one, BOOL and NULL one byte, a list or map three bytes plus one per element plus its
 * elements (and, for a map, the members' names).
 */
final class ItemSize {

  /** DynamoDB's limit: 400 KB. */
  static final int MAX_BYTES = 400 * 1024;

  private ItemSize() {}

  static long of(ObjectNode item) {
    long size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> attribute = it.next();
      size += utf8(attribute.getKey()) + value(attribute.getValue());
    }
    return size;
  }

  private static long value(JsonNode value) {
    String type = ValueSemantics.type(value);
    JsonNode v = value.get(type);
    long size = 0;
    switch (type) {
      case "S" -> size = utf8(v.textValue());
      case "B" -> size = ValueSemantics.bytes(v).length;
      case "N" -> size = number(v.textValue());
      case "BOOL", "NULL" -> size = 1;
      case "SS" -> {
        for (JsonNode e : v) {
          size += utf8(e.textValue());
        }
      }
      case "NS" -> {
        for (JsonNode e : v) {
          size += number(e.textValue());
        }
      }
      case "BS" -> {
        for (JsonNode e : v) {
          size += ValueSemantics.bytes(e).length;
        }
      }
      case "L" -> {
        size = 3;
        for (JsonNode e : v) {
          size += 1 + value(e);
        }
      }
      case "M" -> size = 3 + v.size() + of((ObjectNode) v);
      default -> {}
    }
    return size;
  }

  /** {@code canonical} is DynamoDB's plain text of the number: no exponent, no redundant zeros. */
  private static long number(String canonical) {
    int first = -1;
    int last = -1;
    int digits = 0;
    for (int i = 0; i < canonical.length(); i++) {
      char c = canonical.charAt(i);
      if (c >= '1' && c <= '9') {
        if (first < 0) {
          first = digits;
        }
        last = digits;
      }
      if (c >= '0' && c <= '9') {
        digits++;
      }
    }
    int significant = first < 0 ? 1 : last - first + 1;
    return 1 + (significant + 1) / 2;
  }

  /** UTF-8 length without encoding (items are sized on every write). */
  private static long utf8(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3; // the rest of the basic plane (a lone surrogate too: the larger count is the safe one)
      }
    }
    return bytes;
  }
}
