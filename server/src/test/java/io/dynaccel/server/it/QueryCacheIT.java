package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** The query cache through the AWS SDK: hits, invalidation by writes, scopes, and the purge endpoint. */
class QueryCacheIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static DynamoDbClient client;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(upstream.emulator());
    client = fixture.syncClient(fixture.endpoint());
    client.createTable(b -> b.tableName("Events")
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.N).build(),
            AttributeDefinition.builder().attributeName("kind").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byKind")
            .keySchema(KeySchemaElement.builder().attributeName("kind").keyType(KeyType.HASH).build())
            .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    Awaitility.await().until(() -> client.describeTable(b -> b.tableName("Events")).table().tableStatus() == TableStatus.ACTIVE);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static void put(String pk, int sk, String kind) {
    client.putItem(b -> b.tableName("Events").item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(Integer.toString(sk)), "kind", AttributeValue.fromS(kind))));
  }

  private static int query(String pk) {
    return client.query(QueryRequest.builder().tableName("Events").keyConditionExpression("pk = :p")
        .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(pk))).build()).count();
  }

  private static int queryKind(String kind) {
    return client.query(QueryRequest.builder().tableName("Events").indexName("byKind").keyConditionExpression("kind = :k")
        .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(kind))).build()).count();
  }

  @Test
  void query_whenRepeated_hitsAndSeesWritesToItsPartition() {
    put("a", 1, "x");
    assertThat(query("a")).isEqualTo(1);
    double hits = fixture.metric("dynaccel_query_cache_hits_total");
    assertThat(query("a")).isEqualTo(1);
    assertThat(fixture.metric("dynaccel_query_cache_hits_total")).isEqualTo(hits + 1);

    put("a", 2, "x");

    assertThat(query("a")).isEqualTo(2);
  }

  @Test
  void query_whenOtherPartitionWritten_staysCached() {
    put("b", 1, "y");
    query("b");
    double hits = fixture.metric("dynaccel_query_cache_hits_total");

    put("c", 1, "y");

    assertThat(query("b")).isEqualTo(1);
    assertThat(fixture.metric("dynaccel_query_cache_hits_total")).isEqualTo(hits + 1);
  }

  @Test
  void indexQueryAndScan_whenAnyItemWritten_seeTheWrite() {
    put("d", 1, "z");
    int kinds = queryKind("z");
    int items = client.scan(b -> b.tableName("Events")).count();

    put("e", 1, "z");
    client.deleteItem(b -> b.tableName("Events").key(Map.of("pk", AttributeValue.fromS("d"), "sk", AttributeValue.fromN("1"))));
    put("f", 1, "z");

    assertThat(queryKind("z")).isEqualTo(kinds + 1);
    assertThat(client.scan(b -> b.tableName("Events")).count()).isEqualTo(items + 1);
  }

  @Test
  void purge_whenAdminDeletesTableResults_nextQueryMisses() throws Exception {
    put("g", 1, "w");
    query("g");
    query("g");
    double misses = fixture.metric("dynaccel_query_cache_misses_total");

    HttpResponse<String> purge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(fixture.adminEndpoint().resolve("/admin/query-cache/Events")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    query("g");

    assertThat(purge.statusCode()).isEqualTo(200);
    assertThat(fixture.metric("dynaccel_query_cache_misses_total")).isEqualTo(misses + 1);
  }

  @Test
  void query_whenConsistentRead_alwaysGoesUpstream() {
    put("h", 1, "v");
    double hits = fixture.metric("dynaccel_query_cache_hits_total");
    for (int i = 0; i < 3; i++) {
      client.query(QueryRequest.builder().tableName("Events").consistentRead(true).keyConditionExpression("pk = :p")
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("h"))).build());
    }

    assertThat(fixture.metric("dynaccel_query_cache_hits_total")).isEqualTo(hits);
  }
}
