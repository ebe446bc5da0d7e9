package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.ModelType.ListOf;
import io.dynaccel.server.protocol.ModelType.MapOf;
import io.dynaccel.server.protocol.ModelType.Scalar;
import io.dynaccel.server.protocol.ModelType.Structure;
import io.dynaccel.server.protocol.ModelType.Token;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * DynamoDB's first check of a request body: every member it knows must have the JSON shape that
 * {@link RequestModel} declares for it, or the request is refused with the SerializationException
 * DynamoDB sends, before anything else is looked at.
 *
 * <p>The body is read the way a streaming parser reads it, in document order, so the first
 * mismatch in the text is the one reported. Members the model does not know, and members set to
 * {@code null}, are skipped, as DynamoDB skips them. A {@code null} element of a list or value of a
 * map is refused, since no DynamoDB model type reads it: it would otherwise reach the upstream,
 * where emulators fail on it with a 500.
 *
 * <p>Only the shape is checked. Length, pattern, range and enum constraints, required members and
 * the meaning of values are DynamoDB's to check on the forwarded request: its constraints have
 * changed over time (table names became ARNs of up to 1024 characters), and the order in which it
 * lists several violations is its own, so a local copy could only drift from the real answer. The
 * read path answers from the cache only read options it knows DynamoDB accepts and forwards the
 * rest.
 */
public final class RequestTypeChecker {

  private static final String START_OF_STRUCTURE = "Start of structure or map found where not expected";
  private static final String UNEXPECTED_FIELD_TYPE = "Unexpected field type";
  private static final String UNEXPECTED_VALUE_TYPE = "Unexpected value type in payload";
  /**
   * DynamoDB reads a collection held directly in another collection through its generic element
   * type, and a scalar in that place makes the read fail with this ClassCastException text.
   */
  private static final String NESTED_COLLECTION_GIVEN_SCALAR =
      "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class"
          + " java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and"
          + " java.lang.Class are in module java.base of loader 'bootstrap')";

  private RequestTypeChecker() {}

  /** Whether {@code operation} (e.g. {@code "GetItem"}) is one whose requests this class checks. */
  public static boolean supports(String operation) {
    return RequestModel.request(operation) != null;
  }

  /**
   * Checks the shape of a request body.
   *
   * @param operation the operation name from {@code X-Amz-Target}, e.g. {@code "GetItem"}
   * @param body the parsed request body; not modified
   * @throws DynamoDbException a SerializationException with DynamoDB's message if a member has the
   *     wrong JSON type or a collection holds a {@code null}
   * @throws IllegalArgumentException if the operation is not {@linkplain #supports supported}
   */
  public static void check(String operation, ObjectNode body) {
    Structure request = RequestModel.request(operation);
    if (request == null) {
      throw new IllegalArgumentException("No request model for " + operation);
    }
    // An explicit stack rather than recursion: the depth of a body is bounded only by the parser.
    Deque<Children> open = new ArrayDeque<>();
    open.push(Children.ofStructure(body, request));
    while (!open.isEmpty()) {
      Children current = open.peek();
      if (!current.advance()) {
        open.pop();
        continue;
      }
      Children inner = read(current.value, current.type, current.inCollection());
      if (inner != null) {
        open.push(inner);
      }
    }
  }

  /**
   * Checks one value against its declared type.
   *
   * @param inCollection whether the value is a list element or map value rather than a member
   * @return the children still to read if the value is a container, else null
   */
  private static Children read(JsonNode value, ModelType type, boolean inCollection) {
    if (type instanceof Scalar scalar) {
      readScalar(value, scalar);
      return null;
    }
    if (type instanceof ListOf list) {
      if (value.isArray()) {
        return Children.ofList(value, list.element());
      }
      throw refused(value.isObject() ? START_OF_STRUCTURE : scalarForCollection(inCollection));
    }
    if (type instanceof MapOf map) {
      if (value.isObject()) {
        return Children.ofMap(value, map.value());
      }
      throw refused(
          value.isArray()
              ? "Unrecognized collection type " + map.javaName()
              : scalarForCollection(inCollection));
    }
    Structure structure = (Structure) type;
    if (value.isObject()) {
      return Children.ofStructure(value, structure);
    }
    throw refused(
        value.isArray()
            ? "Unrecognized collection type class " + structure.javaName()
            : inCollection ? UNEXPECTED_VALUE_TYPE : UNEXPECTED_FIELD_TYPE);
  }

  private static String scalarForCollection(boolean inCollection) {
    return inCollection ? NESTED_COLLECTION_GIVEN_SCALAR : UNEXPECTED_FIELD_TYPE;
  }

  private static void readScalar(JsonNode value, Scalar scalar) {
    if (value.isArray()) {
      throw refused("Unrecognized collection type class " + scalar.javaName());
    }
    if (value.isContainerNode()) {
      throw refused(START_OF_STRUCTURE);
    }
    String refusal = scalar.refusal(Token.of(value), value);
    if (refusal != null) {
      throw refused(refusal);
    }
  }

  private static DynamoDbException refused(String message) {
    return DynamoDbException.serialization(message);
  }

  /** The children of one JSON container still to be read, in document order, with their types. */
  private static final class Children {
    private final Iterator<Map.Entry<String, JsonNode>> fields;
    private final Iterator<JsonNode> elements;
    /** The structure whose members the fields are; null for a list or map. */
    private final Structure structure;
    /** The type of every element of a list or value of a map; null for a structure. */
    private final ModelType elementType;

    /** The child {@link #advance} moved to, and its type. */
    JsonNode value;
    ModelType type;

    private Children(
        Iterator<Map.Entry<String, JsonNode>> fields,
        Iterator<JsonNode> elements,
        Structure structure,
        ModelType elementType) {
      this.fields = fields;
      this.elements = elements;
      this.structure = structure;
      this.elementType = elementType;
    }

    static Children ofStructure(JsonNode object, Structure structure) {
      return new Children(object.properties().iterator(), null, structure, null);
    }

    static Children ofMap(JsonNode object, ModelType valueType) {
      return new Children(object.properties().iterator(), null, null, valueType);
    }

    static Children ofList(JsonNode array, ModelType elementType) {
      return new Children(null, array.elements(), null, elementType);
    }

    boolean inCollection() {
      return structure == null;
    }

    /**
     * Moves to the next child to read.
     *
     * @return false when there is none left
     * @throws DynamoDbException if the next element of a list or value of a map is {@code null}
     */
    boolean advance() {
      if (structure != null) {
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          ModelType memberType = structure.memberType(field.getKey());
          if (memberType != null && !field.getValue().isNull()) {
            value = field.getValue();
            type = memberType;
            return true;
          }
        }
        return false;
      }
      JsonNode next;
      if (fields != null) {
        if (!fields.hasNext()) {
          return false;
        }
        next = fields.next().getValue();
      } else {
        if (!elements.hasNext()) {
          return false;
        }
        next = elements.next();
      }
      if (next.isNull()) {
        // DynamoDB documents no text for this; like a body that is not JSON, it gets none.
        throw refused(null);
      }
      value = next;
      type = elementType;
      return true;
    }
  }
}
