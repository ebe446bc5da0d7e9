package io.dynaccel.server.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The JSON reader and writer of the API: strict JSON in, compact JSON out, for requests and for
 * DynamoDB's answers alike.
 *
 * <p>Floating-point literals are kept as exact decimals, and nesting depth is bounded so that a
 * hostile body cannot exhaust the stack. Neither bound may refuse what DynamoDB takes: attribute
 * names of up to 64 KB (Jackson's default limit is 50,000 characters), and documents nested far
 * past DynamoDB's 32 levels, which DynamoDB reads and then refuses with a ValidationException.
 */
public final class JsonCodec {

  /**
   * Two JSON levels per DynamoDB level (an AttributeValue, then its map or list) plus the request's
   * own envelope: 1000, Jackson's default, leaves room for far more than DynamoDB's 32 levels.
   */
  static final int MAX_NESTING_DEPTH = 1000;
  /** No name can be longer than a body (16 MiB), and DynamoDB's attribute names reach 64 KB. */
  static final int MAX_NAME_LENGTH = 16 * 1024 * 1024;

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxNameLength(MAX_NAME_LENGTH)
                          .build())
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private JsonCodec() {}

  /** Parses bytes into a tree; throws {@link DynamoDbException} (serialization) if they are not JSON. */
  public static JsonNode read(byte[] bytes) {
    return read(bytes, 0, bytes.length);
  }

  /** Parses a slice of bytes into a tree; throws {@link DynamoDbException} if it is not JSON. */
  public static JsonNode read(byte[] bytes, int offset, int length) {
    try {
      JsonNode node = MAPPER.readTree(bytes, offset, length);
      if (node == null || node.isMissingNode()) {
        throw DynamoDbException.serialization(null);
      }
      return node;
    } catch (IOException e) {
      throw DynamoDbException.serialization(null);
    }
  }

  /**
   * The bytes of one member's value in a JSON object, exactly as they are written there, without
   * building a tree: DynamoDB's answers are kept as DynamoDB encoded them (its escapes are not
   * Jackson's: {@code \u001f}, not {@code \u001F}). Only members of the outermost object count.
   *
   * @return the value's bytes, or null if the object has no such member or it is {@code null}
   * @throws DynamoDbException (serialization) if {@code json} is not one JSON object
   */
  public static byte[] memberBytes(byte[] json, String name) {
    try (JsonParser parser = MAPPER.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw DynamoDbException.serialization(null);
      }
      byte[] value = null;
      // The whole object is read, as a tree would be, so that a malformed answer is refused all the same.
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean wanted = name.equals(parser.currentName());
        JsonToken token = parser.nextToken();
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        if (wanted && token != JsonToken.VALUE_NULL) {
          value = Arrays.copyOfRange(json, start, (int) parser.currentLocation().getByteOffset());
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw DynamoDbException.serialization(null);
      }
      return value;
    } catch (IOException e) {
      throw DynamoDbException.serialization(null);
    }
  }

  /** A streaming parser over a slice of bytes, with the tree reader's limits. */
  static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
    return MAPPER.getFactory().createParser(bytes, offset, length);
  }

  /** Encodes a tree as compact UTF-8 JSON. */
  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A canonical text of a tree: object members sorted by name at every level, so that two requests
   * that differ only in member order have the same text.
   */
  public static String canonical(JsonNode node) {
    StringBuilder out = new StringBuilder();
    appendCanonical(out, node);
    return out.toString();
  }

  private static void appendCanonical(StringBuilder out, JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      out.append('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(TextNode.valueOf(names.get(i))).append(':');
        appendCanonical(out, node.get(names.get(i)));
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        appendCanonical(out, node.get(i));
      }
      out.append(']');
    } else {
      out.append(node);
    }
  }

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
