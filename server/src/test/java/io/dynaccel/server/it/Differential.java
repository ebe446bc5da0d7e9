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

  private final AcceleratorFixture fixture;
  private final URI direct;
  private final URI accelerated;
  private final List<String> differences = new ArrayList<>();
  private int calls;
  private int errors;

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
    if (expected.statusCode() != actual.statusCode() || !normalized(operation, expected.body()).equals(normalized(operation, actual.body()))) {
      differences.add("#" + calls + " " + operation + " " + body + "\n  direct:      " + expected.statusCode() + " " + expected.body()
          + "\n  accelerated: " + actual.statusCode() + " " + actual.body());
    }
    calls++;
    return new Answers(expected, actual);
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
