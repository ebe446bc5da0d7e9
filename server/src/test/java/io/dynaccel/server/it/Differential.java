package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.Awaitility;

/**
 * The shared part of the differential tests: sends each call to one DynamoDB directly and to a
 * second, identical one through the accelerator, and keeps every answer that differs in status or
 * JSON. Lists whose order DynamoDB promises (Query and Scan items) are compared exactly; only the
 * orders it does not promise (BatchGetItem responses) are made canonical first.
 */
final class Differential {

  /** Reads answers as a DynamoDB client must: attribute names reach 64 KB (Jackson stops at 50,000 chars). */
  static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(1024 * 1024).build())
      .build());
  private static final String PREFIX = "DynamoDB_20120810.";
  private static final Set<String> SETS = Set.of("SS", "NS", "BS");

  private final AcceleratorFixture fixture;
  private final URI direct;
  private final URI accelerated;
  private final List<String> differences = new ArrayList<>();
  private int calls;
  private int errors;
  private final Map<String, Integer> departures = new TreeMap<>();

  Differential(AcceleratorFixture fixture, URI direct, URI accelerated) {
    this.fixture = fixture;
    this.direct = direct;
    this.accelerated = accelerated;
  }

  /** The two answers to one call. */
  record Answers(HttpResponse<String> direct, HttpResponse<String> accelerated) {
    /** The direct answer's JSON (an empty object for an empty body). */
    JsonNode directJson() throws Exception {
      return direct.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(direct.body());
    }
  }

  /** Sends one call both ways, directly first, and records a difference if the answers differ. */
  Answers send(String operation, String body) throws Exception {
    HttpResponse<String> expected = fixture.call(direct, PREFIX + operation, body);
    HttpResponse<String> actual = fixture.call(accelerated, PREFIX + operation, body);
    if (expected.statusCode() != 200) {
      errors++;
    }
    boolean departure = operation.equals("UpdateItem") && (emptyUpdatedAttributes(body, expected, actual) || removeCreatedNothing(body, expected, actual));
    if (!departure && (expected.statusCode() != actual.statusCode() || !normalized(operation, expected.body()).equals(normalized(operation, actual.body())))) {
      differences.add("#" + calls + " " + operation + " " + body + "\n  direct:      " + expected.statusCode() + " " + expected.body()
          + "\n  accelerated: " + actual.statusCode() + " " + actual.body());
    }
    calls++;
    return new Answers(expected, actual);
  }

  /**
   * Recognises where dynalite departs from DynamoDB and the node, evaluating the write itself
   * (write-back), follows DynamoDB: an UpdateItem whose actions only REMOVE or DELETE, of an absent
   * item, creates the item (its key alone) in dynalite and nothing in DynamoDB (ScyllaDB's alternator
   * test_update_item_non_existent, run against DynamoDB; see ExpressionDifferentialIT). Then the
   * direct side answers ALL_NEW with the key where the node answers nothing. The case is counted,
   * and the key-only item is deleted on the direct side, so that both sides again hold what
   * DynamoDB would. Through a write-through node dynalite answers both sides and this never applies.
   */
  private boolean removeCreatedNothing(String body, HttpResponse<String> expected, HttpResponse<String> actual) throws Exception {
    if (expected.statusCode() != 200 || actual.statusCode() != 200) {
      return false;
    }
    JsonNode request = JSON.readTree(body);
    if (request.path("UpdateExpression").asText().matches("(?is).*\\b(SET|ADD)\\b.*") || !request.path("Key").isObject()) {
      return false;
    }
    String key = "{\"TableName\":" + request.get("TableName") + ",\"Key\":" + request.get("Key") + ",\"ConsistentRead\":true}";
    JsonNode stored = JSON.readTree(fixture.call(direct, PREFIX + "GetItem", key).body()).path("Item");
    JsonNode served = JSON.readTree(fixture.call(accelerated, PREFIX + "GetItem", key).body()).path("Item");
    if (!stored.equals(request.get("Key")) || !served.isMissingNode()) {
      return false;
    }
    JsonNode expectedAnswer = normalized("UpdateItem", expected.body());
    boolean answersAsPredicted = expectedAnswer.equals(normalized("UpdateItem", actual.body()))
        || (expectedAnswer.path("Attributes").equals(request.get("Key")) && JSON.readTree(actual.body()).path("Attributes").isMissingNode());
    if (!answersAsPredicted) {
      return false;
    }
    HttpResponse<String> repaired = fixture.call(direct, PREFIX + "DeleteItem", "{\"TableName\":" + request.get("TableName") + ",\"Key\":" + request.get("Key") + "}");
    assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
    departures.merge("REMOVE_CREATES_NOTHING", 1, Integer::sum);
    return true;
  }

  /**
   * Recognises the other departure a node evaluating writes itself meets here: for UPDATED_OLD and
   * UPDATED_NEW where no updated path has a value (a REMOVE-only update, UPDATED_NEW), dynalite
   * answers {@code "Attributes": {}} and DynamoDB leaves Attributes out (ExtendDB/extenddb pull
   * request 121, nubo-db/dynoxide issue 36; see ExpressionDifferentialIT). Counted.
   */
  private boolean emptyUpdatedAttributes(String body, HttpResponse<String> expected, HttpResponse<String> actual) throws Exception {
    if (expected.statusCode() != 200 || actual.statusCode() != 200 || !JSON.readTree(body).path("ReturnValues").asText().startsWith("UPDATED_")) {
      return false;
    }
    JsonNode directAnswer = normalized("UpdateItem", expected.body());
    JsonNode nodeAnswer = normalized("UpdateItem", actual.body());
    if (directAnswer.path("Attributes").isObject() && directAnswer.path("Attributes").isEmpty() && nodeAnswer.path("Attributes").isMissingNode()
        && ((ObjectNode) directAnswer.deepCopy()).without("Attributes").equals(nodeAnswer)) {
      departures.merge("EMPTY_UPDATED_ATTRIBUTES", 1, Integer::sum);
      return true;
    }
    return false;
  }

  /** Calls where dynalite departs from DynamoDB and the node follows DynamoDB, by departure (see ExpressionDifferentialIT). */
  Map<String, Integer> departures() {
    return departures;
  }

  /** Calls sent so far. */
  int calls() {
    return calls;
  }

  /** Calls that DynamoDB (the direct one) answered with an error. */
  int errors() {
    return errors;
  }

  /** Every difference so far, with the call and both answers. */
  List<String> differences() {
    return differences;
  }

  /**
   * Asks the node to flush what it acknowledged, then compares what each table holds in the
   * DynamoDB behind the node with what it holds in the one called directly: consistent Scans of
   * both, as sets of items (set members sorted, since DynamoDB promises no order for them). With
   * write-back the node's DynamoDB has every acknowledged write only after the flush, and must then
   * hold exactly what the direct calls left.
   *
   * @param acceleratedUpstream the DynamoDB behind the node (not the node itself)
   * @return one line per table whose contents differ, with the items only one side holds
   */
  List<String> storedDifferences(URI acceleratedUpstream, String... tables) throws Exception {
    HttpResponse<String> flushed = fixture.call(fixture.adminEndpoint().resolve("/admin/write-back/flush"), null, "");
    assertThat(flushed.statusCode()).as("flush: %s", flushed.body()).isEqualTo(200);
    List<String> found = new ArrayList<>();
    for (String table : tables) {
      Set<String> expected = storedItems(direct, table);
      Set<String> actual = storedItems(acceleratedUpstream, table);
      if (!expected.equals(actual)) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        found.add(table + ": " + expected.size() + " items direct, " + actual.size() + " behind the node; only direct: " + missing
            + "; only behind the node: " + extra);
      }
    }
    return found;
  }

  /** Every item of a table, read with consistent Scans page by page, each in canonical JSON. */
  private Set<String> storedItems(URI endpoint, String table) throws Exception {
    Set<String> items = new TreeSet<>();
    JsonNode startKey = null;
    do {
      ObjectNode scan = JSON.createObjectNode().put("TableName", table).put("ConsistentRead", true);
      if (startKey != null) {
        scan.set("ExclusiveStartKey", startKey);
      }
      HttpResponse<String> page = fixture.call(endpoint, PREFIX + "Scan", scan.toString());
      assertThat(page.statusCode()).as("Scan %s at %s: %s", table, endpoint, page.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(page.body());
      answer.path("Items").forEach(item -> items.add(canonical(item).toString()));
      startKey = answer.get("LastEvaluatedKey");
    } while (startKey != null);
    return items;
  }

  /** The value with members sorted: an item's attributes by name, and the elements of string, number and binary sets. */
  private static JsonNode canonical(JsonNode value) {
    if (value.isObject()) {
      TreeMap<String, JsonNode> members = new TreeMap<>();
      value.fields().forEachRemaining(member -> members.put(member.getKey(), member.getValue()));
      ObjectNode sorted = JSON.createObjectNode();
      members.forEach((name, member) -> sorted.set(name, SETS.contains(name) && member.isArray() ? sortedArray(member) : canonical(member)));
      return sorted;
    }
    if (value.isArray()) {
      ArrayNode list = JSON.createArrayNode();
      value.forEach(element -> list.add(canonical(element)));
      return list;
    }
    return value;
  }

  private static ArrayNode sortedArray(JsonNode elements) {
    List<String> texts = new ArrayList<>();
    elements.forEach(element -> texts.add(element.asText()));
    texts.sort(null);
    ArrayNode sorted = JSON.createArrayNode();
    texts.forEach(sorted::add);
    return sorted;
  }

  /** The answer with list orders DynamoDB does not promise made canonical. */
  static JsonNode normalized(String operation, String body) throws Exception {
    JsonNode tree = body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
    if (operation.equals("BatchGetItem") && tree.path("Responses").isObject()) {
      tree.path("Responses").fields().forEachRemaining(table -> {
        List<JsonNode> items = new ArrayList<>();
        table.getValue().forEach(items::add);
        items.sort(Comparator.comparing(JsonNode::toString));
        ArrayNode sorted = JSON.createArrayNode();
        items.forEach(sorted::add);
        ((ObjectNode) tree.path("Responses")).set(table.getKey(), sorted);
      });
    }
    return tree;
  }

  /** The CreateTable body of an on-demand table keyed by one attribute of the given type (S, N or B). */
  static String hashTable(String table, String key, String type) {
    return "{\"TableName\":\"" + table + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"" + key + "\",\"AttributeType\":\"" + type + "\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"" + key + "\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
  }

  /** Creates each table of {@code createBodies} on every one of {@code endpoints}, as {@link #createTable} does. */
  static void createTables(AcceleratorFixture fixture, List<URI> endpoints, String... createBodies) throws Exception {
    for (URI endpoint : endpoints) {
      for (String createBody : createBodies) {
        createTable(fixture, endpoint, createBody);
      }
    }
  }

  /**
   * Creates a table with a raw CreateTable body and waits until the table and all its indexes are
   * ACTIVE (dynalite keeps them CREATING for a moment).
   */
  static void createTable(AcceleratorFixture fixture, URI endpoint, String createBody) throws Exception {
    HttpResponse<String> created = fixture.call(endpoint, PREFIX + "CreateTable", createBody);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String describe = "{\"TableName\":" + JSON.readTree(createBody).get("TableName") + "}";
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      String body = fixture.call(endpoint, PREFIX + "DescribeTable", describe).body();
      return body.contains("\"ACTIVE\"") && !body.contains("\"CREATING\"");
    });
  }
}
