package io.dynaccel.client.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.client.DynaccelAsyncClient;
import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Every operation family through the Dynaccel clients, sync and async, over two real nodes in front of a real upstream. */
class DynaccelClientIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static NodeFleet fleet;
  private static final List<MetricCollection> published = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    fleet = NodeFleet.start(upstream.emulator(), 2);
  }

  @AfterAll
  static void stopNodes() throws Exception {
    fleet.close();
  }

  private static final MetricPublisher PUBLISHER = new MetricPublisher() {
    @Override
    public void publish(MetricCollection metrics) {
      published.add(metrics);
    }

    @Override
    public void close() {
    }
  };

  private static DynamoDbClient syncClient() {
    return DynaccelClient.builder().endpoints(fleet.endpoints()).region(Region.of(upstream.emulator().region()))
        .credentialsProvider(NodeFleet.CREDENTIALS).addMetricPublisher(PUBLISHER).build();
  }

  private static DynamoDbAsyncClient asyncClient() {
    return DynaccelAsyncClient.builder().endpoints(fleet.endpoints()).region(Region.of(upstream.emulator().region()))
        .credentialsProvider(NodeFleet.CREDENTIALS).build();
  }

  private static Map<String, AttributeValue> key(String pk, int sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(String.valueOf(sk)));
  }

  private static Map<String, AttributeValue> item(String pk, int sk, String value) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(String.valueOf(sk)), "v", AttributeValue.fromS(value));
  }

  @Test
  void syncClient_everyOperationFamily_roundTrips() {
    try (DynamoDbClient ddb = syncClient()) {
      ddb.createTable(b -> b.tableName("Sync").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
      try (var waiter = ddb.waiter()) {
        assertThat(waiter.waitUntilTableExists(b -> b.tableName("Sync")).matched().response()).isPresent();
      }
      assertThat(ddb.describeTable(b -> b.tableName("Sync")).table().tableStatus()).isEqualTo(TableStatus.ACTIVE);
      assertThat(ddb.listTables().tableNames()).contains("Sync");
      assertThat(ddb.listTablesPaginator().tableNames()).contains("Sync");

      ddb.putItem(b -> b.tableName("Sync").item(item("a", 1, "one")));
      assertThat(ddb.getItem(b -> b.tableName("Sync").key(key("a", 1))).item()).isEqualTo(item("a", 1, "one"));
      assertThat(ddb.updateItem(b -> b.tableName("Sync").key(key("a", 1)).updateExpression("SET v = :v")
          .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("uno"))).returnValues(ReturnValue.ALL_NEW)).attributes())
          .isEqualTo(item("a", 1, "uno"));
      assertThat(ddb.getItem(b -> b.tableName("Sync").key(key("a", 1))).item()).isEqualTo(item("a", 1, "uno"));
      ddb.deleteItem(b -> b.tableName("Sync").key(key("a", 1)));
      assertThat(ddb.getItem(b -> b.tableName("Sync").key(key("a", 1))).hasItem()).isFalse();

      List<WriteRequest> writes = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item("p", i, "v" + i)).build()).build());
      }
      ddb.batchWriteItem(b -> b.requestItems(Map.of("Sync", writes)));
      assertThat(ddb.batchGetItem(b -> b.requestItems(Map.of("Sync", KeysAndAttributes.builder()
          .keys(key("p", 0), key("p", 7), key("p", 24)).build()))).responses().get("Sync")).hasSize(3);
      assertThat(ddb.query(b -> b.tableName("Sync").keyConditionExpression("pk = :p")
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))).count()).isEqualTo(25);
      assertThat(ddb.queryPaginator(b -> b.tableName("Sync").keyConditionExpression("pk = :p").limit(4)
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))).items()).hasSize(25);
      assertThat(ddb.scan(b -> b.tableName("Sync")).count()).isEqualTo(25);
      assertThat(ddb.scanPaginator(b -> b.tableName("Sync").limit(6)).items()).hasSize(25);
      // TransactGetItems and PartiQL take the same path (routed round-robin), but the emulator (dynalite) lacks them.
      assertThat(ddb.serviceName()).isEqualTo("dynamodb");
      assertThat(ddb.serviceClientConfiguration().region()).isEqualTo(Region.of(upstream.emulator().region()));
    }
    // Both nodes took a share of the traffic, and the SDK metrics reached the publisher given on the builder.
    assertThat(fleet.requests("Scan")).doesNotContain(0L);
    assertThat(published).isNotEmpty();
  }

  @Test
  void asyncClient_everyOperationFamily_roundTrips() throws Exception {
    try (DynamoDbAsyncClient ddb = asyncClient()) {
      ddb.createTable(b -> b.tableName("Async").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))).join();
      try (var waiter = ddb.waiter()) {
        assertThat(waiter.waitUntilTableExists(b -> b.tableName("Async")).join().matched().response()).isPresent();
      }
      assertThat(ddb.describeTable(b -> b.tableName("Async")).join().table().tableStatus()).isEqualTo(TableStatus.ACTIVE);
      assertThat(ddb.listTables().join().tableNames()).contains("Async");

      ddb.putItem(b -> b.tableName("Async").item(item("a", 1, "one"))).join();
      assertThat(ddb.getItem(b -> b.tableName("Async").key(key("a", 1))).join().item()).isEqualTo(item("a", 1, "one"));
      ddb.updateItem(b -> b.tableName("Async").key(key("a", 1)).updateExpression("SET v = :v")
          .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("uno")))).join();
      assertThat(ddb.getItem(b -> b.tableName("Async").key(key("a", 1))).join().item()).isEqualTo(item("a", 1, "uno"));
      ddb.deleteItem(b -> b.tableName("Async").key(key("a", 1))).join();
      assertThat(ddb.getItem(b -> b.tableName("Async").key(key("a", 1))).join().hasItem()).isFalse();

      List<WriteRequest> writes = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item("p", i, "v" + i)).build()).build());
      }
      ddb.batchWriteItem(b -> b.requestItems(Map.of("Async", writes))).join();
      assertThat(ddb.batchGetItem(b -> b.requestItems(Map.of("Async", KeysAndAttributes.builder()
          .keys(key("p", 0), key("p", 24)).build()))).join().responses().get("Async")).hasSize(2);
      assertThat(ddb.query(b -> b.tableName("Async").keyConditionExpression("pk = :p")
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))).join().count()).isEqualTo(25);
      List<Map<String, AttributeValue>> paged = new CopyOnWriteArrayList<>();
      ddb.queryPaginator(b -> b.tableName("Async").keyConditionExpression("pk = :p").limit(4)
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p")))).items().subscribe(paged::add).join();
      assertThat(paged).hasSize(25);
      List<Map<String, AttributeValue>> scanned = new CopyOnWriteArrayList<>();
      ddb.scanPaginator(b -> b.tableName("Async").limit(6)).items().subscribe(scanned::add).join();
      assertThat(scanned).hasSize(25);
      assertThat(ddb.serviceName()).isEqualTo("dynamodb");
    }
  }

  /** A bean for the Enhanced Client. */
  @DynamoDbBean
  public static class Customer {
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

  @Test
  void enhancedClient_onTheDynaccelClient_createsWritesReadsQueries() {
    try (DynamoDbClient ddb = syncClient()) {
      DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(ddb).build();
      DynamoDbTable<Customer> customers = enhanced.table("Customers", TableSchema.fromBean(Customer.class));
      customers.createTable();
      try (var waiter = ddb.waiter()) {
        waiter.waitUntilTableExists(b -> b.tableName("Customers"));
      }
      for (int i = 0; i < 10; i++) {
        Customer customer = new Customer();
        customer.setId("c" + i);
        customer.setName("Customer " + i);
        customers.putItem(customer);
      }

      assertThat(customers.getItem(Key.builder().partitionValue("c3").build()).getName()).isEqualTo("Customer 3");
      assertThat(customers.scan().items().stream().count()).isEqualTo(10);
      customers.deleteItem(Key.builder().partitionValue("c3").build());
      assertThat(customers.getItem(Key.builder().partitionValue("c3").build())).isNull();
    }
  }
}
