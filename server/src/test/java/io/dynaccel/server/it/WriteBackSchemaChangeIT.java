package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table changes through a write-back node are ordered after the writes acknowledged before them:
 * a table deleted and created again under its name must not receive the old table's dirty items.
 */
class WriteBackSchemaChangeIT {

  private static final String PREFIX = "DynamoDB_20120810.";
  private static final String TABLE = "Recreated";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @TempDir Path logDir;

  private AcceleratorFixture node;

  @BeforeEach
  void start() throws Exception {
    // Flushes happen only when the test asks, or when something must be ordered after them.
    node = AcceleratorFixture.start(upstream.emulator(), "tables.*.writeStrategy=write-back", "writeBack.logDir=" + logDir,
        "writeBack.flushInterval=1h");
    node.call(upstream.endpoint(), PREFIX + "DeleteTable", "{\"TableName\":\"" + TABLE + "\"}");
    awaitGone();
    Differential.createTable(node, node.endpoint(), Differential.hashTable(TABLE, "pk", "S"));
  }

  @AfterEach
  void stop() throws Exception {
    node.close();
  }

  @Test
  void deleteTable_whenTheTableHasDirtyItems_noneOfThemReachesTheTableCreatedAgain() throws Exception {
    HttpResponse<String> put = node.call(node.endpoint(), PREFIX + "PutItem",
        "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"old\"},\"v\":{\"N\":\"1\"}}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    HttpResponse<String> deleted = node.call(node.endpoint(), PREFIX + "DeleteTable", "{\"TableName\":\"" + TABLE + "\"}");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    awaitGone();
    Differential.createTable(node, node.endpoint(), Differential.hashTable(TABLE, "pk", "S"));
    HttpResponse<String> flushed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(node.adminEndpoint().resolve("/admin/write-back/flush"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(flushed.statusCode()).as(flushed.body()).isEqualTo(200);

    HttpResponse<String> scan = node.call(upstream.endpoint(), PREFIX + "Scan", "{\"TableName\":\"" + TABLE + "\",\"ConsistentRead\":true}");
    assertThat(Differential.JSON.readTree(scan.body()).path("Count").asInt()).as(scan.body()).isZero();
  }

  private void awaitGone() {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        node.call(upstream.endpoint(), PREFIX + "DescribeTable", "{\"TableName\":\"" + TABLE + "\"}").body().contains("ResourceNotFoundException"));
  }
}
