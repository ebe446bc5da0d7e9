package io.dynaccel.server.item;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProjectionTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The item stored in dynalite (PutItem) for every recorded GetItem below. */
  private static final String ITEM = "{\"pk\":{\"S\":\"p1\"},\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"},\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{\"z\":{\"S\":\"deep\"},\"w\":{\"BOOL\":true}}},\"2\":{\"S\":\"two\"},\"l\":{\"L\":[{\"S\":\"l0\"},{\"M\":{\"q\":{\"N\":\"5\"}}}]}}},\"l\":{\"L\":[{\"S\":\"e0\"},{\"N\":\"1\"},{\"M\":{\"k\":{\"S\":\"v\"},\"j\":{\"N\":\"2\"}}},{\"L\":[{\"S\":\"n0\"},{\"S\":\"n1\"},{\"S\":\"n2\"}]},{\"S\":\"e4\"}]},\"ss\":{\"SS\":[\"c\",\"a\"]},\"10\":{\"S\":\"ten\"},\"2\":{\"S\":\"two\"},\"weird.name\":{\"S\":\"dot\"},\"Size\":{\"N\":\"3\"}}";

  private static ObjectNode item() throws Exception {
    return (ObjectNode) MAPPER.readTree(ITEM);
  }

  /** ProjectionExpression, ExpressionAttributeNames, and the Item dynalite 4.0.0 returned. */
  static Stream<Arguments> dynaliteProjections() {
    return Stream.of(
        Arguments.of("a, pk", null, "{\"a\":{\"N\":\"1\"},\"pk\":{\"S\":\"p1\"}}"),
        Arguments.of("l[1], l[3]", null, "{\"l\":{\"L\":[{\"N\":\"1\"},{\"L\":[{\"S\":\"n0\"},{\"S\":\"n1\"},{\"S\":\"n2\"}]}]}}"),
        Arguments.of("l[3], l[1]", null, "{\"l\":{\"L\":[{\"N\":\"1\"},{\"L\":[{\"S\":\"n0\"},{\"S\":\"n1\"},{\"S\":\"n2\"}]}]}}"),
        Arguments.of("l[4], l[0], l[9]", null, "{\"l\":{\"L\":[{\"S\":\"e0\"},{\"S\":\"e4\"}]}}"),
        Arguments.of("m.x, m.y.z, m.nope", null, "{\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{\"z\":{\"S\":\"deep\"}}}}}}"),
        Arguments.of("m.y.z, m.x", null, "{\"m\":{\"M\":{\"y\":{\"M\":{\"z\":{\"S\":\"deep\"}}},\"x\":{\"N\":\"1\"}}}}"),
        Arguments.of("l[2].k, l[3][2], l[3][0]", null, "{\"l\":{\"L\":[{\"M\":{\"k\":{\"S\":\"v\"}}},{\"L\":[{\"S\":\"n0\"},{\"S\":\"n2\"}]}]}}"),
        Arguments.of("#w, #t", Map.of("#w", "weird.name", "#t", "10"), "{\"10\":{\"S\":\"ten\"},\"weird.name\":{\"S\":\"dot\"}}"),
        Arguments.of("b, #two, a, #ten", Map.of("#two", "2", "#ten", "10"), "{\"2\":{\"S\":\"two\"},\"10\":{\"S\":\"ten\"},\"b\":{\"S\":\"x\"},\"a\":{\"N\":\"1\"}}"),
        Arguments.of("m.l[1].q, m.l[0]", null, "{\"m\":{\"M\":{\"l\":{\"L\":[{\"S\":\"l0\"},{\"M\":{\"q\":{\"N\":\"5\"}}}]}}}}"),
        Arguments.of("nope, a.b, l.x, m[0]", null, "{}"),
        Arguments.of("ss, l[3][5], l[2].k.z", null, "{\"ss\":{\"SS\":[\"c\",\"a\"]}}"),
        Arguments.of("#s", Map.of("#s", "Size"), "{\"Size\":{\"N\":\"3\"}}"),
        Arguments.of(" a ,\tb\n", null, "{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"}}"),
        Arguments.of("m.y", null, "{\"m\":{\"M\":{\"y\":{\"M\":{\"z\":{\"S\":\"deep\"},\"w\":{\"BOOL\":true}}}}}}"),
        Arguments.of("l[0], l[2].j, l[2].k", null, "{\"l\":{\"L\":[{\"S\":\"e0\"},{\"M\":{\"j\":{\"N\":\"2\"},\"k\":{\"S\":\"v\"}}}]}}"),
        Arguments.of("m.#y.z", Map.of("#y", "y"), "{\"m\":{\"M\":{\"y\":{\"M\":{\"z\":{\"S\":\"deep\"}}}}}}"),
        Arguments.of("nope", null, "{}"),
        Arguments.of("l[3][1], l[1], m.y.w, m.#two", Map.of("#two", "2"), "{\"l\":{\"L\":[{\"N\":\"1\"},{\"L\":[{\"S\":\"n1\"}]}]},\"m\":{\"M\":{\"2\":{\"S\":\"two\"},\"y\":{\"M\":{\"w\":{\"BOOL\":true}}}}}}"));
  }

  /** Expressions dynalite rejects, with its message (we only need to reject them). */
  static Stream<Arguments> dynaliteRejections() {
    return Stream.of(
        Arguments.of("a, a", null, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
        Arguments.of("a, a.b", null, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"),
        Arguments.of("a.b, a", null, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"),
        Arguments.of("l[0], l.b", null, "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [l, [0]], path two: [l, b]"),
        Arguments.of("size", null, "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: size"),
        Arguments.of("#x", null, "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"),
        Arguments.of("a", Map.of("#u", "a"), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#u}"),
        Arguments.of("a..b", null, "Invalid ProjectionExpression: Syntax error; Expected \"#\", \"_\", or [a-zA-Z] but \".\" found."),
        Arguments.of("a[", null, "Invalid ProjectionExpression: Syntax error; Expected [0-9] but end of input found."),
        Arguments.of("a[x]", null, "Invalid ProjectionExpression: Syntax error; Expected [0-9] but \"x\" found."),
        Arguments.of("", null, "Invalid ProjectionExpression: The expression can not be empty;"),
        Arguments.of("1a", null, "Invalid ProjectionExpression: Syntax error; Expected \"#\", \"_\", or [a-zA-Z] but \"1\" found."),
        Arguments.of("a,", null, "Invalid ProjectionExpression: Syntax error; Expected \"#\", \"_\", or [a-zA-Z] but end of input found."),
        Arguments.of(",a", null, "Invalid ProjectionExpression: Syntax error; Expected \"#\", \"_\", or [a-zA-Z] but \",\" found."),
        Arguments.of("a b", null, "Invalid ProjectionExpression: Syntax error; Expected \",\", \".\", \"[\", or end of input but \"b\" found."),
        Arguments.of("a-b", null, "Invalid ProjectionExpression: Syntax error; Expected \",\", \".\", \"[\", \"_\", [0-9], [a-zA-Z], or end of input but \"-\" found."),
        Arguments.of("l[0].x[1], l[0]", null, "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [l, [0], x, [1]], path two: [l, [0]]"),
        Arguments.of("a", Map.of(), "ExpressionAttributeNames must not be empty"),
        Arguments.of("#", null, "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #"),
        Arguments.of("l[1][2], l[1].x", null, "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [l, [1], [2]], path two: [l, [1], x]"),
        Arguments.of("a.#", null, "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #"),
        Arguments.of("Size", null, "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Size"),
        Arguments.of("a[]", null, "Invalid ProjectionExpression: Syntax error; Expected [0-9] but \"]\" found."),
        Arguments.of("a[-1]", null, "Invalid ProjectionExpression: Syntax error; Expected [0-9] but \"-\" found."),
        Arguments.of("a.1b", null, "Invalid ProjectionExpression: Syntax error; Expected \"#\", \"_\", or [a-zA-Z] but \"1\" found."));
  }

  /**
   * Expressions dynalite accepts (result recorded) but whose acceptance by DynamoDB we cannot
   * vouch for, so we refuse them and let DynamoDB answer.
   */
  static Stream<Arguments> conservativeRejections() {
    return Stream.of(
        Arguments.of("a . b", null, "{}"),
        Arguments.of("l [ 1 ]", null, "{\"l\":{\"L\":[{\"N\":\"1\"}]}}"),
        Arguments.of("l[01]", null, "{\"l\":{\"L\":[{\"N\":\"1\"}]}}"),
        Arguments.of("l[1234567]", null, "{}"));
  }

  static Stream<Arguments> dynaliteAttributesToGet() {
    return Stream.of(
        Arguments.of(List.of("b", "a", "nope", "10"), "{\"10\":{\"S\":\"ten\"},\"b\":{\"S\":\"x\"},\"a\":{\"N\":\"1\"}}"),
        Arguments.of(List.of("weird.name", "m"), "{\"weird.name\":{\"S\":\"dot\"},\"m\":{\"M\":{\"2\":{\"S\":\"two\"},\"x\":{\"N\":\"1\"},\"y\":{\"M\":{\"z\":{\"S\":\"deep\"},\"w\":{\"BOOL\":true}}},\"l\":{\"L\":[{\"S\":\"l0\"},{\"M\":{\"q\":{\"N\":\"5\"}}}]}}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dynaliteProjections")
  void apply_whenExpressionAcceptedByDynalite_returnsSameItem(
      String expression, Map<String, String> names, String expectedItem) throws Exception {
    ObjectNode item = item();

    ObjectNode projected = Projection.parseExpression(expression, names).apply(item);

    // JSON values, not bytes: DynamoDB promises no order of attributes.
    assertThat(projected).isEqualTo(MAPPER.readTree(expectedItem));
    assertThat(item).isEqualTo(item());
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("dynaliteRejections")
  void parseExpression_whenDynaliteRejects_throwsInvalidProjection(
      String expression, Map<String, String> names, String dynaliteMessage) {
    assertThatThrownBy(() -> Projection.parseExpression(expression, names))
        .isInstanceOf(InvalidProjectionException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conservativeRejections")
  void parseExpression_whenAcceptanceUncertain_throwsInvalidProjection(
      String expression, Map<String, String> names, String dynaliteItem) {
    assertThatThrownBy(() -> Projection.parseExpression(expression, names))
        .isInstanceOf(InvalidProjectionException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dynaliteAttributesToGet")
  void apply_whenAttributesToGet_returnsSameItemAsDynalite(List<String> names, String expected)
      throws Exception {
    assertThat(Projection.ofAttributes(names).apply(item())).isEqualTo(MAPPER.readTree(expected));
  }

  @Test
  void ofAttributes_whenDuplicateOrEmpty_throwsInvalidProjection() {
    assertThatThrownBy(() -> Projection.ofAttributes(List.of("a", "a")))
        .isInstanceOf(InvalidProjectionException.class);
    assertThatThrownBy(() -> Projection.ofAttributes(List.of()))
        .isInstanceOf(InvalidProjectionException.class);
    assertThatThrownBy(() -> Projection.ofAttributes(null))
        .isInstanceOf(InvalidProjectionException.class);
    assertThatThrownBy(() -> Projection.ofAttributes(Collections.nCopies(1, "")))
        .isInstanceOf(InvalidProjectionException.class);
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      tooMany.add("a" + i);
    }
    assertThatThrownBy(() -> Projection.ofAttributes(tooMany))
        .isInstanceOf(InvalidProjectionException.class);
  }

  @Test
  void ofAttributes_whenNameIsReservedWordOrHasDots_takesItLiterally() throws Exception {
    ObjectNode projected = Projection.ofAttributes(List.of("Size", "weird.name")).apply(item());
    assertThat(projected).isEqualTo(MAPPER.readTree("{\"Size\":{\"N\":\"3\"},\"weird.name\":{\"S\":\"dot\"}}"));
  }

  @Test
  void parseExpression_whenPathHas32Elements_acceptsAndRejects33() throws Exception {
    String deep32 = "a" + ".b".repeat(31);
    Projection.parseExpression(deep32, null);
    assertThatThrownBy(() -> Projection.parseExpression(deep32 + "[0]", null))
        .isInstanceOf(InvalidProjectionException.class);
  }

  @Test
  void parseExpression_whenLongerThan4Kb_throwsInvalidProjection() {
    StringBuilder expression = new StringBuilder("a0");
    for (int i = 1; expression.length() <= Projection.MAX_EXPRESSION_LENGTH; i++) {
      expression.append(", a").append(i);
    }
    assertThatThrownBy(() -> Projection.parseExpression(expression.toString(), null))
        .isInstanceOf(InvalidProjectionException.class);
  }

  @Test
  void parseExpression_whenNamesMapInvalid_throwsInvalidProjection() {
    assertThatThrownBy(() -> Projection.parseExpression("#a", Map.of("#a", "")))
        .isInstanceOf(InvalidProjectionException.class);
    assertThatThrownBy(() -> Projection.parseExpression("#a", Map.of("#a", "x", "a-b", "y")))
        .isInstanceOf(InvalidProjectionException.class);
    Map<String, String> withNull = new HashMap<>();
    withNull.put("#a", null);
    assertThatThrownBy(() -> Projection.parseExpression("#a", withNull))
        .isInstanceOf(InvalidProjectionException.class);
  }

  @Test
  void parseExpression_whenPlaceholderResolvesToReservedWord_accepts() throws Exception {
    Projection projection = Projection.parseExpression("#s, l[0]", Map.of("#s", "Size"));
    assertThat(projection.topLevelAttributes()).containsExactly("Size", "l");
  }

  @Test
  void nestedRootAttributes_whenPathsNest_listsTheirRoots() throws Exception {
    Projection projection = Projection.parseExpression("a, m.x, l[2].k, #n.y", Map.of("#n", "n"));
    assertThat(projection.nestedRootAttributes()).containsExactly("m", "l", "n");
  }

  @Test
  void apply_whenCalled_sharesNoNodesWithItem() throws Exception {
    ObjectNode item = item();
    ObjectNode projected = Projection.parseExpression("m.y, ss", null).apply(item);
    ((ObjectNode) projected.get("m").get("M").get("y").get("M")).put("extra", 1);
    assertThat(item).isEqualTo(item());
  }
}
