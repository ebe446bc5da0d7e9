package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-back while DynamoDB misbehaves, end to end: a node with every table written back, in
 * front of a {@link FaultInjectingProxy} in front of dynalite. Whatever DynamoDB does (refuse every
 * connection, throttle, leave items unprocessed, reject one record for good), every write the node
 * acknowledged is served at once and is in DynamoDB once the flush completes; a record DynamoDB
 * rejects lands in the dead-letter file, and reads of it then answer what DynamoDB holds.
 */
class WriteBackUpstreamFaultsIT {

  private static final String TARGET = "DynamoDB_20120810.";

  @RegisterExtension static DynamoDbEmulatorExtension dynamo = new DynamoDbEmulatorExtension();

  @TempDir Path logDir;

  private FaultInjectingProxy proxy;
  private AcceleratorFixture node;

  private void start(String table, String... settings) throws Exception {
    proxy = FaultInjectingProxy.start(dynamo.endpoint());
    node = AcceleratorFixture.start(proxy.endpoint(), dynamo.emulator().region(), settings);
    Differential.createTable(node, dynamo.endpoint(), Differential.hashTable(table, "pk", "S"));
  }

  @AfterEach
  void stop() throws Exception {
    // Let the node's last flush through, so that closing it does not wait out its shutdown timeout.
    if (proxy != null) {
      proxy.acceptConnections();
    }
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (proxy != null) {
        proxy.close();
      }
    }
  }

  @Test
  void writes_whenDynamoDbRefusesConnections_areAcknowledgedServedAndAllWrittenOnceItIsBack() throws Exception {
    String table = "Outage";
    start(table, WriteBackSettings.everyTable(logDir, "100ms"));
    Map<String, String> acknowledged = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      assertOk(put(table, "known-" + i, "before"));
      acknowledged.put("known-" + i, "before");
    }
    flush();
    double retriesBefore = node.metric("dynaccel_writeback_flush_retries_total");

    proxy.refuseConnections();
    for (int i = 0; i < 10; i++) {
      String key = "known-" + i;
      assertOk(update(table, key, "during-" + i));
      acknowledged.put(key, "during-" + i);
      assertOk(put(table, "new-" + i, "during"));
      acknowledged.put("new-" + i, "during");
    }
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add("{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"batch-" + i + "\"},\"v\":{\"S\":\"during\"}}}}");
      acknowledged.put("batch-" + i, "during");
    }
    HttpResponse<String> batchAnswer = call(node.endpoint(), "BatchWriteItem", "{\"RequestItems\":{\"" + table + "\":[" + String.join(",", batch) + "]}}");
    assertOk(batchAnswer);
    assertThat(batchAnswer.body()).isEqualTo("{\"UnprocessedItems\":{}}");
    assertOk(call(node.endpoint(), "DeleteItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"known-9\"}}}"));
    acknowledged.put("known-9", null);
    for (Map.Entry<String, String> write : acknowledged.entrySet()) {
      assertThat(valueOf(getItem(node.endpoint(), table, write.getKey(), true))).as("served while DynamoDB is down: %s", write.getKey()).isEqualTo(write.getValue());
      assertThat(valueOf(getItem(node.endpoint(), table, write.getKey(), false))).as(write.getKey()).isEqualTo(write.getValue());
    }
    // The flusher keeps trying (and failing) while DynamoDB is away; the writes stay dirty.
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> node.metric("dynaccel_writeback_flush_retries_total") - retriesBefore >= 5);
    assertThat(node.metric("dynaccel_writeback_dirty_items")).isEqualTo((double) acknowledged.size());
    assertThat(valueOf(getItem(dynamo.endpoint(), table, "new-0", true))).as("DynamoDB during the outage").isNull();

    proxy.acceptConnections();
    flush();

    assertThat(stored(table, acknowledged.keySet())).isEqualTo(acknowledged);
    assertThat(node.metric("dynaccel_writeback_dirty_items")).isZero();
    assertThat(node.metric("dynaccel_writeback_dead_letters_total")).isZero();
  }

  @Test
  void writes_whenBatchWritesAreThrottledOrPartlyUnprocessed_allArriveInTheEnd() throws Exception {
    String table = "Throttled";
    start(table, WriteBackSettings.everyTable(logDir, "50ms"));
    proxy.throttleBatchWrites(6);
    proxy.leaveUnprocessed(4);

    // Four writers, each with its own ten keys written twice in order: the second value must win.
    Map<String, String> acknowledged = new LinkedHashMap<>();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<List<HttpResponse<String>>>> running = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
          keys.add("item-" + w + "-" + k);
          acknowledged.put("item-" + w + "-" + k, "second");
        }
        running.add(CompletableFuture.supplyAsync(() -> {
          List<HttpResponse<String>> answers = new ArrayList<>();
          for (String value : List.of("first", "second")) {
            keys.forEach(key -> answers.add(put(table, key, value)));
          }
          return answers;
        }, writers));
      }
      for (CompletableFuture<List<HttpResponse<String>>> writer : running) {
        writer.get(60, TimeUnit.SECONDS).forEach(WriteBackUpstreamFaultsIT::assertOk);
      }
    } finally {
      writers.shutdownNow();
    }

    flush();

    System.out.printf("WriteBackUpstreamFaultsIT throttling: %d BatchWriteItem calls, %d throttled, %d requests left unprocessed, %.0f retries%n",
        proxy.batchWrites(), proxy.throttled(), proxy.leftUnprocessed(), node.metric("dynaccel_writeback_flush_retries_total"));
    assertThat(proxy.throttled()).isEqualTo(6);
    assertThat(proxy.leftUnprocessed()).isPositive();
    assertThat(stored(table, acknowledged.keySet())).isEqualTo(acknowledged);
    assertThat(node.metric("dynaccel_writeback_dead_letters_total")).isZero();
  }

  @Test
  void writes_whenDirtyBudgetIsExhaustedWhileDynamoDbIsDown_areSlowedThenThrottledAndEveryAcknowledgedOneArrives() throws Exception {
    String table = "Budget";
    Duration flushInterval = Duration.ofMillis(200);
    start(table, WriteBackSettings.everyTable(logDir, flushInterval.toMillis() + "ms", "writeBack.maxDirtyBytes=8192", "writeBack.flushBytes=1024"));
    // The node learns the table's key schema from DynamoDB once; after that it needs DynamoDB for none of these writes.
    assertOk(put(table, "first", "0"));
    flush();
    proxy.refuseConnections();

    String padding = "x".repeat(200);
    Map<String, String> acknowledged = new LinkedHashMap<>();
    List<Long> acknowledgedNanos = new ArrayList<>();
    HttpResponse<String> refused = null;
    for (int i = 0; i < 200 && refused == null; i++) {
      String key = "item-" + i;
      long begin = System.nanoTime();
      HttpResponse<String> answer = call(node.endpoint(), "BatchWriteItem", "{\"RequestItems\":{\"" + table + "\":[{\"PutRequest\":{\"Item\":"
          + "{\"pk\":{\"S\":\"" + key + "\"},\"v\":{\"S\":\"" + i + "\"},\"pad\":{\"S\":\"" + padding + "\"}}}}]}}");
      long took = System.nanoTime() - begin;
      assertThat(answer.statusCode()).as("never a 5xx: %s", answer.body()).isLessThan(500);
      if (answer.statusCode() == 200) {
        acknowledged.put(key, Integer.toString(i));
        acknowledgedNanos.add(took);
      } else {
        refused = answer;
      }
    }

    assertThat(refused).as("a write past the dirty budget is refused").isNotNull();
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Differential.JSON.readTree(refused.body())).isEqualTo(Differential.JSON.readTree(FaultInjectingProxy.THROTTLING));
    assertThat(acknowledged).hasSizeGreaterThan(10);
    long slowed = acknowledgedNanos.stream().filter(nanos -> nanos >= flushInterval.toNanos() / 2).count();
    System.out.printf("WriteBackUpstreamFaultsIT dirty budget: %d writes acknowledged (%d of them slowed by at least %d ms) before one was throttled: %s%n",
        acknowledged.size(), slowed, flushInterval.toMillis() / 2, refused.body());
    assertThat(slowed).as("writers past half the budget wait for the flusher").isPositive();
    assertThat(acknowledgedNanos.get(0)).as("the first writes are not slowed").isLessThan(flushInterval.toNanos() / 2);

    proxy.acceptConnections();
    flush();
    assertThat(stored(table, acknowledged.keySet())).isEqualTo(acknowledged);
    // Once the flusher caught up, writes are admitted again.
    assertOk(put(table, "after", "1"));
  }

  @Test
  void record_whenDynamoDbRejectsItAfterItWasAcknowledged_isDeadLetteredAndTheOthersAreWritten() throws Exception {
    String table = "Poisoned";
    start(table, WriteBackSettings.everyTable(logDir, "1h"));
    // Read first, so the node holds the item's absence in its cache (the warm case).
    assertThat(valueOf(getItem(node.endpoint(), table, "poison", false))).isNull();

    Map<String, String> acknowledged = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      assertOk(put(table, "good-" + i, "v" + i));
      acknowledged.put("good-" + i, "v" + i);
    }
    assertOk(call(node.endpoint(), "PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"poison\"},\"v\":{\"S\":\"node\"},\"g\":{\"N\":\"5\"}}}"));
    for (int i = 10; i < 20; i++) {
      assertOk(put(table, "good-" + i, "v" + i));
      acknowledged.put("good-" + i, "v" + i);
    }
    assertThat(valueOf(getItem(node.endpoint(), table, "poison", false))).isEqualTo("node");

    // Before the flush, someone rebuilds the table behind the node's back with a string index key
    // on g (dynalite's UpdateTable cannot add an index); the acknowledged g = 5 no longer fits.
    assertOk(call(dynamo.endpoint(), "DeleteTable", "{\"TableName\":\"" + table + "\"}"));
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> call(dynamo.endpoint(), "DescribeTable", "{\"TableName\":\"" + table + "\"}").statusCode() == 400);
    Differential.createTable(node, dynamo.endpoint(), "{\"TableName\":\"" + table + "\",\"BillingMode\":\"PAY_PER_REQUEST\","
        + "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"g\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
        + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"ByG\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}]}");
    assertOk(call(dynamo.endpoint(), "PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"poison\"},\"v\":{\"S\":\"direct\"},\"g\":{\"S\":\"s\"}}}"));

    flush();

    assertThat(node.metric("dynaccel_writeback_dead_letters_total")).isEqualTo(1);
    List<String> deadLetters = Files.readAllLines(logDir.resolve("dead-letters.jsonl"));
    assertThat(deadLetters).hasSize(1);
    System.out.println("WriteBackUpstreamFaultsIT dead letter: " + deadLetters.get(0));
    JsonNode letter = Differential.JSON.readTree(deadLetters.get(0));
    assertThat(letter.path("table").asText()).isEqualTo(table);
    assertThat(letter.path("key").path("pk").path("S").asText()).isEqualTo("poison");
    assertThat(letter.path("item").path("g")).isEqualTo(Differential.JSON.readTree("{\"N\":\"5\"}"));
    assertThat(letter.path("errorType").asText()).endsWith("ValidationException");
    assertThat(stored(table, acknowledged.keySet())).isEqualTo(acknowledged);
    String held = getItem(dynamo.endpoint(), table, "poison", true);
    assertThat(valueOf(held)).isEqualTo("direct");
    assertThat(Differential.JSON.readTree(getItem(node.endpoint(), table, "poison", true))).isEqualTo(Differential.JSON.readTree(held));
    assertThat(Differential.JSON.readTree(getItem(node.endpoint(), table, "poison", false))).isEqualTo(Differential.JSON.readTree(held));
  }

  // ---- helpers

  private HttpResponse<String> put(String table, String key, String value) {
    try {
      return call(node.endpoint(), "PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"v\":{\"S\":\"" + value + "\"}}}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> update(String table, String key, String value) throws Exception {
    return call(node.endpoint(), "UpdateItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}},"
        + "\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"" + value + "\"}}}");
  }

  private String getItem(URI endpoint, String table, String key, boolean consistent) throws Exception {
    HttpResponse<String> answer = call(endpoint, "GetItem",
        "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}},\"ConsistentRead\":" + consistent + "}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }

  /** The item's {@code v}, or null if there is no item. */
  private static String valueOf(String getItemAnswer) throws Exception {
    JsonNode item = Differential.JSON.readTree(getItemAnswer).path("Item");
    return item.isMissingNode() ? null : item.path("v").path("S").asText();
  }

  /** What DynamoDB itself holds for each key (consistent reads, not through the node): its {@code v}, or null. */
  private Map<String, String> stored(String table, Iterable<String> keys) throws Exception {
    Map<String, String> found = new LinkedHashMap<>();
    for (String key : keys) {
      found.put(key, valueOf(getItem(dynamo.endpoint(), table, key, true)));
    }
    return found;
  }

  /** Waits (up to the fixture's 30 s call timeout) until DynamoDB holds every write acknowledged so far. */
  private void flush() throws Exception {
    HttpResponse<String> flushed = node.call(node.adminEndpoint().resolve("/admin/write-back/flush"), null, "");
    assertThat(flushed.statusCode()).as("flush: %s", flushed.body()).isEqualTo(200);
  }

  private static void assertOk(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }

  private HttpResponse<String> call(URI endpoint, String operation, String body) throws Exception {
    return node.call(endpoint, TARGET + operation, body);
  }
}
