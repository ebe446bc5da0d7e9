package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB's meaning of equality, order, {@code size}, {@code contains} and {@code begins_with} on
 * attribute values (JSON AttributeValues such as {@code {"N":"1.5"}}).
 *
 * <p>From the Developer Guide's comparison rules: values of different types are never equal and
 * never ordered; numbers compare by value ({@code 1.0 = 1}); strings by their UTF-8 bytes; binaries
 * by unsigned bytes; only N, S and B are ordered. Sets are equal when they hold the same elements
 * in any order; lists when they are equal element by element; maps when they have the same members
 * with equal values.
 */
final class ValueSemantics {

  private ValueSemantics() {}

  /** The type member of an AttributeValue ({@code "S"}, {@code "NS"}, ...). */
  static String type(JsonNode value) {
    Iterator<String> names = value.fieldNames();
    return names.hasNext() ? names.next() : "";
  }

  static boolean equal(JsonNode a, JsonNode b) {
    String type = type(a);
    if (!type.equals(type(b))) {
      return false;
    }
    JsonNode x = a.get(type);
    JsonNode y = b.get(type);
    return switch (type) {
      case "N" -> number(x).compareTo(number(y)) == 0;
      case "B" -> Arrays.equals(bytes(x), bytes(y));
      case "S", "BOOL", "NULL" -> x.equals(y);
      case "SS" -> x.size() == y.size() && textSet(x).equals(textSet(y));
      case "NS" -> x.size() == y.size() && numberSet(x).equals(numberSet(y));
      case "BS" -> x.size() == y.size() && binarySet(x).equals(binarySet(y));
      case "L" -> listsEqual(x, y);
      case "M" -> mapsEqual(x, y);
      default -> false;
    };
  }

  /**
   * The sign of {@code a - b} when both are numbers, strings or binaries of the same type; null when
   * DynamoDB does not order them (the comparison is then false).
   */
  static Integer order(JsonNode a, JsonNode b) {
    String type = type(a);
    if (!type.equals(type(b))) {
      return null;
    }
    return switch (type) {
      case "N" -> Integer.signum(number(a.get("N")).compareTo(number(b.get("N"))));
      case "S" -> Integer.signum(Arrays.compareUnsigned(utf8(a.get("S")), utf8(b.get("S"))));
      case "B" -> Integer.signum(Arrays.compareUnsigned(bytes(a.get("B")), bytes(b.get("B"))));
      default -> null;
    };
  }

  /**
   * DynamoDB's {@code size}: UTF-16 code units of a string (as reported from DynamoDB itself,
   * {@code size("é𝄞") = 3}), bytes of a binary, elements of a set, list or map; null for other types.
   */
  static Integer size(JsonNode value) {
    String type = type(value);
    JsonNode v = value.get(type);
    return switch (type) {
      case "S" -> v.textValue().length();
      case "B" -> bytes(v).length;
      case "SS", "NS", "BS", "L", "M" -> v.size();
      default -> null;
    };
  }

  /** {@code contains(haystack, needle)}: a substring of a string, a subsequence of bytes, an element of a set or list. */
  static boolean contains(JsonNode haystack, JsonNode needle) {
    String type = type(haystack);
    String needleType = type(needle);
    JsonNode h = haystack.get(type);
    JsonNode n = needle.get(needleType);
    switch (type) {
      case "S":
        return needleType.equals("S") && h.textValue().contains(n.textValue());
      case "B":
        return needleType.equals("B") && indexOf(bytes(h), bytes(n)) >= 0;
      case "SS", "NS", "BS":
        if (!needleType.equals(type.substring(0, 1))) {
          return false;
        }
        for (JsonNode element : h) {
          if (equal(wrap(needleType, element), needle)) {
            return true;
          }
        }
        return false;
      case "L":
        for (JsonNode element : h) {
          if (equal(element, needle)) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  /** {@code begins_with(value, prefix)} for strings and binaries of the same type. */
  static boolean beginsWith(JsonNode value, JsonNode prefix) {
    String type = type(value);
    if (!type.equals(type(prefix))) {
      return false;
    }
    return switch (type) {
      case "S" -> value.get("S").textValue().startsWith(prefix.get("S").textValue());
      case "B" -> {
        byte[] v = bytes(value.get("B"));
        byte[] p = bytes(prefix.get("B"));
        yield v.length >= p.length && Arrays.equals(v, 0, p.length, p, 0, p.length);
      }
      default -> false;
    };
  }

  static BigDecimal number(JsonNode text) {
    return new BigDecimal(text.textValue());
  }

  static byte[] bytes(JsonNode base64) {
    try {
      return Base64.getDecoder().decode(base64.textValue());
    } catch (IllegalArgumentException e) {
      return base64.textValue().getBytes(StandardCharsets.UTF_8); // validated upstream; compare as given
    }
  }

  private static byte[] utf8(JsonNode text) {
    return text.textValue().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode wrap(String type, JsonNode scalar) {
    return JsonNodeFactory.instance.objectNode().set(type, scalar);
  }

  private static Set<String> textSet(JsonNode set) {
    Set<String> out = new HashSet<>();
    set.forEach(e -> out.add(e.textValue()));
    return out;
  }

  private static Set<BigDecimal> numberSet(JsonNode set) {
    Set<BigDecimal> out = new HashSet<>();
    set.forEach(e -> out.add(number(e).stripTrailingZeros()));
    return out;
  }

  private static Set<String> binarySet(JsonNode set) {
    Set<String> out = new HashSet<>();
    set.forEach(e -> out.add(Base64.getEncoder().encodeToString(bytes(e))));
    return out;
  }

  private static boolean listsEqual(JsonNode x, JsonNode y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      if (!equal(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean mapsEqual(JsonNode x, JsonNode y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      JsonNode other = y.get(member.getKey());
      if (other == null || !equal(member.getValue(), other)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
