package io.dynaccel.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.item.DynamoDbNumber;
import io.dynaccel.server.protocol.StreamedGetItem;
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
   * The cache key of a plain GetItem's key, read without a tree: the same key {@link #keyOf(String, JsonNode)}
   * gives for the tree of the same body.
   *
   * @return the canonical key, or null if DynamoDB would reject this key
   */
  public ItemKey keyOf(String table, StreamedGetItem call) {
    if (call.keySize() != size()) {
      return null;
    }
    boolean inOrder = call.firstName().equals(hashName);
    String partition = inOrder ? canonical(call.firstType(), call.firstValue(), hashType)
        : size() == 2 && call.secondName().equals(hashName) ? canonical(call.secondType(), call.secondValue(), hashType) : null;
    if (partition == null) {
      return null;
    }
    if (rangeName == null) {
      return new ItemKey(table, partition, "");
    }
    String sort = inOrder ? (call.secondName().equals(rangeName) ? canonical(call.secondType(), call.secondValue(), rangeType) : null)
        : call.firstName().equals(rangeName) ? canonical(call.firstType(), call.firstValue(), rangeType) : null;
    return sort == null ? null : new ItemKey(table, partition, sort);
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
    if (value == null || !value.isObject() || value.size() != 1) {
      return null;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    Map.Entry<String, JsonNode> only = fields.next();
    return only.getValue().isTextual() ? canonical(only.getKey(), only.getValue().textValue(), type) : null;
  }

  /** The canonical form of a value given as its type and text, or null if it is not a valid value of {@code type}. */
  private static String canonical(String givenType, String text, String type) {
    if (!givenType.equals(type) || text.isEmpty()) {
      return null;
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
      return null;
    }
    // One concatenation, one string: the key of every hit is built here.
    return canonical == null ? null : type + canonical.length() + ':' + canonical;
  }
}
