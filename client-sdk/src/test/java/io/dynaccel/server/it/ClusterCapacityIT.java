package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.NodeProcess.Launch;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Capacity grows with the members: three members with the same {@code cache.maxBytes} as one node
 * hold about three times the distinct items, because each key is cached only by its owner.
 *
 * <p>Two figures: the members' item entry gauges summed, and the distinct items the cluster serves
 * from cache, counted as the hits of one pass over every key through random members. The first alone
 * cannot tell three copies of one node's items from three times as many items; the second can.
 */
class ClusterCapacityIT {

  private static final String TABLE = "ClusterCapacity";
  private static final String MAX_BYTES = "cache.maxBytes=1m";
  /** Four times what one node holds, so one node is full and so is each of three owners (a third each). */
  private static final int ITEMS = 3_000;
  private static final String PAYLOAD = "x".repeat(1_000);

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static DirectTable table;

  @BeforeAll
  static void fill() throws Exception {
    table = DirectTable.create(upstream.emulator(), TABLE);
    try (DynamoDbClient direct = client(upstream.emulator().endpoint())) {
      List<WriteRequest> batch = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        batch.add(WriteRequest.builder().putRequest(PutRequest.builder()
            .item(Map.of("id", AttributeValue.fromS("item-" + i), "payload", AttributeValue.fromS(PAYLOAD))).build()).build());
        if (batch.size() == 25 || i == ITEMS - 1) {
          List<WriteRequest> requests = List.copyOf(batch);
          assertThat(direct.batchWriteItem(b -> b.requestItems(Map.of(TABLE, requests))).unprocessedItems()).isEmpty();
          batch.clear();
        }
      }
    }
  }

  @AfterAll
  static void close() {
    table.close();
  }

  @Test
  void distinctItemsCached_whenThreeMembersHaveOneNodesMaxBytesEach_areAboutThreeTimesOneNodes() throws Exception {
    double singleEntries;
    double singleHits;
    try (NodeProcess single = NodeProcess.start(Launch.of("capacity-single", upstream.emulator()).with(MAX_BYTES));
        DynamoDbClient client = client(single.endpoint())) {
      readAll(n -> client);
      singleEntries = single.metric("dynaccel_item_cache_entries");
      double hitsBefore = single.metric("dynaccel_item_cache_hits_total");
      readAll(n -> client);
      singleHits = single.metric("dynaccel_item_cache_hits_total") - hitsBefore;
    }

    double clusterEntries;
    double clusterHits;
    List<Double> perMember = new ArrayList<>();
    try (ClusterFixture cluster = ClusterFixture.start(upstream.emulator(), "capacity", 3, MAX_BYTES)) {
      List<DynamoDbClient> clients = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        clients.add(client(cluster.endpoint(i)));
      }
      try {
        List<Map<String, AttributeValue>> probes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          probes.add(DirectTable.key("item-" + i));
        }
        cluster.awaitCaching(clients::get, TABLE, probes);
        // Every key through every member: without ownership each member would hold its own copies.
        for (int node = 0; node < cluster.size(); node++) {
          DynamoDbClient through = clients.get(node);
          readAll(n -> through);
        }
        for (int i = 0; i < cluster.size(); i++) {
          perMember.add(cluster.metric(i, "dynaccel_item_cache_entries"));
        }
        clusterEntries = perMember.stream().mapToDouble(Double::doubleValue).sum();
        double hitsBefore = cluster.metricSum("dynaccel_item_cache_hits_total");
        readAll(n -> clients.get(ThreadLocalRandom.current().nextInt(clients.size())));
        clusterHits = cluster.metricSum("dynaccel_item_cache_hits_total") - hitsBefore;
      } finally {
        for (DynamoDbClient c : clients) {
          c.close();
        }
      }
    }

    System.out.printf(Locale.ROOT, "ClusterCapacityIT: %d items of ~1 KB, %s per node; one node holds %.0f entries and serves %.0f "
            + "distinct items from cache; three members hold %.0f entries (%s, %.2fx) and serve %.0f distinct items from cache (%.2fx)%n",
        ITEMS, MAX_BYTES, singleEntries, singleHits, clusterEntries, perMember, clusterEntries / singleEntries, clusterHits,
        clusterHits / Math.max(1, singleHits));
    assertThat(singleEntries).as("one node must be full for the comparison to mean anything").isLessThan(ITEMS / 3.0);
    assertThat(clusterEntries / singleEntries).as("entries held by three members against one node").isBetween(2.5, 3.5);
    assertThat(clusterHits / Math.max(1, singleHits)).as("distinct items served from cache by three members against one node")
        .isGreaterThanOrEqualTo(2.5);
  }

  /** GetItem of every item, eight at a time, through the client {@code through} picks for each call. */
  private static void readAll(IntFunction<DynamoDbClient> through) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> reads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t;
        reads.add(pool.submit(() -> {
          for (int i = first; i < ITEMS; i += 8) {
            String id = "item-" + i;
            Map<String, AttributeValue> item = through.apply(i).getItem(b -> b.tableName(TABLE).key(DirectTable.key(id))).item();
            assertThat(item).as(id).containsKey("payload");
          }
          return null;
        }));
      }
      for (Future<?> f : reads) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static DynamoDbClient client(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(ClusterClients.CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
