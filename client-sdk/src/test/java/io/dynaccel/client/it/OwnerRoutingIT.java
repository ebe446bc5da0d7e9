package io.dynaccel.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.client.DynaccelAsyncClient;
import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A Dynaccel client that knows one node of a three-node cluster sends each key's GetItem and PutItem straight to the
 * key's owner in the cluster's map, the two members it was never told of included, with no forwarding hop; the
 * answers are DynamoDB's.
 */
class OwnerRoutingIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final String TABLE = "Owned";
  private static final int KEYS = 24;

  private static ClusterProcesses cluster;
  private static DynamoDbClient direct;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ClusterProcesses.start(upstream.emulator(), 3, "owner-routing");
    direct = DynamoDbClient.builder().endpointOverride(upstream.emulator().endpoint())
        .region(Region.of(upstream.emulator().region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            upstream.emulator().accessKeyId(), upstream.emulator().secretAccessKey())))
        .build();
    direct.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
    try (var waiter = direct.waiter()) {
      waiter.waitUntilTableExists(b -> b.tableName(TABLE));
    }
  }

  @AfterAll
  static void stopCluster() {
    if (direct != null) {
      direct.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static <B extends io.dynaccel.client.DynaccelClientBuilder<B, ?>> B seededWithFirstNode(B builder) {
    return builder.endpoints(cluster.endpoint(0)).region(Region.of(upstream.emulator().region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  }


  private static Map<String, AttributeValue> key(String pk, int sk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(Integer.toString(sk)));
  }

  private static long[] delta(long[] now, long[] before) {
    long[] delta = new long[now.length];
    for (int i = 0; i < now.length; i++) {
      delta[i] = now[i] - before[i];
    }
    return delta;
  }

  /** Waits until the nodes have counted {@code expected} more calls of {@code operation} than {@code before}. */
  private static long[] served(String operation, long[] before, long expected) {
    // A node counts a call as its answer goes out, which may be just after the client has it.
    return await().atMost(Duration.ofSeconds(10)).until(() -> delta(cluster.requests(operation), before),
        d -> Arrays.stream(d).sum() == expected);
  }

  private static double forwarded() {
    double total = 0;
    for (int i = 0; i < cluster.size(); i++) {
      // The meter of calls a node sent on to the owner; a node that forwards nothing may not register it at all.
      total += cluster.meter(i, "dynaccel_cluster_forwarded_total", "");
    }
    return total;
  }

  /** Checks that the {@code count} calls of {@code operation} (a delta per node) all went to the owner. */
  private static void assertOnOwner(String operation, String pk, int owner, long[] served, long count) {
    long[] onlyOwner = new long[cluster.size()];
    onlyOwner[owner] = count;
    assertThat(served).as("%s of %s per node (owner: node %d)", operation, pk, owner).containsExactly(onlyOwner);
  }

  @Test
  void getAndPutItem_seededWithOneNode_servedByEachKeysOwnerAsDynamoDbAnswers() throws Exception {
    double forwardedBefore = forwarded();
    Set<Integer> owners = new TreeSet<>();
    try (DynamoDbClient client = seededWithFirstNode(DynaccelClient.builder()).build()) {
      // The first PutItem learns the key schema through a DescribeTable, which any node may answer.
      client.describeTable(b -> b.tableName(TABLE));
      for (int k = 0; k < KEYS; k++) {
        String pk = "sync-user-" + k;
        int owner = cluster.ownerOf(TABLE, pk);
        owners.add(owner);
        long[] getsBefore = cluster.requests("GetItem");
        long[] putsBefore = cluster.requests("PutItem");
        for (int i = 0; i < 2; i++) {
          Map<String, AttributeValue> item = new HashMap<>(key(pk, k));
          item.put("v", AttributeValue.fromN(Integer.toString(i)));
          int sk = k;
          client.putItem(b -> b.tableName(TABLE).item(item));
          // Cold, then warm: both through the owner, both DynamoDB's item.
          Map<String, AttributeValue> read = client.getItem(b -> b.tableName(TABLE).key(key(pk, sk))).item();
          Map<String, AttributeValue> again = client.getItem(b -> b.tableName(TABLE).key(key(pk, sk))).item();
          Map<String, AttributeValue> truth = direct.getItem(b -> b.tableName(TABLE).key(key(pk, sk)).consistentRead(true)).item();
          assertThat(read).as("GetItem of %s through the cluster", pk).isEqualTo(truth).isEqualTo(item);
          assertThat(again).as("warm GetItem of %s", pk).isEqualTo(truth);
        }
        assertOnOwner("GetItem", pk, owner, served("GetItem", getsBefore, 4), 4);
        assertOnOwner("PutItem", pk, owner, served("PutItem", putsBefore, 2), 2);
      }
    }
    System.out.println("OwnerRoutingIT (sync): " + KEYS + " keys, each one's GetItem and PutItem on its owner only; owners used " + owners);
    assertThat(owners).as("keys owned by the nodes the client was not told of").contains(1, 2);
    assertThat(forwarded() - forwardedBefore).isZero();
  }

  @Test
  void asyncGetAndPutItem_seededWithOneNode_servedByEachKeysOwnerAsDynamoDbAnswers() throws Exception {
    double forwardedBefore = forwarded();
    Set<Integer> owners = new TreeSet<>();
    try (DynamoDbAsyncClient client = seededWithFirstNode(DynaccelAsyncClient.builder()).build()) {
      client.describeTable(b -> b.tableName(TABLE)).join();
      for (int k = 0; k < KEYS; k++) {
        String pk = "async-user-" + k;
        int sk = k;
        int owner = cluster.ownerOf(TABLE, pk);
        owners.add(owner);
        long[] getsBefore = cluster.requests("GetItem");
        long[] putsBefore = cluster.requests("PutItem");
        Map<String, AttributeValue> item = new HashMap<>(key(pk, k));
        item.put("v", AttributeValue.fromS("async"));
        client.putItem(b -> b.tableName(TABLE).item(item)).join();
        Map<String, AttributeValue> read = client.getItem(b -> b.tableName(TABLE).key(key(pk, sk))).join().item();
        Map<String, AttributeValue> truth = direct.getItem(b -> b.tableName(TABLE).key(key(pk, sk)).consistentRead(true)).item();
        assertThat(read).as("GetItem of %s through the cluster", pk).isEqualTo(truth).isEqualTo(item);
        assertOnOwner("GetItem", pk, owner, served("GetItem", getsBefore, 1), 1);
        assertOnOwner("PutItem", pk, owner, served("PutItem", putsBefore, 1), 1);
      }
    }
    System.out.println("OwnerRoutingIT (async): " + KEYS + " keys, each one's GetItem and PutItem on its owner only; owners used " + owners);
    assertThat(owners).as("keys owned by the nodes the client was not told of").contains(1, 2);
    assertThat(forwarded() - forwardedBefore).isZero();
  }
}
