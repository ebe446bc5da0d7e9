package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.dynaccel.server.cluster.internal.HazelcastSetup;
import io.dynaccel.server.it.RestartablePorts;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three real Hazelcast members in this JVM, on loopback: leases are held exactly once, and move on join and leave. */
class ClusterNodeIT {

  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (ClusterNode node : nodes) {
      node.close();
      node.vertx().close().await(20, TimeUnit.SECONDS);
    }
  }

  private List<ClusterNode> start(int count) throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // Below the ephemeral range: a survivor reconnecting to a terminated member must not be handed
      // that port as its own local end (a TCP self-connect, which Hazelcast reports as "Connecting to self!").
      ports.add(RestartablePorts.next());
    }
    List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    String name = "it-" + System.nanoTime();
    List<ClusterNode> started = new ArrayList<>();
    for (int port : ports) {
      ClusterConfig config = new ClusterConfig(name, ClusterJoin.TCP_IP, members, "127.0.0.1", port, 0);
      ClusterNode node = ClusterNode.join(config, new Takeover(Duration.ofSeconds(2), Duration.ofSeconds(2)), options -> Vertx.builder().with(options)).await(60, TimeUnit.SECONDS);
      node.serveAs(URI.create("http://127.0.0.1:" + port));
      nodes.add(node);
      started.add(node);
    }
    return started;
  }

  private static long holders(List<ClusterNode> nodes, int partition) {
    return nodes.stream().filter(n -> n.ownership().route(partition).kind() == Route.Kind.SERVE).count();
  }

  /** Every partition held once, every view complete, and Hazelcast's own replicas in sync (no migration blocks a map call). */
  private static boolean settled(List<ClusterNode> nodes) {
    return IntStream.range(0, Partitions.COUNT).allMatch(p -> holders(nodes, p) == 1)
        && nodes.stream().allMatch(n -> n.ownership().view().members().size() == nodes.size())
        && Hazelcast.getAllHazelcastInstances().stream().allMatch(h -> h.getPartitionService().isClusterSafe());
  }

  @Test
  void join_whenThreeMembersStart_everyPartitionHasExactlyOneHolderAndTheOthersForwardToIt() throws Exception {
    List<ClusterNode> three = start(3);

    await().atMost(Duration.ofSeconds(30)).until(() -> settled(three));

    for (int p = 0; p < Partitions.COUNT; p++) {
      String owner = three.get(0).ownership().view().owner(p).orElseThrow().id();
      for (ClusterNode node : three) {
        Route route = node.ownership().route(p);
        if (node.ownership().localId().equals(owner)) {
          assertThat(route.kind()).isEqualTo(Route.Kind.SERVE);
        } else {
          assertThat(route.kind()).isEqualTo(Route.Kind.FORWARD);
          assertThat(route.owner().id()).isEqualTo(owner);
        }
      }
    }
  }

  @Test
  void leave_whenAMemberHandsOver_theOthersHoldEverythingWithoutWaitingOutTheGrace() throws Exception {
    List<ClusterNode> three = start(3);
    await().atMost(Duration.ofSeconds(30)).until(() -> settled(three));
    ClusterNode leaving = three.get(2);

    long began = System.nanoTime();
    leaving.leave(Duration.ofSeconds(10)).await(20, TimeUnit.SECONDS);
    List<ClusterNode> rest = three.subList(0, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> IntStream.range(0, Partitions.COUNT).allMatch(p -> holders(rest, p) == 1));
    long tookMillis = (System.nanoTime() - began) / 1_000_000;

    assertThat(leaving.ownership().holdsNothing()).isTrue();
    assertThat(tookMillis).as("a handed-over lease is taken at once, not after the departed grace")
        .isLessThan(HazelcastSetup.departedLeaseGrace().toMillis());
  }

  @Test
  void crash_whenAMemberDiesWithoutLeaving_theOthersTakeItsPartitionsOnlyAfterTheDepartedGrace() throws Exception {
    List<ClusterNode> three = start(3);
    await().atMost(Duration.ofSeconds(30)).until(() -> settled(three));
    ClusterNode dying = three.get(2);
    String dyingId = dying.ownership().localId();
    int ofDying = IntStream.range(0, Partitions.COUNT).filter(p -> dying.ownership().route(p).kind() == Route.Kind.SERVE)
        .findFirst().orElseThrow();
    HazelcastInstance instance = Hazelcast.getAllHazelcastInstances().stream()
        .filter(h -> dyingId.equals(h.getCluster().getLocalMember().getAttribute(HazelcastSetup.MEMBER_ID_ATTRIBUTE))).findFirst().orElseThrow();

    long began = System.nanoTime();
    instance.getLifecycleService().terminate(); // no leave, no release: what kill -9 leaves behind
    List<ClusterNode> rest = three.subList(0, 2);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> rest.stream().allMatch(n -> n.ownership().view().members().size() == 2));
    long detectedMillis = (System.nanoTime() - began) / 1_000_000;
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> IntStream.range(0, Partitions.COUNT).allMatch(p -> holders(rest, p) == 1));
    long takenMillis = (System.nanoTime() - began) / 1_000_000;
    System.out.printf("ClusterNodeIT crash: member removed from the view after %d ms, its partitions held again after %d ms%n",
        detectedMillis, takenMillis);

    assertThat(takenMillis - detectedMillis).as("the departed grace is waited out")
        .isGreaterThanOrEqualTo(HazelcastSetup.departedLeaseGrace().toMillis() - 200);
    ClusterNode heir = rest.stream().filter(n -> n.ownership().route(ofDying).kind() == Route.Kind.SERVE).findFirst().orElseThrow();
    assertThat(heir.ownership().ownedEpochs().get(ofDying)).as("a new epoch").isGreaterThan(1L);
    nodes.remove(dying);
    dying.close();
    dying.vertx().close();
  }
}
