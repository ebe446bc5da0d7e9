package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real nodes in one cluster in front of one dynalite: every call on items, batches and queries
 * answers through any node exactly as DynamoDB answers it directly, whichever member owns the keys, and
 * a write through one node is seen by a read through another at once.
 *
 * <p>The comparison is differential, with two identical tables in the one dynalite: each call goes to
 * DynamoDB directly on {@value #DIRECT} and through a node on {@value #CLUSTERED}, and the answers must
 * be the same JSON (batch answers with the table's name mapped, and their unordered lists sorted).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRoutingIT {

  private static final String DIRECT = "RoutedDirect";
  private static final String CLUSTERED = "RoutedCluster";
  private static final int NODES = 3;

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static final List<DirectTable> tables = new ArrayList<>();
  private static final List<String> differences = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    tables.add(DirectTable.create(upstream.emulator(), DIRECT));
    tables.add(DirectTable.create(upstream.emulator(), CLUSTERED));
    List<Integer> hazelcastPorts = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      hazelcastPorts.add(FreePorts.loopback());
    }
    String members = hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    ExecutorService starting = Executors.newFixedThreadPool(NODES);
    try {
      List<CompletableFuture<NodeProcess>> started = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        NodeProcess.Launch launch = NodeProcess.Launch.of("cluster-routing-" + i, upstream.emulator())
            .with("cluster.members=" + members, "cluster.host=127.0.0.1", "cluster.port=" + hazelcastPorts.get(i));
        started.add(CompletableFuture.supplyAsync(() -> {
          try {
            return NodeProcess.start(launch);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }, starting));
      }
      for (CompletableFuture<NodeProcess> node : started) {
        nodes.add(node.get(120, TimeUnit.SECONDS));
      }
    } finally {
      starting.shutdown();
    }
    for (NodeProcess node : nodes) {
      await("node sees the whole cluster").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> node.printed("Cluster view: " + NODES + " serving member(s)"));
    }
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(NodeProcess::close);
    tables.forEach(DirectTable::close);
  }

  /** Sends the call directly (on {@link #DIRECT}) and through {@code node} (on {@link #CLUSTERED}); records a difference. */
  private static RawHttp.Answer compare(NodeProcess node, String operation, String body) throws Exception {
    String json = body.replace('\'', '"');
    RawHttp.Answer direct = RawHttp.call(upstream.emulator().endpoint(), operation, json.replace("$T", DIRECT));
    RawHttp.Answer routed = RawHttp.call(node.endpoint(), operation, json.replace("$T", CLUSTERED));
    String expected = direct.status() + " " + normalized(direct.text());
    String actual = routed.status() + " " + normalized(routed.text().replace(CLUSTERED, DIRECT));
    if (!expected.equals(actual)) {
      differences.add(operation + " " + json + "\n  direct:  " + expected + "\n  through: " + actual);
    }
    return routed;
  }

  /** The JSON with the lists DynamoDB does not order (a batch's items, unprocessed keys, capacity entries) sorted. */
  private static String normalized(String text) throws Exception {
    if (text.isEmpty()) {
      return text;
    }
    JsonNode json = Differential.JSON.readTree(text);
    for (String member : List.of("Responses", "UnprocessedItems", "ItemCollectionMetrics")) {
      if (json.get(member) instanceof ObjectNode tablesOf) {
        for (Iterator<Map.Entry<String, JsonNode>> it = tablesOf.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> table = it.next();
          table.setValue(sorted((ArrayNode) table.getValue()));
        }
      }
    }
    if (json.get("UnprocessedKeys") instanceof ObjectNode unprocessed) {
      unprocessed.forEach(entry -> ((ObjectNode) entry).set("Keys", sorted((ArrayNode) entry.get("Keys"))));
    }
    if (json.get("ConsumedCapacity") instanceof ArrayNode capacity) {
      // By value: dynalite writes whole units as 15, DynamoDB (and the sum of fractional parts) as 15.0.
      capacity.forEach(ClusterRoutingIT::unitsAsDoubles);
      ((ObjectNode) json).set("ConsumedCapacity", sorted(capacity));
    }
    return Differential.JSON.writeValueAsString(json);
  }

  private static void unitsAsDoubles(JsonNode entry) {
    for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isNumber()) {
        field.setValue(DoubleNode.valueOf(field.getValue().doubleValue()));
      } else if (field.getValue().isObject()) {
        unitsAsDoubles(field.getValue());
      }
    }
  }

  private static ArrayNode sorted(ArrayNode list) {
    List<JsonNode> elements = new ArrayList<>();
    list.forEach(elements::add);
    elements.sort(Comparator.comparing(JsonNode::toString));
    ArrayNode out = Differential.JSON.createArrayNode();
    elements.forEach(out::add);
    return out;
  }

  private static double forwarded(NodeProcess node, String operation) throws Exception {
    String text = RawHttp.send(node.adminEndpoint(), "GET", "/metrics", null).text();
    return text.lines().filter(line -> line.startsWith("dynaccel_cluster_forwarded_total{") && line.contains("operation=\"" + operation + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void itemCalls_throughEveryNode_answerAsDynamoDbDoes() throws Exception {
    differences.clear();
    for (int k = 0; k < 12; k++) {
      String key = "{'id':{'S':'item-" + k + "'}}";
      int step = k;
      List<String[]> calls = List.of(
          new String[] {"GetItem", "{'TableName':'$T','Key':" + key + "}"},
          new String[] {"PutItem", "{'TableName':'$T','Item':{'id':{'S':'item-" + k + "'},'v':{'N':'1'}},'ReturnValues':'ALL_OLD'}"},
          new String[] {"GetItem", "{'TableName':'$T','Key':" + key + "}"},
          new String[] {"UpdateItem", "{'TableName':'$T','Key':" + key + ",'UpdateExpression':'ADD v :n','ExpressionAttributeValues':{':n':{'N':'"
              + k + "'}},'ReturnValues':'ALL_NEW'}"},
          new String[] {"GetItem", "{'TableName':'$T','Key':" + key + ",'ProjectionExpression':'v'}"},
          new String[] {"PutItem", "{'TableName':'$T','Item':" + key + ",'ConditionExpression':'attribute_not_exists(id)'}"},
          new String[] {"GetItem", "{'TableName':'$T','Key':" + key + ",'ConsistentRead':true}"},
          new String[] {"DeleteItem", "{'TableName':'$T','Key':" + key + ",'ReturnValues':'ALL_OLD'}"},
          new String[] {"GetItem", "{'TableName':'$T','Key':" + key + "}"},
          // Calls DynamoDB rejects: they are answered wherever they arrive, with DynamoDB's own error.
          new String[] {"GetItem", "{'TableName':'$T','Key':{'id':{'N':'" + k + "'}}}"},
          new String[] {"PutItem", "{'TableName':'$T','Item':{'id':{'S':''}}}"},
          new String[] {"DeleteItem", "{'TableName':'NoSuchTable','Key':" + key + "}"},
          new String[] {"UpdateItem", "{'TableName':'$T','Key':" + key + ",'UpdateExpression':'SET'}"});
      for (int c = 0; c < calls.size(); c++) {
        compare(nodes.get((step + c) % NODES), calls.get(c)[0], calls.get(c)[1]);
      }
    }
    assertThat(differences).isEmpty();
  }

  @Test
  void batches_spanningOwners_answerInDynamoDbsShape() throws Exception {
    differences.clear();
    String puts = IntStream.range(0, 25).mapToObj(i -> "{'PutRequest':{'Item':{'id':{'S':'batch-" + i + "'},'v':{'N':'" + i + "'}}}}")
        .collect(Collectors.joining(","));
    double[] writesBefore = new double[NODES];
    double[] readsBefore = new double[NODES];
    for (int n = 0; n < NODES; n++) {
      writesBefore[n] = forwarded(nodes.get(n), "BatchWriteItem");
      readsBefore[n] = forwarded(nodes.get(n), "BatchGetItem");
    }

    compare(nodes.get(0), "BatchWriteItem", "{'RequestItems':{'$T':[" + puts + "]},'ReturnConsumedCapacity':'TOTAL'}");
    String keys = IntStream.range(0, 30).mapToObj(i -> "{'id':{'S':'batch-" + i + "'}}").collect(Collectors.joining(","));
    for (NodeProcess node : nodes) {
      compare(node, "BatchGetItem", "{'RequestItems':{'$T':{'Keys':[" + keys + "]}},'ReturnConsumedCapacity':'TOTAL'}");
      compare(node, "BatchGetItem", "{'RequestItems':{'$T':{'Keys':[" + keys + "],'ProjectionExpression':'#v','ExpressionAttributeNames':{'#v':'v'},"
          + "'ConsistentRead':true}}}");
    }
    String mixed = IntStream.range(0, 20).mapToObj(i -> i % 2 == 0
        ? "{'DeleteRequest':{'Key':{'id':{'S':'batch-" + i + "'}}}}"
        : "{'PutRequest':{'Item':{'id':{'S':'batch-" + i + "'},'w':{'S':'x'}}}}").collect(Collectors.joining(","));
    compare(nodes.get(1), "BatchWriteItem", "{'RequestItems':{'$T':[" + mixed + "]}}");
    compare(nodes.get(2), "BatchGetItem", "{'RequestItems':{'$T':{'Keys':[" + keys + "]}}}");
    // Rejected whole, wherever they arrive: a duplicate key, an empty string set.
    compare(nodes.get(2), "BatchWriteItem", "{'RequestItems':{'$T':[{'PutRequest':{'Item':{'id':{'S':'batch-1'}}}},"
        + "{'DeleteRequest':{'Key':{'id':{'S':'batch-1'}}}}]}}");
    compare(nodes.get(0), "BatchWriteItem", "{'RequestItems':{'$T':[" + puts.replace("'v':{'N':'3'}", "'v':{'SS':[]}") + "]}}");
    compare(nodes.get(1), "BatchGetItem", "{'RequestItems':{'$T':{'Keys':[{'id':{'S':'a'}},{'id':{'S':'a'}}]}}}");

    assertThat(differences).isEmpty();
    assertThat(forwarded(nodes.get(0), "BatchWriteItem")).isGreaterThan(writesBefore[0]);
    for (int n = 0; n < NODES; n++) {
      assertThat(forwarded(nodes.get(n), "BatchGetItem")).as("node %d", n).isGreaterThan(readsBefore[n]);
    }
  }

  @Test
  void writeThroughOneNode_isSeenThroughAnotherAtOnce() throws Exception {
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 15; k++) {
        String key = "{\"id\":{\"S\":\"seen-" + k + "\"}}";
        NodeProcess writer = nodes.get(k % NODES);
        // Warm (the reader's read fills the owner's cache before the write) from the second round on.
        for (int r = 1; r < NODES; r++) {
          RawHttp.call(nodes.get((k + r) % NODES).endpoint(), "GetItem", "{\"TableName\":\"" + CLUSTERED + "\",\"Key\":" + key + "}");
        }
        RawHttp.Answer written = RawHttp.call(writer.endpoint(), "PutItem",
            "{\"TableName\":\"" + CLUSTERED + "\",\"Item\":{\"id\":{\"S\":\"seen-" + k + "\"},\"round\":{\"N\":\"" + round + "\"}}}");
        assertThat(written.status()).as(written.toString()).isEqualTo(200);
        for (int r = 1; r < NODES; r++) {
          RawHttp.Answer read = RawHttp.call(nodes.get((k + r) % NODES).endpoint(), "GetItem", "{\"TableName\":\"" + CLUSTERED + "\",\"Key\":" + key + "}");
          assertThat(read.json().at("/Item/round/N").asText()).as("key %d round %d through node %d", k, round, (k + r) % NODES)
              .isEqualTo(Integer.toString(round));
        }
      }
    }
  }

  @Test
  void queriesAndScans_throughEveryNode_answerAsDynamoDbDoes() throws Exception {
    differences.clear();
    for (int k = 0; k < 6; k++) {
      compare(nodes.get(k % NODES), "PutItem", "{'TableName':'$T','Item':{'id':{'S':'query-" + k + "'},'v':{'N':'" + k + "'}}}");
    }
    for (int k = 0; k < 6; k++) {
      for (NodeProcess node : nodes) {
        compare(node, "Query", "{'TableName':'$T','KeyConditionExpression':'id = :id','ExpressionAttributeValues':{':id':{'S':'query-" + k + "'}}}");
      }
    }
    for (NodeProcess node : nodes) {
      compare(node, "Scan", "{'TableName':'$T','FilterExpression':'begins_with(id, :p)','ExpressionAttributeValues':{':p':{'S':'query-'}}}");
    }
    assertThat(differences).isEmpty();
  }

  @Test
  void call_withAWrongHopToken_isAuthenticatedAsAnyClientsIs() throws Exception {
    byte[] body = ("{\"TableName\":\"" + CLUSTERED + "\",\"Key\":{\"id\":{\"S\":\"hop\"}}}").getBytes(StandardCharsets.UTF_8);
    String[] unsigned = {"Content-Type", "application/x-amz-json-1.0", "X-Amz-Target", RawHttp.TARGET_PREFIX + "GetItem", "x-dynaccel-hop", "0".repeat(64)};

    RawHttp.Answer direct = RawHttp.send(upstream.emulator().endpoint(), "POST", "/", body, unsigned);
    for (NodeProcess node : nodes) {
      RawHttp.Answer answer = RawHttp.send(node.endpoint(), "POST", "/", body, unsigned);

      assertThat(answer.status()).isEqualTo(400).isEqualTo(direct.status());
      assertThat(answer.type()).endsWith("#MissingAuthenticationTokenException").isEqualTo(direct.type());
      assertThat(answer.message()).isEqualTo(direct.message());
    }
  }

  /** Last: it kills a member. */
  @Test
  @Order(Integer.MAX_VALUE)
  void memberKilled_writesThroughTheOthersWaitForTheNewOwnerAndReadsStayCoherent() throws Exception {
    NodeProcess writer = nodes.get(1);
    NodeProcess reader = nodes.get(2);
    for (int k = 0; k < 20; k++) {
      RawHttp.call(reader.endpoint(), "GetItem", "{\"TableName\":\"" + CLUSTERED + "\",\"Key\":{\"id\":{\"S\":\"killed-" + k + "\"}}}");
    }
    nodes.get(0).kill9();
    long slowest = 0;
    for (int k = 0; k < 20; k++) {
      String key = "{\"id\":{\"S\":\"killed-" + k + "\"}}";
      long began = System.nanoTime();
      RawHttp.Answer written = RawHttp.call(writer.endpoint(), "PutItem",
          "{\"TableName\":\"" + CLUSTERED + "\",\"Item\":{\"id\":{\"S\":\"killed-" + k + "\"},\"after\":{\"BOOL\":true}}}");
      slowest = Math.max(slowest, System.nanoTime() - began);
      assertThat(written.status()).as(written.toString()).isEqualTo(200);
      RawHttp.Answer read = RawHttp.call(reader.endpoint(), "GetItem", "{\"TableName\":\"" + CLUSTERED + "\",\"Key\":" + key + "}");
      assertThat(read.json().at("/Item/after/BOOL").asBoolean()).as("key %d: %s", k, read).isTrue();
    }
    System.out.printf("ClusterRoutingIT: slowest write after the kill took %d ms%n", slowest / 1_000_000);
  }

  @Test
  void getItem_throughANodeThatDoesNotOwnTheKey_isForwarded() throws Exception {
    double before = 0;
    for (NodeProcess node : nodes) {
      before += forwarded(node, "GetItem");
    }
    for (int k = 0; k < 10; k++) {
      for (NodeProcess node : nodes) {
        RawHttp.call(node.endpoint(), "GetItem", "{\"TableName\":\"" + CLUSTERED + "\",\"Key\":{\"id\":{\"S\":\"forwarded-" + k + "\"}}}");
      }
    }
    double after = 0;
    for (NodeProcess node : nodes) {
      after += forwarded(node, "GetItem");
    }
    // Each key has one owner, so two of the three nodes forward each of the 10 keys.
    assertThat(after - before).isEqualTo(20);
  }
}
