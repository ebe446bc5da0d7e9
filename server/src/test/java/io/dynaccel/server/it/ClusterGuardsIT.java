package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.it.RawHttp.Answer;
import io.dynaccel.server.table.KeySchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Writes executed on one member of a two-node cluster reach the caches of the other before they are
 * acknowledged: a transaction and a PartiQL statement invalidate the owner's cached items, an item
 * write invalidates the table owner's cached Scan, a purge empties every member, and every member's
 * {@code GET /cluster} lists them all.
 *
 * <p>dynalite implements neither TransactWriteItems nor ExecuteStatement, which DynamoDB applies; the
 * nodes therefore talk to it through {@link TransactingProxy}, which applies them as the item writes
 * they are.
 */
class ClusterGuardsIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final String TABLE = "Guarded";
  private static final KeySchema SCHEMA = new KeySchema("id", "S", null, null);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TransactingProxy proxy;
  private static DirectTable table;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static final List<DynamoDbClient> clients = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    table = DirectTable.create(upstream.emulator(), TABLE);
    proxy = TransactingProxy.start(upstream.emulator().endpoint());
    int[] hazelcastPorts = {FreePorts.loopback(), FreePorts.loopback()};
    String members = "127.0.0.1:" + hazelcastPorts[0] + ",127.0.0.1:" + hazelcastPorts[1];
    for (int i = 0; i < hazelcastPorts.length; i++) {
      NodeProcess node = NodeProcess.start(NodeProcess.Launch.of("guards-" + i, upstream.emulator()).via(proxy.endpoint())
          .with("cluster.members=" + members, "cluster.port=" + hazelcastPorts[i], "cluster.host=127.0.0.1"));
      nodes.add(node);
      clients.add(DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(30)));
    }
    // Formed: both members in every view, and every partition's lease taken by its owner.
    await("cluster formed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      int owned = 0;
      for (NodeProcess node : nodes) {
        JsonObject cluster = cluster(node);
        if (cluster.getJsonArray("members").size() != nodes.size()) {
          return false;
        }
        owned += cluster.getJsonArray("owned").size();
      }
      return owned == Partitions.COUNT;
    });
  }

  @AfterAll
  static void stopCluster() {
    clients.forEach(DynamoDbClient::close);
    nodes.forEach(NodeProcess::close);
    if (proxy != null) {
      proxy.close();
    }
    if (table != null) {
      table.close();
    }
  }

  @Test
  void transactWriteItems_whenThroughNonOwner_ownerServesNewValue() throws Exception {
    int owner = 1;
    String id = keyServedBy(owner, "transact-");
    put(owner, id, "v1");
    assertCachedAt(owner, id, "v1");

    clients.get(0).transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().update(u -> u.tableName(TABLE)
        .key(DirectTable.key(id)).updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", AttributeValue.fromS("v2")))).build()));

    assertThat(value(owner, id)).isEqualTo("v2");
    assertThat(nodes.get(owner).metric("dynaccel_cluster_guards_opened_total")).isPositive();
  }

  @Test
  void executeStatement_whenUpdateThroughNonOwner_ownerServesNewValue() throws Exception {
    int owner = 1;
    String id = keyServedBy(owner, "statement-");
    put(owner, id, "v1");
    assertCachedAt(owner, id, "v1");

    clients.get(0).executeStatement(b -> b.statement("UPDATE \"" + TABLE + "\" SET v='v3' WHERE id='" + id + "'"));

    assertThat(value(owner, id)).isEqualTo("v3");
  }

  @Test
  void scan_whenItemWrittenThroughItsOwnerElsewhere_tableOwnerServesNoStaleScan() throws Exception {
    int tableOwner = servingNode(Partitions.ofTable(TABLE));
    int writer = 1 - tableOwner;
    String id = keyServedBy(writer, "scan-");
    double scanHits = nodes.get(tableOwner).metric("dynaccel_scan_cache_hits_total");
    assertThat(scannedIds(tableOwner)).doesNotContain(id);
    assertThat(scannedIds(tableOwner)).doesNotContain(id);
    assertThat(nodes.get(tableOwner).metric("dynaccel_scan_cache_hits_total")).isGreaterThan(scanHits);

    put(writer, id, "new");

    assertThat(scannedIds(tableOwner)).contains(id);
  }

  @Test
  void putItem_whenTableOwnedElsewhere_opensOneGuardThereAndPrintsItsCost() throws Exception {
    int tableOwner = servingNode(Partitions.ofTable(TABLE));
    int other = 1 - tableOwner;
    int writes = 100;
    List<String> local = keysServedBy(tableOwner, "cost-local-", writes);
    List<String> remote = keysServedBy(other, "cost-remote-", writes);
    double openedAtOwner = nodes.get(tableOwner).metric("dynaccel_cluster_guards_opened_total");
    double openedAtOther = nodes.get(other).metric("dynaccel_cluster_guards_opened_total");

    long[] localNanos = timedPuts(tableOwner, local);
    long[] remoteNanos = timedPuts(other, remote);

    // Each write through its owner guards the table owner's Scans, which is a remote call only from the other node.
    assertThat(nodes.get(tableOwner).metric("dynaccel_cluster_guards_opened_total") - openedAtOwner).isEqualTo(writes);
    assertThat(nodes.get(other).metric("dynaccel_cluster_guards_opened_total") - openedAtOther).isZero();
    assertThat(value(other, remote.get(writes - 1))).isEqualTo("cost");
    System.out.printf("PutItem through its owner, %d calls each: table owner local p50 %.2f ms p99 %.2f ms;"
        + " table owner remote (guard opened and closed there) p50 %.2f ms p99 %.2f ms%n",
        writes, millis(localNanos, 0.50), millis(localNanos, 0.99), millis(remoteNanos, 0.50), millis(remoteNanos, 0.99));
  }

  @Test
  void purge_whenThroughOneAdminPort_emptiesEveryMember() throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      String id = keyServedBy(i, "purge-");
      put(i, id, "p");
      assertCachedAt(i, id, "p");
    }
    int tableOwner = servingNode(Partitions.ofTable(TABLE));
    scannedIds(tableOwner);
    for (NodeProcess node : nodes) {
      assertThat(node.metric("dynaccel_item_cache_entries")).isPositive();
    }
    assertThat(nodes.get(tableOwner).metric("dynaccel_query_cache_entries")).isPositive();
    int purger = 1 - tableOwner;

    Answer items = RawHttp.send(nodes.get(purger).adminEndpoint(), "DELETE", "/admin/item-cache", null);
    Answer queries = RawHttp.send(nodes.get(purger).adminEndpoint(), "DELETE", "/admin/query-cache/" + TABLE, null);

    assertThat(items.text()).isEqualTo("{\"cache\":\"item\",\"dropped\":\"*\",\"members\":2,\"answered\":2}");
    assertThat(queries.text()).isEqualTo("{\"cache\":\"query\",\"dropped\":\"" + TABLE + "\",\"members\":2,\"answered\":2}");
    for (NodeProcess node : nodes) {
      assertThat(node.metric("dynaccel_item_cache_entries")).isZero();
      assertThat(node.metric("dynaccel_query_cache_entries")).isZero();
    }
  }

  @Test
  void cluster_whenAskedOnEveryMember_listsEveryMember() throws Exception {
    Set<String> endpoints = new HashSet<>();
    nodes.forEach(node -> endpoints.add(node.endpoint().toString()));
    Set<String> ids = new HashSet<>();
    for (NodeProcess node : nodes) {
      JsonObject cluster = cluster(node);
      assertThat(cluster.getBoolean("clustered")).isTrue();
      assertThat(cluster.getBoolean("quorum")).isTrue();
      assertThat(cluster.getInteger("partitions")).isEqualTo(Partitions.COUNT);
      JsonArray members = cluster.getJsonArray("members");
      Set<String> seen = new HashSet<>();
      int ownedTotal = 0;
      for (int m = 0; m < members.size(); m++) {
        seen.add(members.getJsonObject(m).getString("endpoint"));
        ownedTotal += members.getJsonObject(m).getInteger("ownedPartitions");
      }
      assertThat(seen).isEqualTo(endpoints);
      assertThat(ownedTotal).isEqualTo(Partitions.COUNT);
      assertThat(cluster.getJsonArray("owned")).isNotEmpty();
      cluster.getJsonArray("owned").forEach(entry -> assertThat(((JsonObject) entry).getLong("epoch")).isPositive());
      ids.add(cluster.getString("memberId"));
    }
    assertThat(ids).hasSize(nodes.size());
  }

  /** The first id with {@code prefix} whose partition node {@code index} serves and no other node does. */
  private static String keyServedBy(int index, String prefix) throws Exception {
    Set<Integer> served = ownedPartitions(nodes.get(index));
    return IntStream.range(0, 10_000).mapToObj(i -> prefix + i)
        .filter(id -> served.contains(partitionOf(id)))
        .findFirst().orElseThrow();
  }

  private static List<String> keysServedBy(int index, String prefix, int count) throws Exception {
    Set<Integer> served = ownedPartitions(nodes.get(index));
    return IntStream.range(0, 100_000).mapToObj(i -> prefix + i)
        .filter(id -> served.contains(partitionOf(id)))
        .limit(count).toList();
  }

  private static long[] timedPuts(int node, List<String> ids) {
    long[] nanos = new long[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      long start = System.nanoTime();
      put(node, ids.get(i), "cost");
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static double millis(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
  }

  private static int servingNode(int partition) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      if (ownedPartitions(nodes.get(i)).contains(partition)) {
        return i;
      }
    }
    throw new IllegalStateException("no node serves partition " + partition);
  }

  private static int partitionOf(String id) {
    ObjectNode key = JSON.createObjectNode();
    key.putObject("id").put("S", id);
    return Partitions.of(SCHEMA.keyOf(TABLE, key));
  }

  private static Set<Integer> ownedPartitions(NodeProcess node) throws Exception {
    Set<Integer> owned = new HashSet<>();
    cluster(node).getJsonArray("owned").forEach(entry -> owned.add(((JsonObject) entry).getInteger("partition")));
    return owned;
  }

  private static JsonObject cluster(NodeProcess node) throws Exception {
    Answer answer = RawHttp.send(node.adminEndpoint(), "GET", "/cluster", null);
    assertThat(answer.status()).isEqualTo(200);
    return new JsonObject(answer.text());
  }

  private static void put(int node, String id, String value) {
    clients.get(node).putItem(b -> b.tableName(TABLE).item(Map.of("id", AttributeValue.fromS(id), "v", AttributeValue.fromS(value))));
  }

  private static String value(int node, String id) {
    Map<String, AttributeValue> item = clients.get(node).getItem(b -> b.tableName(TABLE).key(DirectTable.key(id))).item();
    return item == null || item.isEmpty() ? null : item.get("v").s();
  }

  /** Reads {@code id} through the node twice and checks that the second read was a cache hit. */
  private static void assertCachedAt(int node, String id, String expected) throws Exception {
    assertThat(value(node, id)).isEqualTo(expected);
    double hits = nodes.get(node).metric("dynaccel_item_cache_hits_total");
    assertThat(value(node, id)).isEqualTo(expected);
    assertThat(nodes.get(node).metric("dynaccel_item_cache_hits_total")).isGreaterThan(hits);
  }

  private static List<String> scannedIds(int node) {
    return clients.get(node).scan(b -> b.tableName(TABLE)).items().stream().map(item -> item.get("id").s()).toList();
  }
}
