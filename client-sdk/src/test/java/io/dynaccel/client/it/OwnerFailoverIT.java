package io.dynaccel.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * When a key's owner is killed, the Dynaccel client fails its calls over to a live node at once and, once the
 * cluster's map has dropped the dead member, sends them to the key's new owner: the client follows the map after
 * the failure (periodic reads are turned off here) rather than keeping the old owner until the next periodic read.
 */
class OwnerFailoverIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final String TABLE = "Failover";
  private static final int VICTIM = 2;


  private static int members(ClusterProcesses cluster) throws Exception {
    return new ObjectMapper().readTree(cluster.clusterMap(0)).get("members").size();
  }

  @Test
  void getItem_afterOwnerKilled_failsOverThenServedByTheNewOwner() throws Exception {
    try (ClusterProcesses cluster = ClusterProcesses.start(upstream.emulator(), 3, "owner-failover");
        DynamoDbClient client = DynaccelClient.builder().endpoints(cluster.endpoint(0))
            .region(Region.of(upstream.emulator().region()))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            // No periodic read within the test: only the read after the failure can teach the client the new owners.
            .clusterRefreshInterval(Duration.ofHours(1))
            .build()) {
      client.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
      try (var waiter = client.waiter()) {
        waiter.waitUntilTableExists(b -> b.tableName(TABLE));
      }
      List<String> victimsKeys = new ArrayList<>();
      for (int k = 0; victimsKeys.size() < 5; k++) {
        String pk = "user-" + k;
        if (cluster.ownerOf(TABLE, pk) == VICTIM) {
          victimsKeys.add(pk);
          client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(pk))));
        }
      }

      long killedAt = System.nanoTime();
      cluster.kill9(VICTIM);
      // Every call is answered all along: the first to the dead owner is retried on a live node.
      for (String pk : victimsKeys) {
        assertThat(client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(pk)))).item())
            .containsEntry("v", AttributeValue.fromS(pk));
      }
      await("node 0's map without the killed member").atMost(Duration.ofSeconds(30)).until(() -> members(cluster) == 2);
      String probe = victimsKeys.get(0);
      // The client follows the map after the failure: its calls reach the new owner soon after the cluster names it.
      await("GetItem of " + probe + " served by its new owner").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> servedBy(cluster, client, probe) == cluster.ownerOf(TABLE, probe));
      long routedAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
      for (String pk : victimsKeys) {
        int owner = cluster.ownerOf(TABLE, pk);
        assertThat(owner).isNotEqualTo(VICTIM);
        for (int i = 0; i < 3; i++) {
          assertThat(servedBy(cluster, client, pk)).as("node serving GetItem of %s (new owner: node %d)", pk, owner).isEqualTo(owner);
        }
      }
      System.out.println("OwnerFailoverIT: calls of the killed owner's keys reach their new owner " + routedAfterMillis
          + " ms after the kill (the cluster's own failure detection included)");
    }
  }

  /** Sends one GetItem of {@code pk} and returns the index of the one node that counted it. */
  private static int servedBy(ClusterProcesses cluster, DynamoDbClient client, String pk) {
    long[] before = cluster.requests("GetItem");
    Map<String, AttributeValue> item = client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(pk)))).item();
    assertThat(item).containsEntry("v", AttributeValue.fromS(pk));
    long[] delta = await().atMost(Duration.ofSeconds(10)).until(() -> {
      long[] now = cluster.requests("GetItem");
      for (int i = 0; i < now.length; i++) {
        now[i] -= before[i];
      }
      return now;
    }, d -> java.util.Arrays.stream(d).sum() == 1);
    for (int i = 0; i < delta.length; i++) {
      if (delta[i] == 1) {
        return i;
      }
    }
    throw new AssertionError("no node counted the GetItem");
  }
}
