package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.utils.SdkAutoCloseable;

class ClusterTest {

  /** Stands for a node's SDK client. */
  static final class Client implements SdkAutoCloseable {
    final String name;
    boolean closed;

    Client(String name) {
      this.name = name;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final List<Node> nodes = List.of(new Node(URI.create("http://a:1")), new Node(URI.create("http://b:1")),
      new Node(URI.create("http://c:1")));
  private final List<Client> clients = List.of(new Client("a"), new Client("b"), new Client("c"));
  private final Client fallback = new Client("fallback");
  private final NodeHealth health = new NodeHealth(nodes, endpoint -> false);

  private Cluster<Client> cluster(Client fallback, List<AutoCloseable> resources) {
    return new Cluster<>(nodes, clients, fallback, health, null, resources, endpoint -> new Client(endpoint.toString()),
        endpoint -> null);
  }

  private static RoutingKey ringKey(String key) {
    return new RoutingKey(key.getBytes(), Partitions.NONE);
  }

  private static List<String> names(Cluster<Client> cluster, RoutingKey key, int times) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      names.add(cluster.target(key).client().name);
    }
    return names;
  }

  @Test
  void target_whenNoKey_roundRobinsOverNodes() {
    assertThat(names(cluster(null, List.of()), null, 6)).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void target_whenNodeDown_skipsIt() {
    Cluster<Client> cluster = cluster(null, List.of());
    nodes.get(1).markDown();

    assertThat(names(cluster, null, 4)).containsExactly("a", "c", "c", "a");
  }

  @Test
  void target_whenKeyed_alwaysSameNodeUntilItIsDown() {
    Cluster<Client> cluster = cluster(null, List.of());
    RoutingKey key = ringKey("T\0pk\0S\0k1\0");
    String owner = cluster.target(key).client().name;

    assertThat(names(cluster, key, 5)).containsOnly(owner);
    Node ownerNode = cluster.target(key).node();
    health.markDown(ownerNode, new RuntimeException("test"));
    assertThat(names(cluster, key, 5)).doesNotContain(owner).hasSize(5).containsOnly(cluster.target(key).client().name);
  }

  @Test
  void target_whenEveryNodeDownWithFallback_fallbackThenNodesAgainOnRecovery() {
    Cluster<Client> cluster = cluster(fallback, List.of());
    nodes.forEach(Node::markDown);

    assertThat(names(cluster, null, 2)).containsOnly("fallback");
    assertThat(cluster.target(ringKey("k")).node()).isNull();

    nodes.get(2).markUp();
    assertThat(names(cluster, null, 2)).containsOnly("c");
    assertThat(cluster.target(ringKey("k")).client().name).isEqualTo("c");
  }

  @Test
  void target_whenEveryNodeDownWithoutFallback_stillTriesNodes() {
    Cluster<Client> cluster = cluster(null, List.of());
    nodes.forEach(Node::markDown);

    assertThat(names(cluster, null, 3)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(cluster.target(ringKey("k")).node()).isNotNull();
  }

  @Test
  void retryTarget_afterNodeFailure_anotherNode() {
    Cluster<Client> cluster = cluster(null, List.of());
    RoutingKey key = ringKey("k");
    Cluster.Target<Client> first = cluster.target(key);
    cluster.failed(first, new java.io.UncheckedIOException(new java.net.ConnectException("refused")));

    assertThat(first.node().isUp()).isFalse();
    assertThat(cluster.retryTarget(key, first).node()).isNotSameAs(first.node());
  }

  @Test
  void retryTarget_whenFallbackFailed_none() {
    Cluster<Client> cluster = cluster(fallback, List.of());
    nodes.forEach(Node::markDown);

    assertThat(cluster.retryTarget(null, cluster.target(null))).isNull();
  }

  @Test
  void failed_whenServiceAnswered_nodeStaysUp() {
    Cluster<Client> cluster = cluster(null, List.of());
    Cluster.Target<Client> target = cluster.target(null);
    cluster.failed(target, software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(400).build());

    assertThat(target.node().isUp()).isTrue();
  }

  @Test
  void close_closesNodeClientsFallbackAndResources() {
    AtomicBoolean resourceClosed = new AtomicBoolean();
    cluster(fallback, List.of(() -> resourceClosed.set(true))).close();

    assertThat(clients).allMatch(c -> c.closed);
    assertThat(fallback.closed).isTrue();
    assertThat(resourceClosed).isTrue();
  }

  // ---- with the cluster's ownership map ----

  private static final URI D = URI.create("http://d:1");

  /** Members b, a and d (d configured nowhere); partition p is owned by member p % 3. */
  private static OwnershipMap map() {
    int[] owners = new int[Partitions.COUNT];
    for (int p = 0; p < owners.length; p++) {
      owners[p] = p % 3;
    }
    return new OwnershipMap("m", List.of(URI.create("http://b:1"), URI.create("http://a:1"), D), owners);
  }

  private final List<Client> made = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  private Cluster<Client> clustered(MapSource source) {
    Cluster<Client> cluster = new Cluster<>(nodes, clients, null, health, scheduler, List.of(), endpoint -> {
      Client client = new Client(endpoint.getHost());
      made.add(client);
      return client;
    }, source);
    cluster.learnOwnership(Duration.ofHours(1));
    return cluster;
  }

  @Test
  void target_whenMapKnown_ownerOfThePartitionEvenIfNotConfigured() {
    Cluster<Client> cluster = clustered(endpoint -> map());

    assertThat(cluster.partitioned()).isTrue();
    for (int p = 0; p < Partitions.COUNT; p++) {
      Cluster.Target<Client> target = cluster.target(new RoutingKey(ringKey("k").ringKey(), p));
      assertThat(target.node().endpoint()).as("partition %d", p).isEqualTo(map().owner(p));
      assertThat(target.client().name).isEqualTo(map().owner(p).getHost());
    }
    assertThat(made).extracting(c -> c.name).containsExactly("d"); // one client for the new member, made once
  }

  @Test
  void target_whenOwnerDown_anyLiveNodeAsWithoutMap() {
    Cluster<Client> cluster = clustered(endpoint -> map());
    RoutingKey key = new RoutingKey(ringKey("k").ringKey(), 1); // owned by a
    Node a = nodes.get(0);
    health.markDown(a, new RuntimeException("test"));

    Cluster.Target<Client> target = cluster.target(key);

    assertThat(target.node()).isNotSameAs(a);
    assertThat(target.node().isUp()).isTrue();
  }

  @Test
  void target_whenMapKnownAndNoKey_roundRobinsOverTheMembers() {
    Cluster<Client> cluster = clustered(endpoint -> map());

    assertThat(names(cluster, null, 6)).containsExactly("b", "a", "d", "b", "a", "d");
  }

  @Test
  void target_whenNodesRunAlone_ringOverTheConfiguredNodes() {
    Cluster<Client> cluster = clustered(endpoint -> null);
    RoutingKey key = new RoutingKey(ringKey("k").ringKey(), 2);

    assertThat(cluster.partitioned()).isFalse();
    assertThat(cluster.target(key).node()).isSameAs(cluster(null, List.of()).target(ringKey("k")).node());
    assertThat(made).isEmpty();
  }

  @Test
  void failed_whenNodeFails_mapReadAgainAtOnceAndFollowed() {
    AtomicInteger reads = new AtomicInteger();
    int[] moved = map().owners().clone();
    moved[1] = 2; // partition 1 moves from a to d
    OwnershipMap after = new OwnershipMap("m", map().members(), moved);
    Cluster<Client> cluster = clustered(endpoint -> reads.incrementAndGet() == 1 ? map() : after);
    RoutingKey key = new RoutingKey(null, 1);
    Cluster.Target<Client> first = cluster.target(key);
    assertThat(first.client().name).isEqualTo("a");

    cluster.failed(first, new java.io.UncheckedIOException(new java.net.ConnectException("refused")));

    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.target(key).client().name.equals("d"));
    assertThat(reads.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void failed_whenServiceAnswered_mapNotReadAgain() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Cluster<Client> cluster = clustered(endpoint -> {
      reads.incrementAndGet();
      return map();
    });

    cluster.failed(cluster.target(null), software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().statusCode(500).build());

    // The refresh would run on the scheduler: a task queued after it runs after it.
    scheduler.submit(() -> { }).get();
    assertThat(reads).hasValue(1);
  }

  @Test
  void retryTarget_whenOwnerAnswered500_anotherNode() {
    Cluster<Client> cluster = clustered(endpoint -> map());
    RoutingKey key = new RoutingKey(null, 2); // owned by d, configured nowhere
    Cluster.Target<Client> first = cluster.target(key);

    Cluster.Target<Client> retry = cluster.retryTarget(key, first);

    assertThat(first.client().name).isEqualTo("d");
    assertThat(retry.node()).isNotSameAs(first.node());
  }

  @Test
  void close_closesClientsOfLearntMembers() {
    Cluster<Client> cluster = clustered(endpoint -> map());

    cluster.close();

    assertThat(made).hasSize(1).allMatch(c -> c.closed);
  }
}
