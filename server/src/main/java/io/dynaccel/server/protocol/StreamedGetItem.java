package io.dynaccel.server.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;

/**
 * A GetItem that the item cache may answer, read from the body bytes by a streaming parser instead
 * of a JSON tree: a table name, a key of one or two string- or number-valued attributes, and at
 * most {@code ConsistentRead: false} and {@code ReturnConsumedCapacity: "NONE"} besides. This is
 * the request of nearly every cache hit, and the tree of it cost more than the rest of the hit.
 *
 * <p>{@link #read} tries {@link GetItemByteScanner} first, then a Jackson streaming parser for the
 * texts it leaves (escapes, text beyond ASCII). Both accept a subset of what {@link PlainGetItem}
 * accepts of the tree, so DynamoDB's full type check has nothing to refuse in it, and the tree of
 * the same bytes says the same. Any other body (another member, a duplicate member, another type, a
 * byte-order mark, anything after the object) reads as null and takes the tree path, which stays
 * the reference.
 */
public final class StreamedGetItem {

  private static final int TABLE_NAME = 1;
  private static final int KEY = 2;
  private static final int CONSISTENT_READ = 4;
  private static final int RETURN_CONSUMED_CAPACITY = 8;

  // Filled in by read, one object per call: the hit path allocates as little as it can.
  private String table;
  private int keySize;
  private String firstName;
  private String firstType;
  private String firstValue;
  private String secondName;
  private String secondType;
  private String secondValue;

  private StreamedGetItem() {}

  /** The {@code TableName}, as spelt. */
  public String table() {
    return table;
  }

  /** The number of key attributes: 1 or 2. */
  public int keySize() {
    return keySize;
  }

  /** The first key attribute's name, in the body's order. */
  public String firstName() {
    return firstName;
  }

  /** Its type, {@code S} or {@code N}. */
  public String firstType() {
    return firstType;
  }

  /** Its value, as spelt. */
  public String firstValue() {
    return firstValue;
  }

  /** The second key attribute's name, or null with one attribute. */
  public String secondName() {
    return secondName;
  }

  /** Its type, or null. */
  public String secondType() {
    return secondType;
  }

  /** Its value, or null. */
  public String secondValue() {
    return secondValue;
  }

  /**
   * Reads a GetItem body.
   *
   * @return the call, or null if the body is not of this plain form (the tree path then decides)
   */
  public static StreamedGetItem read(Buffer body) {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    int from = bytes.readerIndex();
    int length = bytes.readableBytes();
    // The tree path refuses a byte-order mark, which the parser would skip.
    if (!bytes.hasArray() || length < 2 || bytes.getByte(from) == (byte) 0xEF) {
      return null;
    }
    StreamedGetItem scanned = new StreamedGetItem();
    if (GetItemByteScanner.scan(bytes.array(), bytes.arrayOffset() + from, length, scanned)) {
      return scanned;
    }
    try (JsonParser parser = JsonCodec.parser(bytes.array(), bytes.arrayOffset() + from, length)) {
      StreamedGetItem call = new StreamedGetItem();
      return call.readObject(parser) ? call : null;
    } catch (IOException | RuntimeException e) {
      // Not JSON, or not of the plain form: the tree path gives DynamoDB's answer.
      return null;
    }
  }

  private boolean readObject(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    int seen = 0;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String member = parser.currentName();
      JsonToken value = parser.nextToken();
      int bit;
      switch (member) {
        case "TableName" -> {
          bit = TABLE_NAME;
          if (value != JsonToken.VALUE_STRING) {
            return false;
          }
          table = parser.getText();
        }
        case "Key" -> {
          bit = KEY;
          if (value != JsonToken.START_OBJECT || !readKey(parser)) {
            return false;
          }
        }
        case "ConsistentRead" -> {
          bit = CONSISTENT_READ;
          if (value != JsonToken.VALUE_FALSE) {
            return false;
          }
        }
        case "ReturnConsumedCapacity" -> {
          bit = RETURN_CONSUMED_CAPACITY;
          if (value != JsonToken.VALUE_STRING || !"NONE".equals(parser.getText())) {
            return false;
          }
        }
        default -> {
          return false;
        }
      }
      if ((seen & bit) != 0) {
        return false;
      }
      seen |= bit;
    }
    // Anything after the object is refused by the tree path too (FAIL_ON_TRAILING_TOKENS).
    return token == JsonToken.END_OBJECT && (seen & (TABLE_NAME | KEY)) == (TABLE_NAME | KEY) && parser.nextToken() == null;
  }

  /** Reads the {@code Key} object after its start: one or two attributes, each {@code {"S"|"N": string}}. */
  private boolean readKey(JsonParser parser) throws IOException {
    // The loop ends at the object's end: the parser reports any other token there as an error.
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      if (keySize == 2) {
        return false;
      }
      String name = parser.currentName();
      if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME) {
        return false;
      }
      String type = parser.currentName();
      if (!(type.equals("S") || type.equals("N")) || parser.nextToken() != JsonToken.VALUE_STRING) {
        return false;
      }
      String value = parser.getText();
      if (parser.nextToken() != JsonToken.END_OBJECT) {
        return false;
      }
      if (keySize == 1 && name.equals(firstName)) {
        return false;
      }
      keyAttribute(name, type, value);
    }
    return keySize > 0;
  }

  /** Sets the table name, for the scanner. */
  void table(String spelling) {
    table = spelling;
  }

  /** Adds the next key attribute, the first or the second. */
  void keyAttribute(String name, String type, String value) {
    if (keySize == 0) {
      firstName = name;
      firstType = type;
      firstValue = value;
    } else {
      secondName = name;
      secondType = type;
      secondValue = value;
    }
    keySize++;
  }
}
