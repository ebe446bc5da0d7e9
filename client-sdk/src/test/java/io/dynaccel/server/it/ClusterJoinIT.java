package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Membership growing under load: partitions that move to a joining member start cold there, and no
 * read through any node returns a value older than an acknowledged write. A member restarted after
 * SIGKILL does not serve what it held before: writes made through another member while it was down
 * are what it answers once it is back.
 */
class ClusterJoinIT {

  private static final String TABLE = "ClusterJoin";
  private static final String RESTART_TABLE = "ClusterRestart";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @Test
  void reads_whenAMemberJoinsUnderLoad_neverReturnSupersededValues() throws Exception {
    try (ClusterFixture cluster = ClusterFixture.start(upstream.emulator(), "join", 2);
        ClusterClients clients = new ClusterClients(cluster, upstream.emulator())) {
      ClusterLoad.createTable(clients.direct(), TABLE);
      ClusterLoad load = new ClusterLoad(TABLE, 12, 2, () -> clients.pick(30));
      load.seed(clients.direct());
      cluster.awaitCaching(clients::stock, TABLE, load.keys());
      load.start(5, 5);
      ClusterLoad.keepRunning(Duration.ofSeconds(5));
      long joinAt = System.nanoTime();
      int joined = cluster.add();
      long formedAt = System.nanoTime();
      clients.added(cluster, joined);
      ClusterLoad.keepRunning(Duration.ofSeconds(8));
      load.stop();

      StaleReadChecker.Result result = load.check();
      List<ClusterLoad.Failure> failures = load.failures();
      System.out.printf(Locale.ROOT, "ClusterJoinIT: a third member joined under load (formed %.0f ms after its start); %s; "
              + "%d writes, %d reads, %d errors, %d stale %s, %d phantom; the joiner holds %.0f item entries%n",
          (formedAt - joinAt) / 1e6, load.counts(), result.writes(), result.reads(), failures.size(), result.stale().size(), load.staleByCall(result),
          result.phantoms().size(), cluster.metric(joined, "dynaccel_item_cache_entries"));
      failures.stream().limit(5).forEach(f -> System.out.println("ClusterJoinIT: e.g. " + f));

      // A join moves partitions but loses no member: a call may wait for a lease, never fail.
      assertThat(failures).as("errors while a member joins (the members warned: %s)", cluster.warnings()).isEmpty();
      assertThat(result.reads()).isGreaterThan(1000);
      assertThat(result.stale().size()).as(result.summary(10)).isZero();
      assertThat(result.phantoms().size()).as(result.summary(10)).isZero();
    }
  }

  @Test
  void restartedMember_whenKeysWereWrittenThroughAnotherWhileItWasDown_servesTheNewValuesNotItsOld() throws Exception {
    int restarted = 2;
    int keys = 60;
    try (ClusterFixture cluster = ClusterFixture.start(upstream.emulator(), "restart", 3);
        ClusterClients clients = new ClusterClients(cluster, upstream.emulator());
        DirectTable table = DirectTable.create(upstream.emulator(), RESTART_TABLE)) {
      for (int k = 0; k < keys; k++) {
        put(clients.stock(0), "key-" + k, "old");
      }
      List<Map<String, AttributeValue>> ids = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        ids.add(DirectTable.key("key-" + k));
      }
      cluster.awaitCaching(clients::stock, RESTART_TABLE, ids);
      // Read every key through every member twice, so each owner (and, without ownership, every member) holds it.
      double hitsBefore = cluster.metricSum("dynaccel_item_cache_hits_total");
      for (int round = 0; round < 2; round++) {
        for (int node = 0; node < cluster.size(); node++) {
          for (int k = 0; k < keys; k++) {
            assertThat(get(clients.stock(node), "key-" + k)).isEqualTo("old");
          }
        }
      }
      double warmHits = cluster.metricSum("dynaccel_item_cache_hits_total") - hitsBefore;
      assertThat(warmHits).as("the old values must be cached before the kill").isGreaterThan(0);

      cluster.kill9(restarted);
      // At once, before the survivors notice: the dead member's partitions are still leased to it. A
      // client retries as SDKs do (a write that waited out its bound answers a retryable 500).
      try (DynamoDbClient retrying = DynamoDbClient.builder()
          .endpointOverride(cluster.endpoint(0))
          .region(Region.US_EAST_1)
          .credentialsProvider(ClusterClients.CREDENTIALS)
          .httpClient(UrlConnectionHttpClient.create())
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(10).circuitBreakerEnabled(false).build()))
          .build()) {
        for (int k = 0; k < keys; k++) {
          put(retrying, "key-" + k, "new");
        }
      }
      for (int k = 0; k < keys; k++) {
        assertThat(table.read("key-" + k).get("v").s()).isEqualTo("new");
      }
      cluster.restart(restarted);

      List<String> old = new ArrayList<>();
      for (int node = 0; node < cluster.size(); node++) {
        for (int k = 0; k < keys; k++) {
          String value = get(clients.stock(node), "key-" + k);
          if (!"new".equals(value)) {
            old.add("key-" + k + " through node " + node + ": " + value);
          }
        }
      }
      System.out.printf(Locale.ROOT, "ClusterJoinIT: restart after kill -9: %.0f warm hits before, %d of %d reads after the restart not the new value%n",
          warmHits, old.size(), keys * cluster.size());
      assertThat(old).as("reads after the member's restart").isEmpty();
    }
  }

  private static void put(DynamoDbClient client, String id, String value) {
    client.putItem(b -> b.tableName(RESTART_TABLE).item(Map.of("id", AttributeValue.fromS(id), "v", AttributeValue.fromS(value))));
  }

  private static String get(DynamoDbClient client, String id) {
    Map<String, AttributeValue> item = client.getItem(b -> b.tableName(RESTART_TABLE).key(DirectTable.key(id))).item();
    return item == null || item.isEmpty() ? null : item.get("v").s();
  }
}
