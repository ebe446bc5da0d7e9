package io.dynaccel.server.item;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The size DynamoDB counts for an item, by the rules of its developer guide: each attribute name in
 * UTF-8 bytes plus its value; a String its UTF-8 bytes, a Binary its raw bytes, a Number one byte
 * per two significant digits plus one, a Boolean or Null one byte, a set the sum of its elements,
 * and a List or Map three bytes plus one byte and the size of each element (with its name, in a
 * map). Used where a limit DynamoDB sets in bytes of data must be kept: BatchGetItem's 16 MB
 * answer from the cache, and the 400 KB item limit of writes evaluated locally.
 */
public final class ItemSize {

  /** DynamoDB's largest item: 400 KB. */
  public static final int MAX_BYTES = 400 * 1024;

  private ItemSize() {}

  /** The size of an item in DynamoDB JSON, as DynamoDB counts it. */
  public static long of(JsonNode item) {
    long size = 0;
    for (Map.Entry<String, JsonNode> attribute : item.properties()) {
      size += utf8Length(attribute.getKey()) + valueSize(attribute.getValue());
    }
    return size;
  }

  private static long valueSize(JsonNode value) {
    long size = 0;
    for (Map.Entry<String, JsonNode> member : value.properties()) {
      JsonNode v = member.getValue();
      size += switch (member.getKey()) {
        case "S" -> utf8Length(v.asText());
        case "N" -> numberSize(v.asText());
        case "B" -> binarySize(v.asText());
        case "BOOL", "NULL" -> 1;
        case "SS" -> sum(v, e -> utf8Length(e.asText()));
        case "NS" -> sum(v, e -> numberSize(e.asText()));
        case "BS" -> sum(v, e -> binarySize(e.asText()));
        case "L" -> 3 + sum(v, e -> 1 + valueSize(e));
        case "M" -> 3 + v.properties().stream().mapToLong(e -> 1 + utf8Length(e.getKey()) + valueSize(e.getValue())).sum();
        default -> 0;
      };
    }
    return size;
  }

  private interface ElementSize {
    long of(JsonNode element);
  }

  private static long sum(JsonNode elements, ElementSize size) {
    long total = 0;
    for (JsonNode element : elements) {
      total += size.of(element);
    }
    return total;
  }

  private static long numberSize(String text) {
    int digits = 0;
    int first = -1;
    int last = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 'e' || c == 'E') {
        break;
      }
      if (c >= '0' && c <= '9') {
        if (c != '0') {
          if (first < 0) {
            first = digits;
          }
          last = digits;
        }
        digits++;
      }
    }
    int significant = first < 0 ? 1 : last - first + 1;
    return 1 + (significant + 1) / 2;
  }

  /** The decoded length of base64 text, without decoding it. */
  private static long binarySize(String base64) {
    int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
    return (long) base64.length() * 3 / 4 - padding;
  }

  private static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
