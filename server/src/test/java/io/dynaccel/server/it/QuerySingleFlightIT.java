package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Single flight of Query and Scan, end to end: 100 clients sending one request at once on a cold cache
 * cost one call to DynamoDB, and a write acknowledged while that call is in flight keeps later misses
 * from taking its answer. The proxy in front of the emulator holds DynamoDB's answers until every
 * call has reached the node.
 */
class QuerySingleFlightIT {

  private static final String TABLE = "QuerySingleFlight";
  private static final int READERS = 100;
  private static final Map<String, AttributeValue> HOT_V1 = Map.of("pk", AttributeValue.fromS("hot"), "v", AttributeValue.fromS("v1"));
  private static final Map<String, AttributeValue> HOT_V2 = Map.of("pk", AttributeValue.fromS("hot"), "v", AttributeValue.fromS("v2"));
  private static final QueryRequest HOT = QueryRequest.builder().tableName(TABLE).keyConditionExpression("pk = :pk")
      .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("hot"))).build();

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  /** A node in front of the table, whose hot item is at v1. */
  private static ProxiedAccelerator nodeWithHotItem() throws Exception {
    ProxiedAccelerator node = ProxiedAccelerator.start(upstream.emulator());
    DynamoDbClient direct = node.syncClient(upstream.endpoint(), Duration.ofSeconds(20));
    if (!direct.listTables().tableNames().contains(TABLE)) {
      ProxiedAccelerator.createTable(direct, TABLE);
    }
    direct.putItem(b -> b.tableName(TABLE).item(HOT_V1));
    return node;
  }

  /** Clients of the node, once the node has learnt the table's key schema, so that held answers are of the calls under test only. */
  private static DynamoDbAsyncClient readers(ProxiedAccelerator node) throws Exception {
    DynamoDbAsyncClient client = node.asyncClient(node.endpoint(), READERS, Duration.ofSeconds(60));
    client.query(b -> b.tableName(TABLE).keyConditionExpression("pk = :pk")
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("warm")))).get(30, TimeUnit.SECONDS);
    return client;
  }

  @Test
  void query_whenAHundredClientsSendOneColdQueryAtOnce_nodeSendsOneQueryAndAnswersThemAll() throws Exception {
    try (ProxiedAccelerator node = nodeWithHotItem()) {
      DynamoDbAsyncClient client = readers(node);
      double sentBefore = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"Query\"}");
      List<QueryResponse> answers = HeldMisses.send(node, "dynaccel_query_cache_misses_total", READERS, () -> client.query(HOT));
      assertThat(answers).allSatisfy(answer -> assertThat(answer.items()).containsExactly(HOT_V1));

      double sent = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"Query\"}") - sentBefore;
      double merged = node.metric("dynaccel_query_cache_fill_merged_total");
      System.out.printf("QuerySingleFlightIT: %d concurrent cold Queries: %.0f upstream Query, %.0f merged%n", READERS, sent, merged);
      assertThat(sent).isEqualTo(1);
      assertThat(merged).isEqualTo(READERS - 1);
    }
  }

  @Test
  void scan_whenAHundredClientsSendOneColdScanAtOnce_nodeSendsOneScanAndAnswersThemAll() throws Exception {
    try (ProxiedAccelerator node = nodeWithHotItem()) {
      DynamoDbAsyncClient client = readers(node);
      double sentBefore = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"Scan\"}");
      Map<String, AttributeValue> filter = Map.of(":pk", AttributeValue.fromS("hot"));
      List<ScanResponse> answers = HeldMisses.send(node, "dynaccel_scan_cache_misses_total", READERS,
          () -> client.scan(b -> b.tableName(TABLE).filterExpression("pk = :pk").expressionAttributeValues(filter)));
      assertThat(answers).allSatisfy(answer -> assertThat(answer.items()).containsExactly(HOT_V1));

      double sent = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"Scan\"}") - sentBefore;
      System.out.printf("QuerySingleFlightIT: %d concurrent cold Scans: %.0f upstream Scan%n", READERS, sent);
      assertThat(sent).isEqualTo(1);
      assertThat(node.metric("dynaccel_query_cache_fill_merged_total")).isEqualTo(READERS - 1);
    }
  }

  @Test
  void query_whenAWriteIsAcknowledgedWhileTheFillIsInFlight_laterQueriesDoNotTakeItsAnswerAndSeeTheWrite() throws Exception {
    try (ProxiedAccelerator node = nodeWithHotItem()) {
      DynamoDbAsyncClient client = readers(node);
      double sentBefore = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"Query\"}");
      DynamoDbClient writer = node.syncClient(node.endpoint(), Duration.ofSeconds(20));

      node.proxy().holdResponsesTo("Query");
      CompletableFuture<QueryResponse> beforeWrite;
      CompletableFuture<QueryResponse> afterWrite;
      CompletableFuture<QueryResponse> joinsTheSecond;
      try {
        long chunks = node.proxy().responseChunks();
        beforeWrite = client.query(HOT);
        // DynamoDB answered the first fill (v1), and its answer waits in the proxy.
        await().atMost(Duration.ofSeconds(30)).until(() -> node.proxy().responseChunks() > chunks);
        writer.putItem(b -> b.tableName(TABLE).item(HOT_V2));

        double missesAfterWrite = node.metric("dynaccel_query_cache_misses_total");
        afterWrite = client.query(HOT);
        await().atMost(Duration.ofSeconds(30)).until(() -> node.metric("dynaccel_query_cache_misses_total") > missesAfterWrite);
        double mergedBefore = node.metric("dynaccel_query_cache_fill_merged_total");
        joinsTheSecond = client.query(HOT);
        await().atMost(Duration.ofSeconds(30)).until(() -> node.metric("dynaccel_query_cache_fill_merged_total") > mergedBefore);
      } finally {
        node.proxy().releaseResponses();
      }

      assertThat(beforeWrite.get(30, TimeUnit.SECONDS).items()).containsExactly(HOT_V1);
      assertThat(afterWrite.get(30, TimeUnit.SECONDS).items()).as("a Query after an acknowledged write sees it").containsExactly(HOT_V2);
      assertThat(joinsTheSecond.get(30, TimeUnit.SECONDS).items()).containsExactly(HOT_V2);
      assertThat(client.query(HOT).get(30, TimeUnit.SECONDS).items()).containsExactly(HOT_V2);
      assertThat(node.metric("dynaccel_upstream_requests_seconds_count{operation=\"Query\"}") - sentBefore).isEqualTo(2);
    }
  }
}
