package io.dynaccel.server.it;

import static io.dynaccel.server.it.Differential.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Paging through Query and Scan results with a small Limit, following LastEvaluatedKey to the end:
 * twice through the accelerator (the second time from the query cache, once it exists) and once
 * directly against the same DynamoDB, with no write in between. Every page (items, counts and
 * LastEvaluatedKey) must be the same all three times.
 */
class QueryPagingIT {

  private static final String TABLE = "Paging";
  private static final String HOT = "hot";
  private static final int HOT_ITEMS = 60;
  private static final int OTHER_PARTITIONS = 10;
  private static final int OTHER_ITEMS = 4;
  private static final int MAX_PAGES = 500;
  private static final String PREFIX = "DynamoDB_20120810.";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static URI direct;
  private static URI accelerated;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(upstream.emulator());
    direct = upstream.endpoint();
    accelerated = fixture.endpoint();
    Differential.createTable(fixture, direct, "{\"TableName\":\"" + TABLE + "\",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":["
        + "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},"
        + "{\"AttributeName\":\"bkt\",\"AttributeType\":\"S\"},{\"AttributeName\":\"rank\",\"AttributeType\":\"N\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
        + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"ByBucket\",\"KeySchema\":[{\"AttributeName\":\"bkt\",\"KeyType\":\"HASH\"},"
        + "{\"AttributeName\":\"rank\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}]}");
    List<String> puts = new ArrayList<>();
    for (int i = 0; i < HOT_ITEMS; i++) {
      puts.add(item(HOT, i));
    }
    for (int p = 0; p < OTHER_PARTITIONS; p++) {
      for (int i = 0; i < OTHER_ITEMS; i++) {
        puts.add(item("p" + p, i));
      }
    }
    for (int from = 0; from < puts.size(); from += 25) {
      String batch = "{\"RequestItems\":{\"" + TABLE + "\":[" + String.join(",", puts.subList(from, Math.min(puts.size(), from + 25))) + "]}}";
      HttpResponse<String> written = fixture.call(direct, PREFIX + "BatchWriteItem", batch);
      assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
      assertThat(JSON.readTree(written.body()).path("UnprocessedItems").size()).isZero();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** An item whose GSI rank repeats (ties ordered by the table key) and whose payload varies in size. */
  private static String item(String pk, int sk) {
    return "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"" + pk + "\"},\"sk\":{\"N\":\"" + sk + "\"},"
        + "\"bkt\":{\"S\":\"b" + (sk % 2) + "\"},\"rank\":{\"N\":\"" + (sk % 7) + "\"},"
        + "\"v\":{\"N\":\"" + (sk * 37 % 100) + "\"},\"pad\":{\"S\":\"" + "x".repeat(1 + sk % 13) + "\"}}}}";
  }

  static Stream<Arguments> pagedQueries() {
    String hot = "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"" + HOT + "\"}}";
    return Stream.of(
        Arguments.of("Limit 7", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":7," + hot + "}"),
        Arguments.of("Limit 6 (divides 60: a last, empty page)", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":6," + hot + "}"),
        Arguments.of("backwards", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":7,\"ScanIndexForward\":false," + hot + "}"),
        Arguments.of("filtered (Limit counts evaluated items)", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":7,"
            + "\"FilterExpression\":\"v > :half\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"" + HOT + "\"},\":half\":{\"N\":\"50\"}}}"),
        Arguments.of("projected", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":7,"
            + "\"ProjectionExpression\":\"sk, #v\",\"ExpressionAttributeNames\":{\"#v\":\"v\"}," + hot + "}"),
        Arguments.of("sort key range", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p AND sk BETWEEN :a AND :b\",\"Limit\":7,"
            + "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"" + HOT + "\"},\":a\":{\"N\":\"5\"},\":b\":{\"N\":\"44\"}}}"),
        Arguments.of("count", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":7,\"Select\":\"COUNT\"," + hot + "}"),
        Arguments.of("consumed capacity", "{\"TableName\":\"Paging\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":7,\"ReturnConsumedCapacity\":\"TOTAL\"," + hot + "}"),
        Arguments.of("global index (rank ties ordered by table key)", "{\"TableName\":\"Paging\",\"IndexName\":\"ByBucket\",\"KeyConditionExpression\":\"bkt = :b\","
            + "\"Limit\":7,\"ExpressionAttributeValues\":{\":b\":{\"S\":\"b0\"}}}"));
  }

  static Stream<Arguments> pagedScans() {
    return Stream.of(
        Arguments.of("Limit 7", "{\"TableName\":\"Paging\",\"Limit\":7}"),
        Arguments.of("Limit 10 (divides 100: a last, empty page)", "{\"TableName\":\"Paging\",\"Limit\":10}"),
        Arguments.of("filtered", "{\"TableName\":\"Paging\",\"Limit\":7,\"FilterExpression\":\"v < :v\",\"ExpressionAttributeValues\":{\":v\":{\"N\":\"30\"}}}"),
        Arguments.of("segment 0 of 3", "{\"TableName\":\"Paging\",\"Limit\":3,\"Segment\":0,\"TotalSegments\":3}"),
        Arguments.of("segment 2 of 3", "{\"TableName\":\"Paging\",\"Limit\":3,\"Segment\":2,\"TotalSegments\":3}"),
        Arguments.of("global index", "{\"TableName\":\"Paging\",\"IndexName\":\"ByBucket\",\"Limit\":7}"),
        Arguments.of("consistent", "{\"TableName\":\"Paging\",\"Limit\":7,\"ConsistentRead\":true}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pagedQueries")
  void query_whenPagedThroughAcceleratorTwiceAndDirectly_returnsIdenticalPages(String name, String request) throws Exception {
    assertIdenticalPages("Query", request);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pagedScans")
  void scan_whenPagedThroughAcceleratorTwiceAndDirectly_returnsIdenticalPages(String name, String request) throws Exception {
    assertIdenticalPages("Scan", request);
  }

  @Test
  void scan_whenAllSegmentsArePaged_returnsEveryItemOnce() throws Exception {
    List<JsonNode> items = new ArrayList<>();
    for (int segment = 0; segment < 3; segment++) {
      String request = "{\"TableName\":\"Paging\",\"Limit\":7,\"Segment\":" + segment + ",\"TotalSegments\":3}";
      List<JsonNode> pages = pages(accelerated, "Scan", request);
      assertThat(pages(accelerated, "Scan", request)).isEqualTo(pages);
      pages.forEach(page -> page.path("Items").forEach(items::add));
    }
    assertThat(items).hasSize(HOT_ITEMS + OTHER_PARTITIONS * OTHER_ITEMS).doesNotHaveDuplicates();
  }

  @Test
  void queryPaginator_whenThroughAccelerator_returnsTheItemsDirectQueriesReturn() {
    DynamoDbClient viaNode = fixture.syncClient(accelerated);
    DynamoDbClient viaDirect = fixture.syncClient(direct);
    QueryRequest request = QueryRequest.builder().tableName(TABLE).keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(HOT))).limit(7).build();

    List<Map<String, AttributeValue>> expected = viaDirect.queryPaginator(request).items().stream().toList();
    List<Map<String, AttributeValue>> first = viaNode.queryPaginator(request).items().stream().toList();
    List<Map<String, AttributeValue>> second = viaNode.queryPaginator(request).items().stream().toList();

    assertThat(expected).hasSize(HOT_ITEMS);
    assertThat(expected.stream().map(item -> Integer.parseInt(item.get("sk").n())).toList()).isSorted();
    assertThat(first).isEqualTo(expected);
    assertThat(second).isEqualTo(expected);
  }

  @Test
  void scanPaginator_whenThroughAccelerator_returnsTheItemsDirectScansReturn() {
    DynamoDbClient viaNode = fixture.syncClient(accelerated);
    DynamoDbClient viaDirect = fixture.syncClient(direct);
    ScanRequest request = ScanRequest.builder().tableName(TABLE).limit(9).build();

    List<Map<String, AttributeValue>> expected = viaDirect.scanPaginator(request).items().stream().toList();
    List<Map<String, AttributeValue>> first = viaNode.scanPaginator(request).items().stream().toList();
    List<Map<String, AttributeValue>> second = viaNode.scanPaginator(request).items().stream().toList();

    assertThat(expected).hasSize(HOT_ITEMS + OTHER_PARTITIONS * OTHER_ITEMS);
    assertThat(first).isEqualTo(expected);
    assertThat(second).isEqualTo(expected);
  }

  private static void assertIdenticalPages(String operation, String request) throws Exception {
    double hitsBefore = hits();
    List<JsonNode> expected = pages(direct, operation, request);
    List<JsonNode> first = pages(accelerated, operation, request);
    List<JsonNode> second = pages(accelerated, operation, request);
    System.out.printf("QueryPagingIT: %s %s: %d pages; query/scan cache hits during the two passes through the node %.0f%n",
        operation, request, expected.size(), hits() - hitsBefore);

    assertThat(expected.size()).as("pages").isGreaterThan(1);
    assertThat(expected.get(expected.size() - 1).has("LastEvaluatedKey")).isFalse();
    // Paging covers what one unlimited request returns, in the same order.
    ObjectNode unlimited = (ObjectNode) JSON.readTree(request);
    unlimited.remove("Limit");
    JsonNode whole = JSON.readTree(call(direct, operation, unlimited.toString()).body());
    assertThat(whole.has("LastEvaluatedKey")).isFalse();
    ArrayNode concatenated = JSON.createArrayNode();
    expected.forEach(page -> page.path("Items").forEach(concatenated::add));
    assertThat(concatenated).isEqualTo(whole.path("Items").isMissingNode() ? JSON.createArrayNode() : whole.path("Items"));
    assertThat(expected.stream().mapToInt(page -> page.path("Count").asInt()).sum()).isEqualTo(whole.path("Count").asInt());

    for (int i = 0; i < expected.size(); i++) {
      assertThat(first.size()).as("pages through the node, first pass").isGreaterThan(i);
      assertThat(first.get(i)).as("page %d through the node, first pass", i).isEqualTo(expected.get(i));
      assertThat(second.size()).as("pages through the node, second pass").isGreaterThan(i);
      assertThat(second.get(i)).as("page %d through the node, second pass", i).isEqualTo(expected.get(i));
    }
    assertThat(first).hasSameSizeAs(expected);
    assertThat(second).hasSameSizeAs(expected);
  }

  private static double hits() {
    return fixture.metric("dynaccel_query_cache_hits_total") + fixture.metric("dynaccel_scan_cache_hits_total");
  }

  /** Every page of a request, following LastEvaluatedKey until it is absent. */
  private static List<JsonNode> pages(URI endpoint, String operation, String request) throws Exception {
    List<JsonNode> pages = new ArrayList<>();
    ObjectNode body = (ObjectNode) JSON.readTree(request);
    while (pages.size() < MAX_PAGES) {
      HttpResponse<String> answer = call(endpoint, operation, body.toString());
      assertThat(answer.statusCode()).as("%s page %d via %s: %s", operation, pages.size(), endpoint, answer.body()).isEqualTo(200);
      JsonNode page = JSON.readTree(answer.body());
      pages.add(page);
      if (!page.has("LastEvaluatedKey")) {
        return pages;
      }
      body.set("ExclusiveStartKey", page.get("LastEvaluatedKey"));
    }
    throw new AssertionError(operation + " " + request + " via " + endpoint + " did not end within " + MAX_PAGES + " pages");
  }

  private static HttpResponse<String> call(URI endpoint, String operation, String body) throws Exception {
    return fixture.call(endpoint, PREFIX + operation, body);
  }
}
