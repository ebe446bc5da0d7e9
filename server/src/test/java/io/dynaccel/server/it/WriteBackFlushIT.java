package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.write.back.internal.Backoff;
import io.dynaccel.server.write.back.internal.BatchFlusher;
import io.dynaccel.server.write.back.internal.DeadLetters;
import io.dynaccel.server.write.back.internal.FlushItem;
import io.dynaccel.server.write.back.internal.FlushOutcome;
import io.dynaccel.server.write.back.internal.FlushResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The write-back flusher against a real DynamoDB (dynalite over HTTP): every item it reports
 * WRITTEN is in DynamoDB as flushed (puts and deletes, over two tables), and a record DynamoDB
 * itself rejects (a GSI key of the wrong type) lands in the dead-letter file without keeping the
 * records around it out of DynamoDB.
 */
class WriteBackFlushIT {

  private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();
  @TempDir static Path dir;

  private static Vertx vertx;
  private static RefreshingCredentials credentials;
  private static UpstreamClient client;
  private static DeadLetters deadLetters;
  private static BatchFlusher flusher;
  private static DynamoDbClient direct;
  private static long seq;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    credentials = new RefreshingCredentials(vertx, CREDENTIALS, Clock.systemUTC());
    await(credentials.start());
    client = new UpstreamClient(vertx, upstream.endpoint(), upstream.emulator().region(), Duration.ofSeconds(2), Duration.ofSeconds(10), 8, 2, credentials);
    deadLetters = new DeadLetters(vertx, dir.resolve("dead-letters.jsonl"));
    flusher = new BatchFlusher(vertx, client, deadLetters, new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), new SplittableRandom(11)), new SimpleMeterRegistry(), key -> true);
    direct = DynamoDbClient.builder()
        .endpointOverride(upstream.endpoint())
        .region(Region.of(upstream.emulator().region()))
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    flusher.stop();
    deadLetters.close();
    client.close();
    credentials.close();
    direct.close();
    await(vertx.close());
  }

  @Test
  void flush_when100ItemsOverTwoTablesWithDeletes_dynamoDbHoldsWhatWasFlushed() {
    createTable("FlushPlain", null);
    createTable("FlushSorted", "sk");
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      items.add(put("FlushPlain", "p" + i, null, "plain " + i));
      items.add(put("FlushSorted", "s" + (i % 4), String.valueOf(i), "sorted " + i));
    }
    // The keys to delete exist in DynamoDB beforehand, so that a delete that did nothing would show.
    List<FlushItem> deletes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      FlushItem old = put("FlushPlain", "gone" + i, null, "old " + i);
      direct.putItem(b -> b.tableName("FlushPlain").item(sdkItem(old)));
      deletes.add(delete("FlushPlain", "gone" + i, null));
      FlushItem oldSorted = put("FlushSorted", "gone", String.valueOf(i), "old " + i);
      direct.putItem(b -> b.tableName("FlushSorted").item(sdkItem(oldSorted)));
      deletes.add(delete("FlushSorted", "gone", String.valueOf(i)));
    }
    items.addAll(deletes);
    assertThat(items).hasSize(100);

    List<FlushOutcome> outcomes = await(flusher.flush(items));

    assertThat(outcomes).hasSize(100).allSatisfy(o -> assertThat(o.result()).isEqualTo(FlushResult.WRITTEN));
    for (FlushItem item : items) {
      Map<String, AttributeValue> stored = direct.getItem(b -> b.tableName(item.tableName()).key(sdkItem(item.keyAttributes())).consistentRead(true)).item();
      if (item.isDelete()) {
        assertThat(stored).as("deleted %s", item.keyAttributes()).isEmpty();
      } else {
        assertThat(stored).as("put %s", item.keyAttributes()).isEqualTo(sdkItem(item.item()));
      }
    }
  }

  @Test
  void flush_whenDynamoDbRejectsOneRecordForItsIndexKeyType_deadLettersItAndWritesTheOthers() throws Exception {
    direct.createTable(b -> b.tableName("FlushIndexed")
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("g").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byG")
            .keySchema(KeySchemaElement.builder().attributeName("g").keyType(KeyType.HASH).build())
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
            .build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    direct.waiter().waitUntilTableExists(b -> b.tableName("FlushIndexed"));
    List<FlushItem> items = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      FlushItem good = put("FlushIndexed", "good" + i, null, "good " + i);
      good.item().putObject("g").put("S", "group" + (i % 3));
      items.add(good);
    }
    FlushItem poison = put("FlushIndexed", "poison", null, "bad");
    poison.item().putObject("g").put("N", "5");
    items.add(7, poison);

    List<FlushOutcome> outcomes = await(flusher.flush(items));

    assertThat(outcomes).filteredOn(o -> o.result() == FlushResult.DEAD_LETTERED).extracting(FlushOutcome::item).containsExactly(poison);
    assertThat(outcomes).filteredOn(o -> o.result() == FlushResult.WRITTEN).hasSize(24);
    for (FlushItem item : items) {
      Map<String, AttributeValue> stored = direct.getItem(b -> b.tableName("FlushIndexed").key(sdkItem(item.keyAttributes())).consistentRead(true)).item();
      assertThat(stored).as("%s", item.keyAttributes()).isEqualTo(item == poison ? Map.of() : sdkItem(item.item()));
    }
    List<String> lines = Files.readAllLines(deadLetters.file(), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    JsonNode line = JsonCodec.read(lines.get(0).getBytes(StandardCharsets.UTF_8));
    assertThat(line.path("table").asText()).isEqualTo("FlushIndexed");
    assertThat(line.path("key")).isEqualTo(poison.keyAttributes());
    assertThat(line.path("item")).isEqualTo(poison.item());
    assertThat(line.path("errorType").asText()).isEqualTo("ValidationException");
    // DynamoDB's words for this rejection; dynalite uses the same.
    assertThat(line.path("message").asText()).contains("Type mismatch for Index Key g Expected: S Actual: N");
  }

  private static void createTable(String table, String sortKey) {
    direct.createTable(b -> {
      List<AttributeDefinition> attributes = new ArrayList<>(List.of(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build()));
      List<KeySchemaElement> keys = new ArrayList<>(List.of(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
      if (sortKey != null) {
        attributes.add(AttributeDefinition.builder().attributeName(sortKey).attributeType(ScalarAttributeType.N).build());
        keys.add(KeySchemaElement.builder().attributeName(sortKey).keyType(KeyType.RANGE).build());
      }
      b.tableName(table).attributeDefinitions(attributes).keySchema(keys).billingMode(BillingMode.PAY_PER_REQUEST);
    });
    direct.waiter().waitUntilTableExists(b -> b.tableName(table));
  }

  private static FlushItem put(String table, String pk, String sk, String value) {
    ObjectNode item = key(pk, sk);
    item.putObject("v").put("S", value);
    item.putObject("n").put("N", String.valueOf(value.length()));
    return new FlushItem(itemKey(table, pk, sk), table, key(pk, sk), item, ++seq);
  }

  private static FlushItem delete(String table, String pk, String sk) {
    return new FlushItem(itemKey(table, pk, sk), table, key(pk, sk), null, ++seq);
  }

  private static ItemKey itemKey(String table, String pk, String sk) {
    return new ItemKey(table, "S" + pk.length() + ":" + pk, sk == null ? "" : "N:" + new BigDecimal(sk).stripTrailingZeros().toPlainString());
  }

  private static ObjectNode key(String pk, String sk) {
    ObjectNode key = JsonCodec.object();
    key.putObject("pk").put("S", pk);
    if (sk != null) {
      key.putObject("sk").put("N", sk);
    }
    return key;
  }

  private static Map<String, AttributeValue> sdkItem(FlushItem item) {
    return sdkItem(item.item());
  }

  /** Our DynamoDB JSON as the SDK's values, for the two types (S, N) these items use. */
  private static Map<String, AttributeValue> sdkItem(JsonNode item) {
    Map<String, AttributeValue> values = new HashMap<>();
    item.properties().forEach(attribute -> {
      JsonNode value = attribute.getValue();
      values.put(attribute.getKey(), value.has("S") ? AttributeValue.fromS(value.get("S").asText()) : AttributeValue.fromN(value.get("N").asText()));
    });
    return values;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
