package io.dynaccel.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** With every node down, calls go straight to the fallback endpoint, and back to a node once one is up again. */
class FallbackIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @Test
  void everyNodeClosed_withFallbackEndpoint_callsSucceedThenReturnToTheRestartedNode() throws Exception {
    try (NodeFleet fleet = NodeFleet.start(upstream.emulator(), 2);
        DynamoDbClient ddb = DynaccelClient.builder().endpoints(fleet.endpoints())
            .fallbackEndpoint(upstream.endpoint())
            .region(Region.of(upstream.emulator().region()))
            .credentialsProvider(NodeFleet.CREDENTIALS).build()) {
      ddb.createTable(b -> b.tableName("Fallback").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
      try (var waiter = ddb.waiter()) {
        waiter.waitUntilTableExists(b -> b.tableName("Fallback"));
      }
      Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("a"));
      ddb.putItem(b -> b.tableName("Fallback").item(Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromS("1"))));

      fleet.kill(0);
      fleet.kill(1);
      long began = System.nanoTime();
      ddb.putItem(b -> b.tableName("Fallback").item(Map.of("pk", AttributeValue.fromS("a"), "v", AttributeValue.fromS("2"))));
      System.out.printf("FallbackIT: first call with every node closed served by the fallback in %.1f ms%n", (System.nanoTime() - began) / 1e6);
      for (int i = 0; i < 20; i++) {
        assertThat(ddb.getItem(b -> b.tableName("Fallback").key(key)).item().get("v").s()).isEqualTo("2");
        assertThat(ddb.listTables().tableNames()).contains("Fallback");
      }

      fleet.start(0);
      long restarted = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        ddb.getItem(b -> b.tableName("Fallback").key(key));
        return fleet.requests(0, "GetItem") > 0;
      });
      System.out.printf("FallbackIT: traffic back on the restarted node %.1f ms after it started%n", (System.nanoTime() - restarted) / 1e6);
      long before = fleet.requests(0, "GetItem");
      for (int i = 0; i < 10; i++) {
        assertThat(ddb.getItem(b -> b.tableName("Fallback").key(key)).item().get("v").s()).isEqualTo("2");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> fleet.requests(0, "GetItem") == before + 10);
    }
  }
}
