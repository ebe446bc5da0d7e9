package io.dynaccel.server.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DynamoDB's normalization of attribute values, so that an item served from the cache is
 * byte-for-byte what DynamoDB itself would return.
 *
 * <p>DynamoDB stores numbers as decimals and returns them in canonical plain notation
 * ({@code "001.500"} comes back as {@code "1.5"}, {@code "1E+2"} as {@code "100"}). The rules here
 * are those of dynalite 4.0.0 (which uses big.js), verified against it: see the tests.
 */
public final class AttributeValues {

  /** big.js's accepted syntax: optional minus, digits with optional point, optional exponent. */
  private static final Pattern NUMBER =
      Pattern.compile("^(-?)(?:(\\d+)(?:\\.(\\d*))?|\\.(\\d+))(?:[eE]([+-]?\\d+))?$");

  private static final int MAX_EXPONENT = 125; // largest allowed magnitude is < 1E+126
  private static final int MIN_EXPONENT = -130; // smallest allowed magnitude is 1E-130
  private static final int MAX_DIGITS = 38;

  /** Member order of an AttributeValue once DynamoDB has read it (dynalite's type table order). */
  private static final List<String> TYPES =
      List.of("S", "B", "N", "BOOL", "NULL", "BS", "NS", "SS", "L", "M");

  private AttributeValues() {}

  /**
   * The text DynamoDB returns for the number {@code n}: plain notation, no exponent, no leading or
   * trailing zeros, no negative zero.
   *
   * @throws IllegalArgumentException if DynamoDB would reject {@code n}; the message is DynamoDB's
   *     (e.g. "Number overflow. Attempting to store a number with magnitude larger than supported
   *     range")
   */
  public static String canonicalNumber(String n) {
    if (n == null || n.isEmpty()) {
      throw new IllegalArgumentException("The parameter cannot be converted to a numeric value");
    }
    Matcher m = NUMBER.matcher(n);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "The parameter cannot be converted to a numeric value: " + n);
    }
    boolean negative = !m.group(1).isEmpty();
    String intPart = m.group(2) != null ? m.group(2) : "";
    String fracPart = m.group(2) != null ? (m.group(3) != null ? m.group(3) : "") : m.group(4);
    String digits = intPart + fracPart;
    int first = 0;
    while (first < digits.length() && digits.charAt(first) == '0') {
      first++;
    }
    if (first == digits.length()) {
      return "0"; // zero, whatever its sign or exponent
    }
    int last = digits.length();
    while (digits.charAt(last - 1) == '0') {
      last--;
    }
    String coefficient = digits.substring(first, last);
    // Exponent of the first significant digit; BigInteger because "1e99999999999" is valid syntax.
    BigInteger exponent =
        BigInteger.valueOf(intPart.length() - first - 1)
            .add(m.group(5) != null ? new BigInteger(m.group(5)) : BigInteger.ZERO);
    if (exponent.compareTo(BigInteger.valueOf(MAX_EXPONENT)) > 0) {
      throw new IllegalArgumentException(
          "Number overflow. Attempting to store a number with magnitude larger than supported range");
    }
    if (exponent.compareTo(BigInteger.valueOf(MIN_EXPONENT)) < 0) {
      throw new IllegalArgumentException(
          "Number underflow. Attempting to store a number with magnitude smaller than supported"
              + " range");
    }
    if (coefficient.length() > MAX_DIGITS) {
      throw new IllegalArgumentException(
          "Attempting to store more than 38 significant digits in a Number");
    }
    int e = exponent.intValueExact();
    String plain;
    if (e < 0) {
      plain = "0." + "0".repeat(-e - 1) + coefficient;
    } else if (coefficient.length() <= e + 1) {
      plain = coefficient + "0".repeat(e + 1 - coefficient.length());
    } else {
      plain = coefficient.substring(0, e + 1) + "." + coefficient.substring(e + 1);
    }
    return negative ? "-" + plain : plain;
  }

  /**
   * A copy of {@code item} as DynamoDB returns it after a PutItem of it: numbers canonical in
   * {@code N}, {@code NS} and inside {@code M} and {@code L}; {@code BOOL}/{@code NULL} given as
   * the strings DynamoDB accepts ({@code "yes"}, {@code "0"}, ...) turned into booleans; unknown or
   * null members of an attribute value dropped; map keys in the order dynalite returns them (see
   * {@link JsKeyOrder}). Sets keep their order; strings and binaries are returned as given.
   *
   * @param item an item that passed DynamoDB's request checks
   * @throws IllegalArgumentException if it holds a number or value DynamoDB would reject
   */
  public static ObjectNode normalizeItem(ObjectNode item) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String name : JsKeyOrder.keys(item)) {
      out.set(name, normalizeValue(item.get(name)));
    }
    return out;
  }

  private static JsonNode normalizeValue(JsonNode value) {
    if (value == null || !value.isObject()) {
      throw new IllegalArgumentException("Not an AttributeValue: " + value);
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String type : TYPES) {
      JsonNode member = value.get(type);
      if (member == null || member.isNull()) {
        continue;
      }
      switch (type) {
        case "N" -> out.put(type, canonicalNumber(member.asText()));
        case "NS" -> {
          ArrayNode set = out.putArray(type);
          for (JsonNode n : member) {
            set.add(canonicalNumber(n.asText()));
          }
        }
        case "BOOL", "NULL" -> out.put(type, toBoolean(member));
        case "L" -> {
          ArrayNode list = out.putArray(type);
          for (JsonNode element : member) {
            list.add(normalizeValue(element));
          }
        }
        case "M" -> {
          if (!member.isObject()) {
            throw new IllegalArgumentException("Not a map: " + member);
          }
          out.set(type, normalizeItem((ObjectNode) member));
        }
        default -> out.set(type, member.deepCopy());
      }
    }
    return out;
  }

  /** DynamoDB's reading of a Boolean member, which also accepts a few strings. */
  private static boolean toBoolean(JsonNode member) {
    if (member.isBoolean()) {
      return member.booleanValue();
    }
    if (member.isTextual()) {
      switch (member.textValue().toUpperCase(Locale.ROOT)) {
        case "TRUE", "1", "YES" -> {
          return true;
        }
        case "FALSE", "0", "NO" -> {
          return false;
        }
        default -> {}
      }
    }
    throw new IllegalArgumentException("Not a Boolean: " + member);
  }
}
