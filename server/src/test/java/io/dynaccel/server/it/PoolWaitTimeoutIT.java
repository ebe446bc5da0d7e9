package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A write that times out while waiting for a pooled upstream connection is reported as "never
 * sent" (503, not quarantined); if the HTTP client still sends it once a connection frees up,
 * DynamoDB applies it and the cache keeps the older value (contract 3).
 */
class PoolWaitTimeoutIT {

  private static final String TABLE = "PoolWait";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @Test
  void write_whoseRequestTimesOutWaitingForAConnection_leavesNoValueDynamoDbDoesNotHold() throws Exception {
    // One event loop: every event loop has a pool of its own, and both writes must wait for the same connection.
    try (ProxiedAccelerator node = ProxiedAccelerator.start(upstream.emulator(), "upstream.requestTimeout=2s", "upstream.maxConnections=1",
        "server.instances=1")) {
      DynamoDbClient direct = node.syncClient(upstream.endpoint(), Duration.ofSeconds(20));
      DynamoDbClient client = node.syncClient(node.endpoint(), Duration.ofSeconds(20));
      ProxiedAccelerator.createTable(direct, TABLE);
      direct.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("x"), "v", AttributeValue.fromS("v1"))));
      assertThat(client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("x")))).item().get("v").s()).isEqualTo("v1");

      node.proxy().holdResponses();
      long chunks = node.proxy().responseChunks();
      String outcome;
      try {
        // Occupies the only upstream connection until it times out.
        CompletableFuture<Void> blocker = CompletableFuture.runAsync(() -> {
          try {
            client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("y"), "v", AttributeValue.fromS("y2"))));
          } catch (RuntimeException expected) {
            // times out
          }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> node.proxy().responseChunks() > chunks);
        try {
          client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("x"), "v", AttributeValue.fromS("v2"))));
          outcome = "ok";
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException e) {
          outcome = e.statusCode() + " " + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
        }
        blocker.get(10, TimeUnit.SECONDS);
      } finally {
        node.proxy().releaseResponses();
      }
      System.out.println("PoolWaitTimeoutIT: write waiting for a connection -> " + outcome);

      // Give a late send the time to land, then compare the node with DynamoDB.
      long settled = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      await().atMost(Duration.ofSeconds(6)).until(() -> System.nanoTime() - settled > 0);
      String stored = direct.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("x"))).consistentRead(true)).item().get("v").s();
      String seen = client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("x")))).item().get("v").s();
      System.out.println("PoolWaitTimeoutIT: DynamoDB holds " + stored + ", node answers " + seen);
      assertThat(seen).isEqualTo(stored);
    }
  }
}
