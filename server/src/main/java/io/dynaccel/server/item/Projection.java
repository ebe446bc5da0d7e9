package io.dynaccel.server.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A DynamoDB projection (ProjectionExpression or AttributesToGet), applied to full items held in
 * the cache so that the accelerator returns exactly the {@code Item} DynamoDB would.
 *
 * <p>Parsing is deliberately strict: anything DynamoDB rejects, and anything we are not sure it
 * accepts, raises {@link InvalidProjectionException}, upon which the caller forwards the request to
 * DynamoDB for the authoritative answer. Refusing too much costs a cache miss; accepting too much
 * would answer a request DynamoDB fails, so every doubtful construct is refused (whitespace inside
 * a path, list indexes with leading zeros or more than six digits, paths deeper than 32 elements,
 * expressions over 4 KB).
 *
 * <p>Evaluation follows DynamoDB: absent paths are omitted; elements projected from one list keep
 * index order and close up gaps; paths into one map merge. DynamoDB promises no order of
 * attributes or map members; they come out in the order the paths name them. Instances are
 * immutable and thread-safe.
 */
public final class Projection {

  /** DynamoDB's limit on the length of any expression string. */
  static final int MAX_EXPRESSION_LENGTH = 4096;
  /** DynamoDB's limit on document path depth; we refuse any path with more elements. */
  static final int MAX_PATH_ELEMENTS = 32;
  /** DynamoDB's limit on an attribute name, in UTF-8 bytes. */
  static final int MAX_NAME_BYTES = 65535;
  /** DynamoDB's limit on the number of AttributesToGet. */
  static final int MAX_ATTRIBUTES_TO_GET = 255;
  /** Items are at most 400 KB, so a list never has a million elements. */
  static final int MAX_INDEX_DIGITS = 6;


  /** Each path is a list of String (map key) and Integer (list index) elements. */
  private final List<List<Object>> paths;

  private Projection(List<List<Object>> paths) {
    this.paths = paths;
  }

  /**
   * Parses a ProjectionExpression.
   *
   * @param projectionExpression the expression, e.g. {@code "pk, #n.sub[2], l[0]"}
   * @param expressionAttributeNames the request's ExpressionAttributeNames, or null; every entry
   *     must be used by this expression (DynamoDB rejects unused names), so a caller whose request
   *     also has other expressions using names must not pass it here
   * @throws InvalidProjectionException if DynamoDB would reject it or we are unsure it accepts it
   */
  public static Projection parseExpression(
      String projectionExpression, Map<String, String> expressionAttributeNames)
      throws InvalidProjectionException {
    if (projectionExpression == null || projectionExpression.isEmpty()) {
      throw new InvalidProjectionException("The expression can not be empty");
    }
    if (projectionExpression.length() > MAX_EXPRESSION_LENGTH) {
      throw new InvalidProjectionException("Expression longer than 4 KB");
    }
    Map<String, String> names =
        expressionAttributeNames == null ? Map.of() : expressionAttributeNames;
    if (expressionAttributeNames != null && names.isEmpty()) {
      throw new InvalidProjectionException("ExpressionAttributeNames must not be empty");
    }
    for (Map.Entry<String, String> e : names.entrySet()) {
      if (e.getKey() == null || !e.getKey().matches("#[0-9a-zA-Z_]+")) {
        throw new InvalidProjectionException("ExpressionAttributeNames contains invalid key");
      }
      if (!isValidName(e.getValue())) {
        throw new InvalidProjectionException("ExpressionAttributeNames contains invalid value");
      }
    }
    Parser parser = new Parser(projectionExpression, names);
    List<List<Object>> paths = parser.parse();
    Set<String> unused = new HashSet<>(names.keySet());
    unused.removeAll(parser.usedNames);
    if (!unused.isEmpty()) {
      throw new InvalidProjectionException("Unused ExpressionAttributeNames: " + unused);
    }
    checkNoOverlap(paths);
    return new Projection(List.copyOf(paths));
  }

  /**
   * The projection of the legacy AttributesToGet parameter: top-level attributes named literally.
   *
   * @throws InvalidProjectionException if the list is empty, too long, has duplicates or invalid
   *     names
   */
  public static Projection ofAttributes(List<String> attributesToGet)
      throws InvalidProjectionException {
    if (attributesToGet == null
        || attributesToGet.isEmpty()
        || attributesToGet.size() > MAX_ATTRIBUTES_TO_GET) {
      throw new InvalidProjectionException("AttributesToGet must hold 1 to 255 names");
    }
    Set<String> seen = new HashSet<>();
    List<List<Object>> paths = new ArrayList<>();
    for (String name : attributesToGet) {
      if (!isValidName(name)) {
        throw new InvalidProjectionException("Invalid attribute name");
      }
      if (!seen.add(name)) {
        throw new InvalidProjectionException("Duplicate value in attribute name: " + name);
      }
      paths.add(List.of(name));
    }
    return new Projection(List.copyOf(paths));
  }

  /**
   * Top-level attributes that this projection reaches into with {@code .} or {@code []}. DynamoDB
   * rejects such access to table or index key attributes ("Key attributes must be scalars"), which
   * only the caller, knowing the key schema, can check.
   */
  public Set<String> nestedRootAttributes() {
    Set<String> roots = new LinkedHashSet<>();
    for (List<Object> path : paths) {
      if (path.size() > 1) {
        roots.add((String) path.get(0));
      }
    }
    return Collections.unmodifiableSet(roots);
  }

  /** Every top-level attribute the projection touches, in expression order. */
  public Set<String> topLevelAttributes() {
    Set<String> roots = new LinkedHashSet<>();
    for (List<Object> path : paths) {
      roots.add((String) path.get(0));
    }
    return Collections.unmodifiableSet(roots);
  }

  /**
   * What DynamoDB returns as {@code Item} for this projection of {@code item}, a full item in
   * DynamoDB JSON. The input is not modified; the result shares no nodes with it.
   */
  public ObjectNode apply(ObjectNode item) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (List<Object> path : paths) {
      JsonNode resolved = resolve(path, item);
      if (resolved == null) {
        continue; // absent paths are simply left out
      }
      if (path.size() == 1) {
        root.put((String) path.get(0), resolved);
        continue;
      }
      Object container = root;
      for (int j = 0; j < path.size(); j++) {
        Object piece = path.get(j);
        boolean leaf = j == path.size() - 1;
        if (piece instanceof Integer index) {
          ListValue list = (ListValue) container;
          container = leaf ? list.put(index, resolved) : list.child(index, path.get(j + 1));
        } else {
          @SuppressWarnings("unchecked")
          Map<String, Object> map =
              container instanceof MapValue m ? m.members : (Map<String, Object>) container;
          if (leaf) {
            map.put((String) piece, resolved);
          } else {
            Object next = path.get(j + 1);
            container =
                map.computeIfAbsent(
                    (String) piece, k -> next instanceof Integer ? new ListValue() : new MapValue());
          }
        }
      }
    }
    return render(root);
  }

  // ---------------------------------------------------------------------------------------------

  /** A map AttributeValue being assembled from several paths. */
  private static final class MapValue {
    final Map<String, Object> members = new LinkedHashMap<>();
  }

  /**
   * A list AttributeValue being assembled: projected elements by index, rendered in index order
   * with the gaps closed, as DynamoDB does.
   */
  private static final class ListValue {
    final TreeMap<Integer, Object> elements = new TreeMap<>();

    Object put(int index, JsonNode value) {
      elements.put(index, value);
      return value;
    }

    Object child(int index, Object nextPiece) {
      return elements.computeIfAbsent(
          index, i -> nextPiece instanceof Integer ? new ListValue() : new MapValue());
    }
  }

  private static ObjectNode render(Map<String, Object> members) {
    ObjectNode rendered = JsonNodeFactory.instance.objectNode();
    members.forEach((k, v) -> rendered.set(k, renderValue(v)));
    return rendered;
  }

  private static JsonNode renderValue(Object value) {
    if (value instanceof MapValue map) {
      ObjectNode av = JsonNodeFactory.instance.objectNode();
      av.set("M", render(map.members));
      return av;
    }
    if (value instanceof ListValue list) {
      ObjectNode av = JsonNodeFactory.instance.objectNode();
      ArrayNode elements = av.putArray("L");
      list.elements.values().forEach(e -> elements.add(renderValue(e)));
      return av;
    }
    return ((JsonNode) value).deepCopy();
  }

  /** The AttributeValue at {@code path} in {@code item}, or null if there is none. */
  private static JsonNode resolve(List<Object> path, ObjectNode item) {
    JsonNode current = item.get((String) path.get(0));
    for (int i = 1; i < path.size() && current != null; i++) {
      Object piece = path.get(i);
      if (piece instanceof Integer index) {
        JsonNode list = current.get("L");
        current = list != null && list.isArray() ? list.get(index) : null;
      } else {
        JsonNode map = current.get("M");
        current = map != null && map.isObject() ? map.get((String) piece) : null;
      }
    }
    return current == null || current.isNull() || current.isMissingNode() ? null : current;
  }

  /**
   * DynamoDB refuses two paths where one is a prefix of the other ("overlap", which includes
   * duplicates) or where they first differ by kind, map key against list index ("conflict").
   */
  private static void checkNoOverlap(List<List<Object>> paths) throws InvalidProjectionException {
    for (int a = 0; a < paths.size(); a++) {
      for (int b = 0; b < a; b++) {
        List<Object> p1 = paths.get(b);
        List<Object> p2 = paths.get(a);
        boolean diverge = false;
        for (int i = 0; i < p1.size() && i < p2.size(); i++) {
          Object x = p1.get(i);
          Object y = p2.get(i);
          if (x.getClass() != y.getClass()) {
            throw new InvalidProjectionException("Two document paths conflict with each other");
          }
          if (!x.equals(y)) {
            diverge = true;
            break;
          }
        }
        if (!diverge) {
          throw new InvalidProjectionException("Two document paths overlap with each other");
        }
      }
    }
  }

  private static boolean isValidName(String name) {
    return name != null
        && !name.isEmpty()
        && name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES;
  }

  /** Recursive-descent parser for the subset of the projection grammar we accept. */
  private static final class Parser {
    private final String text;
    private final Map<String, String> names;
    private final Set<String> usedNames = new HashSet<>();
    private int pos;

    Parser(String text, Map<String, String> names) {
      this.text = text;
      this.names = names;
    }

    List<List<Object>> parse() throws InvalidProjectionException {
      List<List<Object>> paths = new ArrayList<>();
      skipSpace();
      paths.add(path());
      skipSpace();
      while (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        skipSpace();
        paths.add(path());
        skipSpace();
      }
      if (pos != text.length()) {
        throw new InvalidProjectionException("Syntax error at position " + pos);
      }
      return paths;
    }

    private void skipSpace() {
      while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private List<Object> path() throws InvalidProjectionException {
      List<Object> path = new ArrayList<>();
      path.add(name());
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '.') {
          pos++;
          path.add(name());
        } else if (c == '[') {
          pos++;
          path.add(index());
        } else {
          break;
        }
        if (path.size() > MAX_PATH_ELEMENTS) {
          throw new InvalidProjectionException("Document path too deep");
        }
      }
      return path;
    }

    private String name() throws InvalidProjectionException {
      int start = pos;
      if (pos < text.length() && text.charAt(pos) == '#') {
        pos++;
        while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
          pos++;
        }
        String placeholder = text.substring(start, pos);
        String resolved = names.get(placeholder);
        if (resolved == null) {
          throw new InvalidProjectionException("Undefined attribute name " + placeholder);
        }
        usedNames.add(placeholder);
        return resolved;
      }
      if (pos < text.length() && isIdentifierStart(text.charAt(pos))) {
        pos++;
        while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
          pos++;
        }
        String name = text.substring(start, pos);
        if (ReservedWords.contains(name)) {
          throw new InvalidProjectionException("Reserved keyword " + name);
        }
        return name;
      }
      throw new InvalidProjectionException("Syntax error at position " + pos);
    }

    private Integer index() throws InvalidProjectionException {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
      String digits = text.substring(start, pos);
      if (digits.isEmpty()
          || digits.length() > MAX_INDEX_DIGITS
          || (digits.length() > 1 && digits.charAt(0) == '0')
          || pos >= text.length()
          || text.charAt(pos) != ']') {
        throw new InvalidProjectionException("Unsupported list index at position " + start);
      }
      pos++;
      return Integer.valueOf(digits);
    }

    private static boolean isIdentifierStart(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
      return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }
  }
}
