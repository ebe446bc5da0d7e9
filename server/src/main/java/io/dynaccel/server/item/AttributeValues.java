package io.dynaccel.server.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * DynamoDB's normalization of attribute values, so that an item served from the cache holds the
 * values DynamoDB itself would return.
 *
 * <p>DynamoDB stores numbers as decimals and returns them in canonical plain notation
 * ({@code "001.500"} comes back as {@code "1.5"}, {@code "1E+2"} as {@code "100"}); the grammar and
 * the canonical text are {@link DynamoDbNumber}'s. DynamoDB promises no order of attributes or map
 * members, so they keep the order of the request.
 */
public final class AttributeValues {

  /** The members an AttributeValue may hold; a valid one holds exactly one of them. */
  private static final List<String> TYPES =
      List.of("S", "B", "N", "BOOL", "NULL", "BS", "NS", "SS", "L", "M");

  private AttributeValues() {}

  /**
   * A copy of {@code item} as DynamoDB returns it after a PutItem of it: numbers canonical in
   * {@code N}, {@code NS} and inside {@code M} and {@code L}; {@code BOOL}/{@code NULL} given as
   * the strings DynamoDB accepts ({@code "yes"}, {@code "0"}, ...) turned into booleans; unknown or
   * null members of an attribute value dropped. Attributes, map members and sets keep their order;
   * strings and binaries are returned as given.
   *
   * @param item an item that passed DynamoDB's request checks
   * @throws IllegalArgumentException if it holds a number or value DynamoDB would reject
   */
  public static ObjectNode normalizeItem(ObjectNode item) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    item.properties().forEach(member -> out.set(member.getKey(), normalizeValue(member.getValue())));
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
        case "N" -> out.put(type, DynamoDbNumber.canonical(member.asText()));
        case "NS" -> {
          ArrayNode set = out.putArray(type);
          for (JsonNode n : member) {
            set.add(DynamoDbNumber.canonical(n.asText()));
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
