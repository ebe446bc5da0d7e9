package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Contract 1 through any node of a three-node cluster: stock AWS SDK clients, each call to a random
 * node, and a Dynaccel client write and read the same few keys (items, batches, partition Queries and
 * Scans), and no read returns a value older than a write acknowledged before it began.
 *
 * <p>Every node caches by default (five-minute TTLs), so a node that kept an entry a write through
 * another node replaced would serve it for the rest of the run.
 */
class ClusterCoherenceIT {

  private static final String TABLE = "ClusterCoherence";
  private static final int PARTITIONS = 8;
  private static final int SORT_KEYS = 3;
  private static final Duration RUN_TIME = Duration.ofSeconds(Long.getLong("clusterCoherence.seconds", 20));

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static ClusterFixture cluster;
  private static ClusterClients clients;

  @BeforeAll
  static void start() throws Exception {
    cluster = ClusterFixture.start(upstream.emulator(), "coherence", 3);
    clients = new ClusterClients(cluster, upstream.emulator());
    ClusterLoad.createTable(clients.direct(), TABLE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (clients != null) {
      clients.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void reads_whenStockClientsCallRandomNodesBesideTheDynaccelClient_neverReturnSupersededValues() throws Exception {
    ClusterLoad load = new ClusterLoad(TABLE, PARTITIONS, SORT_KEYS, () -> clients.pick(25));
    load.seed(clients.direct());
    cluster.awaitCaching(clients::stock, TABLE, load.keys());
    double itemHitsBefore = cluster.metricSum("dynaccel_item_cache_hits_total");
    double queryHitsBefore = cluster.metricSum("dynaccel_query_cache_hits_total") + cluster.metricSum("dynaccel_scan_cache_hits_total");

    load.start(6, 6);
    ClusterLoad.keepRunning(RUN_TIME);
    load.stop();

    StaleReadChecker.Result result = load.check();
    double itemHits = cluster.metricSum("dynaccel_item_cache_hits_total") - itemHitsBefore;
    double queryHits = cluster.metricSum("dynaccel_query_cache_hits_total") + cluster.metricSum("dynaccel_scan_cache_hits_total") - queryHitsBefore;
    List<ClusterLoad.Failure> failures = load.failures();
    System.out.printf("ClusterCoherenceIT: 3 nodes, %s; %d writes, %d reads, %d errors, %d stale %s, %d phantom; "
            + "item cache hits %.0f, query/scan cache hits %.0f%n",
        load.counts(), result.writes(), result.reads(), failures.size(), result.stale().size(), load.staleByCall(result), result.phantoms().size(),
        itemHits, queryHits);

    assertThat(failures).as("errors during the run").isEmpty();
    assertThat(load.count(ClusterLoad.Call.PUT) + load.count(ClusterLoad.Call.UPDATE) + load.count(ClusterLoad.Call.DELETE)
        + load.count(ClusterLoad.Call.BATCH_WRITE)).isGreaterThan(300);
    assertThat(result.reads()).isGreaterThan(1000);
    assertThat(itemHits).as("the run must be served from the caches, not only from DynamoDB").isGreaterThan(100);
    assertThat(result.stale().size()).as(result.summary(10)).isZero();
    assertThat(result.phantoms().size()).as(result.summary(10)).isZero();

    // At rest, every node answers what DynamoDB holds.
    DynamoDbClient direct = clients.direct();
    for (int p = 0; p < PARTITIONS; p++) {
      for (int s = 0; s < SORT_KEYS; s++) {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("p" + p), "sk", AttributeValue.fromS("s" + s));
        Map<String, AttributeValue> stored = direct.getItem(b -> b.tableName(TABLE).key(key).consistentRead(true)).item();
        for (int node = 0; node < cluster.size(); node++) {
          assertThat(clients.stock(node).getItem(b -> b.tableName(TABLE).key(key)).item()).as("p%d/s%d through node %d", p, s, node)
              .isEqualTo(stored);
        }
      }
    }
  }
}
