package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** End-to-end behaviour of one node in front of a real DynamoDB implementation, through AWS SDK v2 clients. */
class AcceleratorIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static DynamoDbClient client;
  private static DynamoDbClient direct;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(upstream.emulator());
    client = fixture.syncClient(fixture.endpoint());
    direct = fixture.syncClient(upstream.endpoint());
    client.createTable(b -> b.tableName("Items")
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.N).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    client.createTable(b -> b.tableName("People")
        .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    // A new table is CREATING for a moment, and items written to it meanwhile are rejected.
    client.waiter().waitUntilTableExists(b -> b.tableName("Items"));
    client.waiter().waitUntilTableExists(b -> b.tableName("People"));
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static Map<String, AttributeValue> key(String pk, int sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(Integer.toString(sk)));
  }

  @Test
  void getItem_whenReadTwice_secondIsCacheHitWithSameAnswer() {
    client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("hit"), "sk", AttributeValue.fromN("1"),
        "price", AttributeValue.fromN("1.50"), "tags", AttributeValue.fromSs(List.of("b", "a")))));
    double hits = fixture.metric("dynaccel_item_cache_hits_total");

    GetItemResponse first = client.getItem(b -> b.tableName("Items").key(key("hit", 1)));
    GetItemResponse second = client.getItem(b -> b.tableName("Items").key(key("hit", 1)));

    assertThat(second.item()).isEqualTo(first.item());
    assertThat(second.item().get("price").n()).isEqualTo("1.5");
    assertThat(second.item()).isEqualTo(direct.getItem(b -> b.tableName("Items").key(key("hit", 1))).item());
    assertThat(fixture.metric("dynaccel_item_cache_hits_total")).isGreaterThanOrEqualTo(hits + 2);
  }

  @Test
  void getItem_whenItemMissing_cachesAbsenceUntilWritten() {
    assertThat(client.getItem(b -> b.tableName("Items").key(key("absent", 1))).hasItem()).isFalse();
    assertThat(client.getItem(b -> b.tableName("Items").key(key("absent", 1))).hasItem()).isFalse();

    client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("absent"), "sk", AttributeValue.fromN("1"))));

    assertThat(client.getItem(b -> b.tableName("Items").key(key("absent", 1))).hasItem()).isTrue();
  }

  @Test
  void getItem_whenMissedItemHoldsAnEscapedCharacter_missAndHitAnswerDynamoDbsOwnBytes() throws Exception {
    // Written past the accelerator, with a character that must be escaped: dynalite writes \u001f, Jackson \u001F.
    fixture.call(upstream.endpoint(), "DynamoDB_20120810.PutItem",
        "{\"TableName\":\"Items\",\"Item\":{\"pk\":{\"S\":\"escaped\"},\"sk\":{\"N\":\"1\"},\"s\":{\"S\":\"a\\u001fb\"}}}");
    String get = "{\"TableName\":\"Items\",\"Key\":{\"pk\":{\"S\":\"escaped\"},\"sk\":{\"N\":\"1\"}}}";
    String straight = fixture.call(upstream.endpoint(), "DynamoDB_20120810.GetItem", get).body();

    String miss = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", get).body();
    String hit = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", get).body();

    assertThat(straight).contains("a\\u001fb");
    assertThat(miss).isEqualTo(straight);
    assertThat(hit).isEqualTo(straight);
  }

  @Test
  void updateItem_whenReturnValuesNone_clientGetsNoAttributesAndCacheHoldsNewItem() {
    client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("upd"), "sk", AttributeValue.fromN("1"), "n", AttributeValue.fromN("1"))));
    client.getItem(b -> b.tableName("Items").key(key("upd", 1)));

    var update = client.updateItem(b -> b.tableName("Items").key(key("upd", 1))
        .updateExpression("SET n = n + :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));

    assertThat(update.hasAttributes()).isFalse();
    assertThat(client.getItem(b -> b.tableName("Items").key(key("upd", 1))).item().get("n").n()).isEqualTo("2");
    var old = client.updateItem(b -> b.tableName("Items").key(key("upd", 1)).returnValues(ReturnValue.UPDATED_OLD)
        .updateExpression("SET n = n + :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    assertThat(old.attributes()).isEqualTo(Map.of("n", AttributeValue.fromN("2")));
    assertThat(client.getItem(b -> b.tableName("Items").key(key("upd", 1))).item().get("n").n()).isEqualTo("3");
  }

  @Test
  void putItem_whenConditionFails_cacheKeepsStoredItem() {
    client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("cond"), "sk", AttributeValue.fromN("1"), "v", AttributeValue.fromS("old"))));
    client.getItem(b -> b.tableName("Items").key(key("cond", 1)));

    assertThatThrownBy(() -> client.putItem(b -> b.tableName("Items").conditionExpression("attribute_not_exists(pk)")
        .item(Map.of("pk", AttributeValue.fromS("cond"), "sk", AttributeValue.fromN("1"), "v", AttributeValue.fromS("new")))))
        .isInstanceOf(ConditionalCheckFailedException.class);

    assertThat(client.getItem(b -> b.tableName("Items").key(key("cond", 1))).item().get("v").s()).isEqualTo("old");
  }

  @Test
  void deleteItem_whenCached_nextReadSeesAbsence() {
    client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("del"), "sk", AttributeValue.fromN("1"))));
    client.getItem(b -> b.tableName("Items").key(key("del", 1)));

    client.deleteItem(b -> b.tableName("Items").key(key("del", 1)));

    assertThat(client.getItem(b -> b.tableName("Items").key(key("del", 1))).hasItem()).isFalse();
  }

  @Test
  void getItem_whenProjected_answersFromCachedFullItem() {
    client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("proj"), "sk", AttributeValue.fromN("1"),
        "a", AttributeValue.fromS("x"), "m", AttributeValue.fromM(Map.of("b", AttributeValue.fromN("2"), "c", AttributeValue.fromS("y"))))));

    for (int i = 0; i < 3; i++) {
      var projected = client.getItem(b -> b.tableName("Items").key(key("proj", 1)).projectionExpression("#m.b, a").expressionAttributeNames(Map.of("#m", "m")));
      var expected = direct.getItem(b -> b.tableName("Items").key(key("proj", 1)).projectionExpression("#m.b, a").expressionAttributeNames(Map.of("#m", "m")));
      assertThat(projected.item()).isEqualTo(expected.item());
    }
  }

  @Test
  void batchGetItem_whenSomeCached_returnsAllItemsLikeDynamoDb() {
    for (int i = 0; i < 30; i++) {
      int sk = i;
      client.putItem(b -> b.tableName("Items").item(Map.of("pk", AttributeValue.fromS("batch"), "sk", AttributeValue.fromN(Integer.toString(sk)))));
    }
    client.getItem(b -> b.tableName("Items").key(key("batch", 3)));
    List<Map<String, AttributeValue>> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 35; i++) {
      keys.add(key("batch", i));
    }

    var through = client.batchGetItem(b -> b.requestItems(Map.of("Items", KeysAndAttributes.builder().keys(keys).build())));
    var again = client.batchGetItem(b -> b.requestItems(Map.of("Items", KeysAndAttributes.builder().keys(keys).build())));
    var expected = direct.batchGetItem(b -> b.requestItems(Map.of("Items", KeysAndAttributes.builder().keys(keys).build())));

    assertThat(through.responses().get("Items")).containsExactlyInAnyOrderElementsOf(expected.responses().get("Items"));
    assertThat(again.responses().get("Items")).containsExactlyInAnyOrderElementsOf(expected.responses().get("Items"));
    assertThat(through.unprocessedKeys()).isEmpty();
  }

  @Test
  void asyncClient_whenWritingAndReading_roundTrips() throws Exception {
    DynamoDbAsyncClient async = fixture.asyncClient(fixture.endpoint());
    async.putItem(b -> b.tableName("People").item(Map.of("id", AttributeValue.fromS("async"), "name", AttributeValue.fromS("Ada")))).get();

    var item = async.getItem(b -> b.tableName("People").key(Map.of("id", AttributeValue.fromS("async")))).get().item();

    assertThat(item.get("name").s()).isEqualTo("Ada");
  }

  @Test
  void enhancedClient_whenSavingBean_loadsSameBean() {
    DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
    DynamoDbTable<Person> people = enhanced.table("People", TableSchema.fromBean(Person.class));
    Person ada = new Person();
    ada.setId("p1");
    ada.setName("Ada");
    people.putItem(ada);

    assertThat(people.getItem(Key.builder().partitionValue("p1").build()).getName()).isEqualTo("Ada");
    ada.setName("Grace");
    people.updateItem(ada);
    assertThat(people.getItem(Key.builder().partitionValue("p1").build()).getName()).isEqualTo("Grace");
  }

  @Test
  void call_whenBodyIsNotJson_answersSerializationException() throws Exception {
    HttpResponse<String> response = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", "{bad");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("com.amazon.coral.service#SerializationException");
  }

  @Test
  void call_whenOperationUnknown_answersUnknownOperationException() throws Exception {
    HttpResponse<String> response = fixture.call(fixture.endpoint(), "DynamoDB_20120810.Explode", "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("UnknownOperationException");
    assertThat(fixture.call(fixture.endpoint(), null, "{}").statusCode()).isEqualTo(400);
  }

  @Test
  void call_whenKeyDoesNotMatchSchema_answersLikeDynamoDb() throws Exception {
    String body = "{\"TableName\":\"People\",\"Key\":{\"id\":{\"N\":\"1\"}}}";
    HttpResponse<String> through = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", body);
    HttpResponse<String> straight = fixture.call(upstream.endpoint(), "DynamoDB_20120810.GetItem", body);

    assertThat(through.statusCode()).isEqualTo(400);
    // JSON values, not bytes: DynamoDB promises no member order.
    assertThat(Differential.JSON.readTree(through.body())).isEqualTo(Differential.JSON.readTree(straight.body()));
  }

  @Test
  void call_whenBodyTooLarge_answers413() throws Exception {
    String body = "{\"TableName\":\"People\",\"Key\":{\"id\":{\"S\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}}}";
    HttpResponse<String> response = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void metricsAndHealth_whenScraped_exposeDaxStyleMeters() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    URI base = fixture.endpoint();
    var health = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
    var metrics = http.send(java.net.http.HttpRequest.newBuilder(fixture.adminEndpoint().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("dynaccel_item_cache_hits_total", "dynaccel_item_cache_misses_total",
        "dynaccel_query_cache_hits_total", "dynaccel_scan_cache_misses_total", "dynaccel_requests_seconds_count",
        "dynaccel_item_cache_size_bytes", "dynaccel_item_cache_evictions_total");
  }

  @Test
  void root_whenNotPost_answersLikeDynamoDb() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var get = http.send(java.net.http.HttpRequest.newBuilder(fixture.endpoint()).build(), HttpResponse.BodyHandlers.ofString());
    var put = http.send(java.net.http.HttpRequest.newBuilder(fixture.endpoint()).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).startsWith("healthy: ");
    assertThat(put.statusCode()).isEqualTo(404);
    assertThat(put.body()).contains("UnknownOperationException");
  }

  /** A bean for the Enhanced Client. */
  @DynamoDbBean
  public static class Person {
    private String id;
    private String name;

    @DynamoDbPartitionKey
    public String getId() {
      return id;
    }

    public void setId(String id) {
      this.id = id;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }
}
