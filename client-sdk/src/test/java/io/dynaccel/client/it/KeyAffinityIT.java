package io.dynaccel.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Two clients of one fleet send every request for a key to the same node, as the nodes' own counters show. */
class KeyAffinityIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static DynamoDbClient client(NodeFleet fleet, boolean reversed) {
    var endpoints = new java.util.ArrayList<>(fleet.endpoints());
    if (reversed) {
      java.util.Collections.reverse(endpoints);
    }
    return DynaccelClient.builder().endpoints(endpoints).region(Region.of(upstream.emulator().region()))
        .credentialsProvider(NodeFleet.CREDENTIALS).build();
  }

  @Test
  void getAndPutItem_fromTwoClients_oneNodePerKey() throws Exception {
    try (NodeFleet fleet = NodeFleet.start(upstream.emulator(), 3);
        DynamoDbClient first = client(fleet, false);
        DynamoDbClient second = client(fleet, true)) {
      first.createTable(b -> b.tableName("Affinity").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE)));
      try (var waiter = first.waiter()) {
        waiter.waitUntilTableExists(b -> b.tableName("Affinity"));
      }

      Set<Integer> owners = new HashSet<>();
      for (int k = 0; k < 12; k++) {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("user-" + k), "sk", AttributeValue.fromN(String.valueOf(k)));
        long[] getsBefore = fleet.requests("GetItem");
        long[] putsBefore = fleet.requests("PutItem");
        for (int i = 0; i < 5; i++) {
          DynamoDbClient client = i % 2 == 0 ? first : second;
          Map<String, AttributeValue> item = new java.util.HashMap<>(key);
          item.put("v", AttributeValue.fromN(String.valueOf(i)));
          client.putItem(b -> b.tableName("Affinity").item(item));
          client.getItem(b -> b.tableName("Affinity").key(key));
        }
        // The node counts a request as its response goes out: wait for all ten.
        long[] gets = await().atMost(Duration.ofSeconds(5)).until(() -> delta(fleet.requests("GetItem"), getsBefore),
            d -> java.util.Arrays.stream(d).sum() == 5);
        long[] puts = await().atMost(Duration.ofSeconds(5)).until(() -> delta(fleet.requests("PutItem"), putsBefore),
            d -> java.util.Arrays.stream(d).sum() == 5);
        int owner = indexOf(gets, 5);
        assertThat(owner).as("GetItem of key %d per node: %s", k, java.util.Arrays.toString(gets)).isNotNegative();
        assertThat(puts[owner]).as("PutItem of key %d per node: %s", k, java.util.Arrays.toString(puts)).isEqualTo(5);
        owners.add(owner);
      }
      System.out.println("KeyAffinityIT: 12 keys, each one's 5 GetItem and 5 PutItem from two clients on one node; nodes used " + owners);
      assertThat(owners).hasSizeGreaterThan(1);
    }
  }

  private static long[] delta(long[] now, long[] before) {
    long[] delta = new long[now.length];
    for (int i = 0; i < now.length; i++) {
      delta[i] = now[i] - before[i];
    }
    return delta;
  }

  private static int indexOf(long[] values, long value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
