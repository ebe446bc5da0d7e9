package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Renders values the way JavaScript does ({@code String(number)} and {@code JSON.stringify}).
 *
 * <p>Validation messages quote the offending request value, and dynalite (whose messages copy
 * DynamoDB's) builds that quote with JavaScript's conversions. Java's own
 * {@code Double.toString} and Jackson's writer differ in small ways (exponent format, {@code \\u}
 * hex case), so we reproduce the JavaScript rules here.
 */
final class JsText {

  private JsText() {}

  /** ECMAScript {@code Number::toString(x)} for radix 10. */
  static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return "0"; // also for -0, as JavaScript prints it
    }
    if (d < 0) {
      return "-" + number(-d);
    }
    // Shortest round-tripping digits s and exponent n such that d = 0.s * 10^n.
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String s = exact.unscaledValue().toString();
    int k = s.length();
    int n = k - exact.scale();
    if (k <= n && n <= 21) {
      return s + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return s.substring(0, n) + "." + s.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + s;
    }
    int e = n - 1;
    String exponent = (e < 0 ? "-" : "+") + Math.abs(e);
    return k == 1 ? s + "e" + exponent : s.charAt(0) + "." + s.substring(1) + "e" + exponent;
  }

  /** {@code JSON.stringify(node)} for a tree of plain JSON values (no spaces). */
  static String stringify(JsonNode node) {
    StringBuilder out = new StringBuilder();
    stringify(node, out);
    return out.toString();
  }

  private static void stringify(JsonNode node, StringBuilder out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isNumber()) {
      double d = node.doubleValue();
      out.append(Double.isFinite(d) ? number(d) : "null");
    } else if (node.isTextual()) {
      quote(node.textValue(), out);
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        stringify(node.get(i), out);
      }
      out.append(']');
    } else if (node.isObject()) {
      out.append('{');
      boolean first = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) {
          out.append(',');
        }
        first = false;
        quote(e.getKey(), out);
        out.append(':');
        stringify(e.getValue(), out);
      }
      out.append('}');
    } else {
      quote(node.asText(), out);
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean loneSurrogate =
              (Character.isHighSurrogate(c)
                      && !(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))))
                  || (Character.isLowSurrogate(c)
                      && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1))));
          if (c < 0x20 || loneSurrogate) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
