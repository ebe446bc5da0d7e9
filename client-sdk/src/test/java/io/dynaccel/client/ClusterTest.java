package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
    return new Cluster<>(nodes, clients, fallback, health, null, resources);
  }

  private static List<String> names(Cluster<Client> cluster, byte[] key, int times) {
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
    byte[] key = "T\0pk\0S\0k1\0".getBytes();
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
    assertThat(cluster.target("k".getBytes()).node()).isNull();

    nodes.get(2).markUp();
    assertThat(names(cluster, null, 2)).containsOnly("c");
    assertThat(cluster.target("k".getBytes()).client().name).isEqualTo("c");
  }

  @Test
  void target_whenEveryNodeDownWithoutFallback_stillTriesNodes() {
    Cluster<Client> cluster = cluster(null, List.of());
    nodes.forEach(Node::markDown);

    assertThat(names(cluster, null, 3)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(cluster.target("k".getBytes()).node()).isNotNull();
  }

  @Test
  void retryTarget_afterNodeFailure_anotherNode() {
    Cluster<Client> cluster = cluster(null, List.of());
    byte[] key = "k".getBytes();
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
}
