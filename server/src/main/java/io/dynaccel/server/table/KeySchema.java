package io.dynaccel.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.item.DynamoDbNumber;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * The primary key of a table, and the canonical form of key values that the cache uses as identity.
 *
 * <p>Canonical means DynamoDB's notion of equality: numbers compare by value ({@code 1.50} is
 * {@code 1.5}) and binaries by their bytes, not their base64 spelling. A key that is not exactly
 * right for the schema yields null; the caller then lets DynamoDB produce the error.
 *
 * @param hashName the partition key attribute
 * @param hashType its type: S, N or B
 * @param rangeName the sort key attribute, or null
 * @param rangeType its type, or null
 */
public record KeySchema(String hashName, String hashType, String rangeName, String rangeType) {

  /** The number of key attributes: 1 or 2. */
  public int size() {
    return rangeName == null ? 1 : 2;
  }

  /**
   * The cache key of a {@code Key} map, which must hold exactly the key attributes with the right
   * types and valid values.
   *
   * @return the canonical key, or null if DynamoDB would reject this key
   */
  public ItemKey keyOf(String table, JsonNode key) {
    if (key == null || !key.isObject() || key.size() != size()) {
      return null;
    }
    return keyOfItem(table, key);
  }

  /**
   * The cache key of an item, which must hold the key attributes (and may hold others).
   *
   * @return the canonical key, or null if the item lacks a valid key
   */
  public ItemKey keyOfItem(String table, JsonNode item) {
    if (item == null || !item.isObject()) {
      return null;
    }
    String partition = canonical(item.get(hashName), hashType);
    if (partition == null) {
      return null;
    }
    String sort = "";
    if (rangeName != null) {
      sort = canonical(item.get(rangeName), rangeType);
      if (sort == null) {
        return null;
      }
    }
    return new ItemKey(table, partition, sort);
  }

  /**
   * The canonical form of a partition key value, as in {@link ItemKey#partition()}.
   *
   * @return the canonical value, or null if it is not a valid value of the partition key's type
   */
  public String partitionOf(JsonNode value) {
    return canonical(value, hashType);
  }

  private static String canonical(JsonNode value, String type) {
    StringBuilder out = new StringBuilder();
    return appendCanonical(out, value, type) ? out.toString() : null;
  }

  private static boolean appendCanonical(StringBuilder out, JsonNode value, String type) {
    if (value == null || !value.isObject() || value.size() != 1) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    Map.Entry<String, JsonNode> only = fields.next();
    if (!only.getKey().equals(type) || !only.getValue().isTextual()) {
      return false;
    }
    String text = only.getValue().textValue();
    if (text.isEmpty()) {
      return false;
    }
    String canonical;
    try {
      canonical =
          switch (type) {
            case "S" -> text;
            case "N" -> DynamoDbNumber.canonical(text);
            case "B" -> Base64.getEncoder().encodeToString(Base64.getDecoder().decode(text));
            default -> null;
          };
    } catch (IllegalArgumentException e) {
      // Outside DynamoDB's number grammar, or not base64: never a cache key; DynamoDB answers.
      return false;
    }
    if (canonical == null) {
      return false;
    }
    out.append(type).append(canonical.length()).append(':').append(canonical);
    return true;
  }
}
