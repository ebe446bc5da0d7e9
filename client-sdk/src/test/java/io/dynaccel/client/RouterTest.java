package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The sync and async routers over fake node clients: what is routed where, retried, marked down. */
class RouterTest {

  private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("k1"));

  private static Object answer(DynamoDbRequest request) {
    if (request instanceof DescribeTableRequest) {
      return DescribeTableResponse.builder().table(TableDescription.builder()
          .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()).build()).build();
    }
    if (request instanceof GetItemRequest) {
      return GetItemResponse.builder().item(KEY).build();
    }
    if (request instanceof PutItemRequest) {
      return PutItemResponse.builder().build();
    }
    if (request instanceof software.amazon.awssdk.services.dynamodb.model.QueryRequest) {
      return software.amazon.awssdk.services.dynamodb.model.QueryResponse.builder().items(List.of(KEY)).build();
    }
    if (request instanceof ScanRequest scan) {
      // Two pages: the paginator must come back through the router for the second.
      return scan.exclusiveStartKey().isEmpty()
          ? ScanResponse.builder().items(List.of(KEY)).lastEvaluatedKey(KEY).build()
          : ScanResponse.builder().items(List.of(KEY)).build();
    }
    throw new UnsupportedOperationException(request.toString());
  }

  private final FakeNodeClient a = new FakeNodeClient("http://a:1", RouterTest::answer);
  private final FakeNodeClient b = new FakeNodeClient("http://b:1", RouterTest::answer);
  private final FakeNodeClient fallback = new FakeNodeClient("http://dynamodb:1", RouterTest::answer);
  private final List<Node> nodes = List.of(new Node(a.endpoint), new Node(b.endpoint));

  private DynamoDbClient sync(boolean withFallback) {
    return SyncRouter.proxy(new Cluster<>(nodes, List.of(a.sync(), b.sync()), withFallback ? fallback.sync() : null,
        new NodeHealth(nodes, endpoint -> false), null, List.of(), endpoint -> {
          throw new AssertionError("no cluster, no other member: " + endpoint);
        }, endpoint -> null));
  }

  private DynamoDbAsyncClient async() {
    return AsyncRouter.proxy(new Cluster<>(nodes, List.of(a.async(), b.async()), null,
        new NodeHealth(nodes, endpoint -> false), null, List.of(), endpoint -> {
          throw new AssertionError("no cluster, no other member: " + endpoint);
        }, endpoint -> null));
  }

  /** The fake that owns KEY, and the other one. */
  private FakeNodeClient[] ownerAndOther(DynamoDbClient client) {
    client.getItem(r -> r.tableName("T").key(KEY));
    return a.received.isEmpty() ? new FakeNodeClient[] {b, a} : new FakeNodeClient[] {a, b};
  }

  private static Function<DynamoDbRequest, Object> failing(Throwable cause) {
    return request -> SdkClientException.builder().message("Unable to execute HTTP request").cause(cause).build();
  }

  private Node node(FakeNodeClient fake) {
    return nodes.stream().filter(n -> n.endpoint().equals(fake.endpoint)).findFirst().orElseThrow();
  }

  @Test
  void getItem_sameKeyManyTimes_oneNode() {
    DynamoDbClient client = sync(false);
    for (int i = 0; i < 10; i++) {
      client.getItem(r -> r.tableName("T").key(KEY));
    }

    assertThat(List.of(a.received.size(), b.received.size())).containsExactlyInAnyOrder(0, 10);
  }

  @Test
  void putItem_describesTableOnceThenGoesToTheKeysNode() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    fakes[0].received.clear();
    fakes[1].received.clear();

    client.putItem(r -> r.tableName("T").item(Map.of("pk", AttributeValue.fromS("k1"), "v", AttributeValue.fromN("1"))));
    client.putItem(r -> r.tableName("T").item(Map.of("pk", AttributeValue.fromS("k1"), "v", AttributeValue.fromN("2"))));

    List<String> all = new java.util.ArrayList<>(a.operations());
    all.addAll(b.operations());
    assertThat(all).containsOnlyOnce("DescribeTable");
    assertThat(fakes[0].operations()).filteredOn("PutItem"::equals).hasSize(2);
    assertThat(fakes[1].operations()).doesNotContain("PutItem");
  }

  @Test
  void getItem_whenNodeRefuses_retriedOnOtherNodeAndNodeMarkedDown() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    fakes[0].answer = failing(new ConnectException("Connection refused"));

    assertThat(client.getItem(r -> r.tableName("T").key(KEY)).item()).isEqualTo(KEY);
    assertThat(node(fakes[0]).isUp()).isFalse();
    assertThat(fakes[1].operations()).containsExactly("GetItem");
  }

  @Test
  void putItem_whenNodeRefuses_retriedOnOtherNode() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    client.putItem(r -> r.tableName("T").item(KEY)); // learns the key schema while both are up
    fakes[0].answer = failing(new ConnectException("Connection refused"));

    client.putItem(r -> r.tableName("T").item(KEY));

    assertThat(fakes[1].operations()).contains("PutItem");
  }

  @Test
  void conditionalPutItem_whenResponseTimesOut_notRetriedButNodeMarkedDown() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    client.putItem(r -> r.tableName("T").item(KEY));
    fakes[1].received.clear();
    fakes[0].answer = failing(new SocketTimeoutException("Read timed out"));

    assertThatThrownBy(() -> client.putItem(r -> r.tableName("T").item(KEY).conditionExpression("attribute_not_exists(pk)")))
        .isInstanceOf(SdkClientException.class);
    assertThat(node(fakes[0]).isUp()).isFalse();
    assertThat(fakes[1].received).isEmpty();
  }

  @Test
  void unconditionalPutItem_whenConnectionResets_retriedOnOtherNode() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    client.putItem(r -> r.tableName("T").item(KEY));
    fakes[1].received.clear();
    fakes[0].answer = failing(new IOException("Connection reset"));

    client.putItem(r -> r.tableName("T").item(KEY));

    assertThat(node(fakes[0]).isUp()).isFalse();
    assertThat(fakes[1].operations()).containsExactly("PutItem");
  }

  @Test
  void getItem_whenNodeAnswersWithError_notRetriedAndNodeStaysUp() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    fakes[0].answer = request -> ConditionalCheckFailedException.builder().statusCode(400).message("no").build();

    assertThatThrownBy(() -> client.getItem(r -> r.tableName("T").key(KEY))).isInstanceOf(ConditionalCheckFailedException.class);
    assertThat(node(fakes[0]).isUp()).isTrue();
    assertThat(fakes[1].received).isEmpty();
  }

  @Test
  void getItem_whenNodeAnswers500_retriedOnOtherNodeWhichStaysUp() {
    DynamoDbClient client = sync(false);
    FakeNodeClient[] fakes = ownerAndOther(client);
    fakes[0].answer = request -> software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException.builder()
        .statusCode(500).message("Internal error in the accelerator").build();

    assertThat(client.getItem(r -> r.tableName("T").key(KEY)).item()).isEqualTo(KEY);
    assertThat(node(fakes[0]).isUp()).isTrue();
    assertThat(fakes[1].operations()).containsExactly("GetItem");
  }

  @Test
  void getItem_whenBothNodesRefuse_fallbackServes() {
    DynamoDbClient client = sync(true);
    a.answer = failing(new ConnectException("Connection refused"));
    b.answer = failing(new ConnectException("Connection refused"));

    assertThat(client.getItem(r -> r.tableName("T").key(KEY)).item()).isEqualTo(KEY);
    assertThat(client.getItem(r -> r.tableName("T").key(KEY)).item()).isEqualTo(KEY);

    assertThat(nodes).noneMatch(Node::isUp);
    assertThat(fallback.operations()).containsExactly("GetItem", "GetItem");
  }

  @Test
  void scanPaginator_pagesGoThroughTheRouter() {
    DynamoDbClient client = sync(false);

    assertThat(client.scanPaginator(r -> r.tableName("T")).items()).hasSize(2);
    assertThat(a.operations()).containsExactly("Scan");
    assertThat(b.operations()).containsExactly("Scan");
  }

  @Test
  void serviceNameAndClose_behaveAsTheSdkClients() {
    DynamoDbClient client = sync(true);

    assertThat(client.serviceName()).isEqualTo(DynamoDbClient.SERVICE_NAME);
    client.close();
    assertThat(List.of(a.closed, b.closed, fallback.closed)).containsOnly(true);
  }

  @Test
  void asyncGetItem_whenNodeRefuses_retriedOnOtherNode() {
    DynamoDbAsyncClient client = async();
    client.getItem(r -> r.tableName("T").key(KEY)).join();
    FakeNodeClient owner = a.received.isEmpty() ? b : a;
    FakeNodeClient other = owner == a ? b : a;
    owner.answer = failing(new ConnectException("Connection refused"));

    assertThat(client.getItem(r -> r.tableName("T").key(KEY)).join().item()).isEqualTo(KEY);
    assertThat(node(owner).isUp()).isFalse();
    assertThat(other.operations()).containsExactly("GetItem");
  }

  @Test
  void asyncConditionalPutItem_whenConnectionResets_failsWithTheSdkException() {
    DynamoDbAsyncClient client = async();
    client.putItem(r -> r.tableName("T").item(KEY)).join();
    a.answer = failing(new IOException("Connection reset"));
    b.answer = failing(new IOException("Connection reset"));

    assertThatThrownBy(() -> client.putItem(r -> r.tableName("T").item(KEY).conditionExpression("attribute_exists(pk)")).join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(SdkClientException.class);
  }

  @Test
  void asyncScanPaginator_pagesGoThroughTheRouter() {
    DynamoDbAsyncClient client = async();
    List<Map<String, AttributeValue>> items = new java.util.concurrent.CopyOnWriteArrayList<>();

    client.scanPaginator(r -> r.tableName("T")).items().subscribe(items::add).join();

    assertThat(items).hasSize(2);
    assertThat(client.serviceName()).isEqualTo("dynamodb");
  }

  // ---- with the cluster's ownership map ----

  /** Clients of a cluster of a and b whose map gives every partition to {@code owner}. */
  private OwnershipMap everythingOwnedBy(FakeNodeClient owner) {
    int[] owners = new int[Partitions.COUNT];
    java.util.Arrays.fill(owners, owner == a ? 0 : 1);
    return new OwnershipMap("m", List.of(a.endpoint, b.endpoint), owners);
  }

  private Cluster<DynamoDbClient> syncCluster(OwnershipMap map, java.util.concurrent.ScheduledExecutorService scheduler) {
    Cluster<DynamoDbClient> cluster = new Cluster<>(nodes, List.of(a.sync(), b.sync()), null, new NodeHealth(nodes, endpoint -> false),
        scheduler, List.of(), endpoint -> {
          throw new AssertionError("no other member: " + endpoint);
        }, endpoint -> map);
    cluster.learnOwnership(java.time.Duration.ofHours(1));
    return cluster;
  }

  @Test
  void itemCallsAndQuery_whenMapKnown_goStraightToTheOwner() {
    var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      // The ring alone would send KEY to one of them; the map sends every key to the other.
      FakeNodeClient ringOwner = ownerAndOther(sync(false))[0];
      FakeNodeClient mapOwner = ringOwner == a ? b : a;
      a.received.clear();
      b.received.clear();
      DynamoDbClient client = SyncRouter.proxy(syncCluster(everythingOwnedBy(mapOwner), scheduler));

      client.getItem(r -> r.tableName("T").key(KEY));
      client.putItem(r -> r.tableName("T").item(KEY));
      client.query(r -> r.tableName("T").keyConditionExpression("pk = :p").expressionAttributeValues(Map.of(":p", KEY.get("pk"))));

      assertThat(mapOwner.operations()).filteredOn(op -> !op.equals("DescribeTable")).containsExactly("GetItem", "PutItem", "Query");
      assertThat(ringOwner.operations()).filteredOn(op -> !op.equals("DescribeTable")).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void asyncGetItem_whenMapKnown_goesStraightToTheOwner() {
    var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      FakeNodeClient ringOwner = ownerAndOther(sync(false))[0];
      FakeNodeClient mapOwner = ringOwner == a ? b : a;
      a.received.clear();
      b.received.clear();
      Cluster<DynamoDbAsyncClient> cluster = new Cluster<>(nodes, List.of(a.async(), b.async()), null,
          new NodeHealth(nodes, endpoint -> false), scheduler, List.of(), endpoint -> {
            throw new AssertionError("no other member: " + endpoint);
          }, endpoint -> everythingOwnedBy(mapOwner));
      cluster.learnOwnership(java.time.Duration.ofHours(1));
      DynamoDbAsyncClient client = AsyncRouter.proxy(cluster);

      client.getItem(r -> r.tableName("T").key(KEY)).join();
      client.putItem(r -> r.tableName("T").item(KEY)).join();

      assertThat(mapOwner.operations()).filteredOn(op -> !op.equals("DescribeTable")).containsExactly("GetItem", "PutItem");
      assertThat(ringOwner.received).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
