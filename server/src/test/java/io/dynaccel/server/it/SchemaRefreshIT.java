package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, cause 3: a table deleted, or deleted and created again with another key schema, outside
 * the accelerator is noticed, and nothing cached for the old table is served any more. The node
 * notices by its periodic refresh ({@code cache.schemaRefresh}, short here) while every read is a
 * cache hit that never reaches DynamoDB, and at once when DynamoDB answers a request with a
 * key-schema ValidationException or a ResourceNotFoundException. Afterwards every answer equals
 * DynamoDB's, cold and warm.
 */
class SchemaRefreshIT {

  private static final String PREFIX = "DynamoDB_20120810.";

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static String get(String table, String key) {
    return "{\"TableName\":\"" + table + "\",\"Key\":" + key + "}";
  }

  private static String query(String table, String attribute, String value) {
    return "{\"TableName\":\"" + table + "\",\"KeyConditionExpression\":\"" + attribute + " = :v\",\"ExpressionAttributeValues\":{\":v\":" + value + "}}";
  }

  /** Creates the table on both upstreams and caches an item, a query and a scan of it through the node. */
  private static Differential warmedUp(AcceleratorFixture fixture, String table) throws Exception {
    Differential differential = new Differential(fixture, directUpstream.endpoint(), fixture.endpoint());
    Differential.createTables(fixture, List.of(directUpstream.endpoint(), fixture.endpoint()), Differential.hashTable(table, "pk", "S"));
    differential.send("PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"S\":\"old\"}}}");
    for (int i = 0; i < 2; i++) {
      differential.send("GetItem", get(table, "{\"pk\":{\"S\":\"a\"}}"));
      differential.send("Query", query(table, "pk", "{\"S\":\"a\"}"));
      differential.send("Scan", "{\"TableName\":\"" + table + "\"}");
    }
    assertThat(fixture.metric("dynaccel_item_cache_hits_total")).isPositive();
    return differential;
  }

  /** Deletes the table on both upstreams behind the node's back, and waits until it is gone. */
  private static void deleteDirectly(AcceleratorFixture fixture, String table) throws Exception {
    for (URI endpoint : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      fixture.call(endpoint, PREFIX + "DeleteTable", "{\"TableName\":\"" + table + "\"}");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          fixture.call(endpoint, PREFIX + "DescribeTable", "{\"TableName\":\"" + table + "\"}").body().contains("ResourceNotFoundException"));
    }
  }

  /** Creates the table anew on both upstreams behind the node's back, keyed by a number {@code id}, with one item. */
  private static void recreateDirectly(AcceleratorFixture fixture, String table) throws Exception {
    for (URI endpoint : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      Differential.createTable(fixture, endpoint, Differential.hashTable(table, "id", "N"));
      fixture.call(endpoint, PREFIX + "PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"id\":{\"N\":\"1\"},\"v\":{\"S\":\"new\"}}}");
    }
  }

  /** Every read of the old and the new key, each cold and then warm. */
  private static void readBothSchemas(Differential differential, String table) throws Exception {
    for (int i = 0; i < 2; i++) {
      differential.send("GetItem", get(table, "{\"pk\":{\"S\":\"a\"}}"));
      differential.send("GetItem", get(table, "{\"id\":{\"N\":\"1\"}}"));
      differential.send("BatchGetItem", "{\"RequestItems\":{\"" + table + "\":{\"Keys\":[{\"pk\":{\"S\":\"a\"}}]}}}");
      differential.send("BatchGetItem", "{\"RequestItems\":{\"" + table + "\":{\"Keys\":[{\"id\":{\"N\":\"1\"}}]}}}");
      differential.send("Query", query(table, "pk", "{\"S\":\"a\"}"));
      differential.send("Query", query(table, "id", "{\"N\":\"1\"}"));
      differential.send("Scan", "{\"TableName\":\"" + table + "\"}");
    }
  }

  @Test
  void periodicRefresh_whenTableRecreatedWithAnotherKey_dropsWhatWasCached() throws Exception {
    try (AcceleratorFixture fixture = AcceleratorFixture.start(acceleratedUpstream.emulator(), "cache.schemaRefresh=300ms")) {
      Differential differential = warmedUp(fixture, "Periodic");
      deleteDirectly(fixture, "Periodic");
      recreateDirectly(fixture, "Periodic");

      // A cache hit never reaches DynamoDB: only the periodic refresh can end the stale answers.
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
          fixture.call(fixture.endpoint(), PREFIX + "GetItem", get("Periodic", "{\"pk\":{\"S\":\"a\"}}")).statusCode() == 400);
      readBothSchemas(differential, "Periodic");

      System.out.printf("SchemaRefreshIT periodic: %d calls, %d differences%n", differential.calls(), differential.differences().size());
      assertThat(differential.differences()).isEmpty();
    }
  }

  @Test
  void immediateRefresh_whenKeySchemaValidationException_dropsWhatWasCached() throws Exception {
    try (AcceleratorFixture fixture = AcceleratorFixture.start(acceleratedUpstream.emulator(), "cache.schemaRefresh=1h")) {
      Differential differential = warmedUp(fixture, "Recreated");
      deleteDirectly(fixture, "Recreated");
      recreateDirectly(fixture, "Recreated");

      // A consistent read goes to DynamoDB, which says the old key no longer matches the schema.
      Differential.Answers mismatch = differential.send("GetItem", "{\"TableName\":\"Recreated\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":true}");
      assertThat(mismatch.direct().body()).contains("The provided key element does not match the schema");
      readBothSchemas(differential, "Recreated");

      System.out.printf("SchemaRefreshIT immediate: %d calls, %d differences%n", differential.calls(), differential.differences().size());
      assertThat(differential.differences()).isEmpty();
    }
  }

  @Test
  void immediateRefresh_whenResourceNotFound_dropsWhatWasCached() throws Exception {
    try (AcceleratorFixture fixture = AcceleratorFixture.start(acceleratedUpstream.emulator(), "cache.schemaRefresh=1h")) {
      Differential differential = warmedUp(fixture, "Deleted");
      deleteDirectly(fixture, "Deleted");

      // A write goes to DynamoDB, which no longer knows the table.
      Differential.Answers missing = differential.send("PutItem", "{\"TableName\":\"Deleted\",\"Item\":{\"pk\":{\"S\":\"b\"}}}");
      assertThat(missing.direct().body()).contains("ResourceNotFoundException");
      for (int i = 0; i < 2; i++) {
        differential.send("GetItem", get("Deleted", "{\"pk\":{\"S\":\"a\"}}"));
        differential.send("Query", query("Deleted", "pk", "{\"S\":\"a\"}"));
        differential.send("Scan", "{\"TableName\":\"Deleted\"}");
      }
      recreateDirectly(fixture, "Deleted");
      readBothSchemas(differential, "Deleted");

      System.out.printf("SchemaRefreshIT not found: %d calls, %d differences%n", differential.calls(), differential.differences().size());
      assertThat(differential.differences()).isEmpty();
    }
  }
}
