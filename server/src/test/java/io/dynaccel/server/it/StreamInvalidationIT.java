package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dynaccel.localstack.Dynalite;
import io.dynaccel.localstack.LocalStackEmulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * A write that bypasses the node, straight to DynamoDB, stops being hidden by the node's cache
 * within a second when the table's stream is followed. Runs against LocalStack, which serves
 * DynamoDB Streams on the DynamoDB endpoint; dynalite has no streams, so without Docker it is skipped
 * and only the node's carrying on without streams is checked.
 */
class StreamInvalidationIT {

  private static final String TABLE = "StreamOrders";

  @Test
  void directWrite_whenStreamFollowed_nodeStopsServingOldValueWithinOneSecond() throws Exception {
    assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine: LocalStack cannot run, and dynalite has no streams");
    try (LocalStackEmulator localstack = new LocalStackEmulator()) {
      localstack.start();
      try (AcceleratorFixture node = AcceleratorFixture.start(localstack, "tables." + TABLE + ".streamInvalidation=true")) {
        DynamoDbClient direct = node.syncClient(localstack.endpoint());
        DynamoDbClient through = node.syncClient(node.endpoint());
        direct.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
            .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(StreamViewType.KEYS_ONLY).build()));
        direct.waiter().waitUntilTableExists(b -> b.tableName(TABLE));

        // The node finds the new table's stream at its next lookup; a probe's record shows it follows.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
          put(direct, "probe", "x");
          return node.metric("dynaccel_stream_invalidations_total") > 0;
        });

        double invalidations = node.metric("dynaccel_stream_invalidations_total");
        put(direct, "k", "old");
        // The record of this first write must not drop what the reads below cache.
        await().atMost(Duration.ofSeconds(5)).until(() -> node.metric("dynaccel_stream_invalidations_total") > invalidations);
        assertThat(get(through, "k")).isEqualTo("old");
        assertThat(get(through, "k")).isEqualTo("old");
        double hits = node.metric("dynaccel_item_cache_hits_total");
        assertThat(get(through, "k")).isEqualTo("old");
        assertThat(node.metric("dynaccel_item_cache_hits_total")).as("the old value is served from the cache").isGreaterThan(hits);

        put(direct, "k", "new");
        long written = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> get(through, "k").equals("new"));
        long lagMillis = (System.nanoTime() - written) / 1_000_000;
        System.out.println("StreamInvalidationIT: a write that bypassed the node was invalidated " + lagMillis
            + " ms after DynamoDB acknowledged it; dynaccel.stream.lag p99 as measured by the node: "
            + node.server().metrics().scrape().lines().filter(line -> line.startsWith("dynaccel_stream_lag_seconds{quantile=\"0.99\""))
                .findFirst().orElse("(none)"));
      }
    }
  }

  @Test
  void start_whenUpstreamHasNoStreams_nodeCountsTheFailureAndServes() throws Exception {
    try (Dynalite dynalite = Dynalite.onFreePort()) {
      dynalite.start();
      try (AcceleratorFixture node = AcceleratorFixture.start(dynalite, "tables." + TABLE + ".streamInvalidation=true")) {
        DynamoDbClient direct = node.syncClient(dynalite.endpoint());
        DynamoDbClient through = node.syncClient(node.endpoint());
        direct.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));

        // dynalite does not know DynamoDB Streams: the lookup fails, is counted, and is tried again later.
        await().atMost(Duration.ofSeconds(10)).until(() -> node.metric("dynaccel_stream_errors_total") > 0);
        put(through, "k", "v");
        assertThat(get(through, "k")).isEqualTo("v");
        assertThat(node.server().metrics().scrape()).contains("dynaccel_stream_lag_seconds");
      }
    }
  }

  private static void put(DynamoDbClient client, String pk, String value) {
    client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(value))));
  }

  private static String get(DynamoDbClient client, String pk) {
    return client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(pk)))).item().get("v").s();
  }
}
