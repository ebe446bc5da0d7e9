package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The type of a member in DynamoDB's request model, as the API reference declares it: a scalar, a
 * list, a map from strings, or a named structure.
 *
 * <p>DynamoDB reads a request into Java objects of its service model, so its serialization errors
 * name Java types: {@link #javaName()} renders a type the way those messages do, e.g. {@code
 * java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>}.
 */
sealed interface ModelType {

  /** The package of DynamoDB's model classes, which its messages name in full. */
  String MODEL_PACKAGE = "com.amazonaws.dynamodb.v20120810.";

  /** The Java type DynamoDB's messages name for this type. */
  String javaName();

  /** A list whose elements all have one type. */
  record ListOf(ModelType element) implements ModelType {
    @Override
    public String javaName() {
      return "java.util.List<" + element.javaName() + ">";
    }
  }

  /** A map from strings to values of one type. */
  record MapOf(ModelType value) implements ModelType {
    @Override
    public String javaName() {
      return "java.util.Map<java.lang.String, " + value.javaName() + ">";
    }
  }

  /**
   * A named structure of the model. Members are added after construction because the model is
   * recursive (an AttributeValue holds lists and maps of AttributeValues).
   */
  final class Structure implements ModelType {
    private final String name;
    private final Map<String, ModelType> members = new LinkedHashMap<>();

    Structure(String name) {
      this.name = name;
    }

    /** Declares a member; returns this structure. */
    Structure member(String memberName, ModelType type) {
      members.put(memberName, type);
      return this;
    }

    /** The type of a member, or null if the structure has no member of that name. */
    ModelType memberType(String memberName) {
      return members.get(memberName);
    }

    @Override
    public String javaName() {
      return MODEL_PACKAGE + name;
    }
  }

  /**
   * The JSON token kinds of a scalar as DynamoDB's parser names them in "X cannot be converted to Y"
   * messages. A number is a {@code DECIMAL_VALUE} when its literal has a fraction or an exponent.
   */
  enum Token {
    STRING_VALUE,
    NUMBER_VALUE,
    DECIMAL_VALUE,
    TRUE_VALUE,
    FALSE_VALUE;

    static Token of(JsonNode scalar) {
      if (scalar.isBoolean()) {
        return scalar.booleanValue() ? TRUE_VALUE : FALSE_VALUE;
      }
      if (scalar.isNumber()) {
        return scalar.isIntegralNumber() ? NUMBER_VALUE : DECIMAL_VALUE;
      }
      return STRING_VALUE;
    }
  }

  /** The scalar types of the model, each with the rule by which DynamoDB reads a JSON scalar. */
  enum Scalar implements ModelType {
    STRING("java.lang.String") {
      @Override
      String refusal(Token token, JsonNode scalar) {
        return token == Token.STRING_VALUE ? null : token + " cannot be converted to String";
      }
    },
    INTEGER("java.lang.Integer") {
      @Override
      String refusal(Token token, JsonNode scalar) {
        return switch (token) {
          case NUMBER_VALUE, DECIMAL_VALUE -> null;
          default -> token + " cannot be converted to Integer";
        };
      }
    },
    BOOLEAN("java.lang.Boolean") {
      @Override
      String refusal(Token token, JsonNode scalar) {
        return switch (token) {
          case TRUE_VALUE, FALSE_VALUE -> null;
          case STRING_VALUE -> BOOLEAN_WORDS.contains(scalar.asText().toUpperCase(Locale.ROOT))
              ? null
              : "Unexpected token received from parser";
          default -> token + " cannot be converted to Boolean";
        };
      }
    },
    BLOB("java.nio.ByteBuffer") {
      @Override
      String refusal(Token token, JsonNode scalar) {
        if (token != Token.STRING_VALUE) {
          return "only base-64-encoded strings are convertible to bytes";
        }
        String text = scalar.asText();
        if (text.length() % 4 != 0) {
          return "Base64 encoded length is expected a multiple of 4 bytes but found: " + text.length();
        }
        // DynamoDB takes only canonical base64: standard alphabet, padding, zero trailing bits.
        // "dectected" is DynamoDB's own spelling.
        return isCanonicalBase64(text) ? null : "Invalid last non-pad Base64 character dectected";
      }
    };

    /** DynamoDB also reads these strings, in any case, as booleans. */
    private static final Set<String> BOOLEAN_WORDS = Set.of("TRUE", "FALSE", "YES", "NO", "1", "0");

    private final String javaName;

    Scalar(String javaName) {
      this.javaName = javaName;
    }

    @Override
    public String javaName() {
      return javaName;
    }

    /** DynamoDB's message refusing a JSON scalar for this type, or null if it reads the scalar. */
    abstract String refusal(Token token, JsonNode scalar);

    private static boolean isCanonicalBase64(String text) {
      try {
        return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(text)).equals(text);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
