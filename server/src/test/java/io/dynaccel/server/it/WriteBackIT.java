package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Write-back end to end, in front of a real dynalite: a write is acknowledged from the log and
 * served at once, DynamoDB has it only after a flush, coalesced per item; local evaluation answers
 * as DynamoDB does; Query and consistent reads see acknowledged writes; a restart replays the log.
 */
class WriteBackIT {

  private static final String TARGET = "DynamoDB_20120810.";
  private static final String TABLE = "WriteBack";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @TempDir Path logDir;

  private AcceleratorFixture node;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    node = startNode();
    call(upstream.endpoint(), "DeleteTable", "{\"TableName\":\"" + TABLE + "\"}");
    // dynalite deletes a table in the background: a CreateTable before it is gone is refused.
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        call(upstream.endpoint(), "DescribeTable", "{\"TableName\":\"" + TABLE + "\"}").body().contains("ResourceNotFoundException"));
    Differential.createTable(node, upstream.endpoint(), Differential.hashTable(TABLE, "pk", "S"));
  }

  private AcceleratorFixture startNode() throws Exception {
    // Flushes happen only when a test asks (or the node stops), so the test sees DynamoDB before and after.
    return AcceleratorFixture.start(upstream.emulator(), "tables.*.writeStrategy=write-back", "writeBack.logDir=" + logDir,
        "writeBack.flushInterval=1h");
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void putItem_whenAcknowledged_isServedAtOnceAndReachesDynamoDbOnlyWithTheFlush() throws Exception {
    assertThat(call(node.endpoint(), "PutItem", "{\"TableName\":\"WriteBack\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}").body())
        .isEqualTo("{}");

    assertThat(getItem(node.endpoint(), "a", false)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}");
    assertThat(getItem(node.endpoint(), "a", true)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}");
    assertThat(getItem(upstream.endpoint(), "a", true)).as("DynamoDB before the flush").isEqualTo("{}");

    flush();

    assertThat(getItem(upstream.endpoint(), "a", true)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}");
  }

  @Test
  void updateItem_whenManyConcurrentIncrements_allCountAndReachDynamoDbCoalesced() throws Exception {
    DynamoDbAsyncClient client = node.asyncClient(node.endpoint());
    List<CompletableFuture<?>> increments = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      increments.add(client.updateItem(b -> b.tableName(TABLE)
          .key(Map.of("pk", AttributeValue.fromS("counter")))
          .updateExpression("ADD n :one")
          .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))));
    }
    CompletableFuture.allOf(increments.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    assertThat(getItem(node.endpoint(), "counter", true)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"counter\"},\"n\":{\"N\":\"500\"}}}");
    flush();
    assertThat(getItem(upstream.endpoint(), "counter", true)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"counter\"},\"n\":{\"N\":\"500\"}}}");
    assertThat(node.metric("dynaccel_writeback_flush_items_total")).isLessThan(50);
  }

  @Test
  void conditionalWrite_whenConditionFails_answersAsDynamoDb() throws Exception {
    String put = "{\"TableName\":\"WriteBack\",\"Item\":{\"pk\":{\"S\":\"c\"},\"v\":{\"N\":\"1\"}},\"ConditionExpression\":\"attribute_not_exists(pk)\"}";
    assertThat(call(node.endpoint(), "PutItem", put).statusCode()).isEqualTo(200);
    call(upstream.endpoint(), "PutItem", put);

    HttpResponse<String> viaNode = call(node.endpoint(), "PutItem", put);
    HttpResponse<String> direct = call(upstream.endpoint(), "PutItem", put);

    assertThat(viaNode.statusCode()).isEqualTo(direct.statusCode()).isEqualTo(400);
    assertThat(Differential.JSON.readTree(viaNode.body())).isEqualTo(Differential.JSON.readTree(direct.body()));
  }

  @Test
  void query_afterAcknowledgedWrites_seesThem() throws Exception {
    call(node.endpoint(), "PutItem", "{\"TableName\":\"WriteBack\",\"Item\":{\"pk\":{\"S\":\"q\"},\"v\":{\"S\":\"x\"}}}");
    String query = "{\"TableName\":\"WriteBack\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"q\"}}}";

    JsonNode first = Differential.JSON.readTree(call(node.endpoint(), "Query", query).body());
    call(node.endpoint(), "PutItem", "{\"TableName\":\"WriteBack\",\"Item\":{\"pk\":{\"S\":\"q\"},\"v\":{\"S\":\"y\"}}}");
    JsonNode second = Differential.JSON.readTree(call(node.endpoint(), "Query", query).body());
    JsonNode scan = Differential.JSON.readTree(call(node.endpoint(), "Scan", "{\"TableName\":\"WriteBack\"}").body());

    assertThat(first.path("Items").get(0).path("v").path("S").asText()).isEqualTo("x");
    assertThat(second.path("Items").get(0).path("v").path("S").asText()).isEqualTo("y");
    assertThat(scan.path("Items").get(0).path("v").path("S").asText()).isEqualTo("y");
  }

  @Test
  void restart_whenDirtyItemsWereNotFlushed_replaysThemAndFlushesLater() throws Exception {
    node.close();
    node = null;
    node = AcceleratorFixture.start(upstream.emulator(), "tables.*.writeStrategy=write-back", "writeBack.logDir=" + logDir,
        "writeBack.flushInterval=1h", "writeBack.shutdownTimeout=0s");
    call(node.endpoint(), "PutItem", "{\"TableName\":\"WriteBack\",\"Item\":{\"pk\":{\"S\":\"r\"},\"v\":{\"N\":\"7\"}}}");
    call(node.endpoint(), "DeleteItem", "{\"TableName\":\"WriteBack\",\"Key\":{\"pk\":{\"S\":\"gone\"}}}");
    node.close();
    node = null;
    assertThat(getItem(upstream.endpoint(), "r", true)).isEqualTo("{}");

    node = startNode();

    assertThat(getItem(node.endpoint(), "r", false)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"r\"},\"v\":{\"N\":\"7\"}}}");
    flush();
    assertThat(getItem(upstream.endpoint(), "r", true)).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"r\"},\"v\":{\"N\":\"7\"}}}");
  }

  private String getItem(URI endpoint, String key, boolean consistent) throws Exception {
    HttpResponse<String> answer = call(endpoint, "GetItem",
        "{\"TableName\":\"WriteBack\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}},\"ConsistentRead\":" + consistent + "}");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }

  private void flush() throws Exception {
    HttpResponse<String> flushed = http.send(HttpRequest.newBuilder(node.adminEndpoint().resolve("/admin/write-back/flush"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(flushed.statusCode()).as(flushed.body()).isEqualTo(200);
  }

  private HttpResponse<String> call(URI endpoint, String operation, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", TARGET + operation)
        .header("X-Amz-Date", RawHttp.DATE)
        .header("Authorization", RawHttp.AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
