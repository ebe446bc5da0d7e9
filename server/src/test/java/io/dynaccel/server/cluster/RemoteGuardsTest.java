package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cluster.internal.LeaseTable;
import io.dynaccel.server.cluster.internal.Members;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.write.GuardOutcome;
import io.dynaccel.server.write.PeerGuards;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard protocol between two members on one (local) event bus, with membership given by hand
 * instead of Hazelcast: who is asked, what the owner does, and how a write fails when it cannot be guarded.
 */
class RemoteGuardsTest {

  private static final NodeInfo A = new NodeInfo("a", URI.create("http://127.0.0.1:1"));
  private static final NodeInfo B = new NodeInfo("b", URI.create("http://127.0.0.1:2"));
  private static final NodeInfo C = new NodeInfo("c", URI.create("http://127.0.0.1:3"));

  private final Vertx vertx = Vertx.vertx();
  private final Member a = new Member(A, true);
  private final Member b = new Member(B, true);

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static CachedItem item(String value) {
    return CachedItem.present(("{\"id\":{\"S\":\"x\"},\"v\":{\"S\":\"" + value + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  /** A key of a table whose table-wide work member {@code a} serves, in a partition {@code owner} owns. */
  private ItemKey keyOwnedBy(String owner) {
    ClusterView view = a.ownership.view();
    String table = IntStream.range(0, 1000).mapToObj(i -> "T" + i).filter(t -> view.owns("a", Partitions.ofTable(t))).findFirst().orElseThrow();
    return IntStream.range(0, 1000).mapToObj(i -> new ItemKey(table, "S2:k" + i, ""))
        .filter(key -> view.owns(owner, Partitions.of(key))).findFirst().orElseThrow();
  }

  @Test
  void openItems_whenKeyOwnedElsewhere_ownerDropsAndGuardsItUntilClosed() throws Exception {
    await(b.guards.start());
    ItemKey key = keyOwnedBy("b");
    assertThat(b.items.completeFill(b.items.beginFill(key), item("v1"))).isTrue();

    PeerGuards.Held held = await(a.guards.openItems(List.of(key)));

    assertThat(b.items.get(key)).isNull();
    assertThat(b.items.completeFill(b.items.beginFill(key), item("old"))).isFalse();
    assertThat(b.meters.opened().count()).isEqualTo(1);
    await(held.close(GuardOutcome.APPLIED));
    assertThat(b.items.completeFill(b.items.beginFill(key), item("v2"))).isTrue();
  }

  @Test
  void openItems_whenThisNodeServesKeyAndTable_asksNobodyButHoldsTheLeaseUntilClosed() throws Exception {
    await(b.guards.start());
    ItemKey key = keyOwnedBy("a");
    int partition = Partitions.of(key);

    PeerGuards.Held held = await(a.guards.openItems(List.of(key)));

    assertThat(b.meters.opened().count()).isZero();
    assertThat(a.ownership.enter(partition, a.ownership.epoch(partition))).isTrue();
    a.ownership.exit(partition);
    a.ownership.leave();
    a.ownership.reconcile();
    a.ownership.reconcile();
    assertThat(a.ownership.holdsNothing()).as("the write in flight keeps its partition's lease here").isFalse();
    await(held.close(GuardOutcome.APPLIED));
    a.ownership.reconcile();
    assertThat(a.ownership.holdsNothing()).isTrue();
  }

  @Test
  void openItems_whenTheOwnerInTheViewDoesNotHoldTheLeaseYet_guardsAtEveryOtherMemberToo() throws Exception {
    List<NodeInfo> three = List.of(A, B, C);
    Member writer = new Member(A, true, three);
    Member pendingOwner = new Member(B, false, three);
    Member previousHolder = new Member(C, true, three);
    await(pendingOwner.guards.start());
    await(previousHolder.guards.start());
    ClusterView view = writer.ownership.view();
    ItemKey key = IntStream.range(0, 1000).mapToObj(i -> new ItemKey("T", "S2:k" + i, ""))
        .filter(k -> view.owns("b", Partitions.of(k)) && view.owns("a", Partitions.ofTable("T"))).findFirst().orElseThrow();
    assertThat(pendingOwner.ownership.route(Partitions.of(key)).kind()).isEqualTo(Route.Kind.PENDING);
    // Until its next reconcile, the previous holder may still serve what it cached.
    assertThat(previousHolder.items.completeFill(previousHolder.items.beginFill(key), item("held-by-previous-holder"))).isTrue();

    PeerGuards.Held held = await(writer.guards.openItems(List.of(key)));

    assertThat(previousHolder.items.get(key)).isNull();
    assertThat(previousHolder.meters.opened().count()).isEqualTo(1);
    await(held.close(GuardOutcome.APPLIED));
  }

  @Test
  void openItems_whenPartitionMovingToThisNode_guardsAtEveryOtherMember() throws Exception {
    Member pending = new Member(A, false);
    await(b.guards.start());
    ItemKey key = keyOwnedBy("a");
    assertThat(pending.ownership.route(Partitions.of(key)).kind()).isEqualTo(Route.Kind.PENDING);
    assertThat(b.items.completeFill(b.items.beginFill(key), item("held-by-previous-owner"))).isTrue();

    PeerGuards.Held held = await(pending.guards.openItems(List.of(key)));

    assertThat(b.items.get(key)).isNull();
    await(held.close(GuardOutcome.APPLIED));
  }

  @Test
  void openItems_whenOwnerDoesNotAnswer_failsWithInternalServerError() {
    ItemKey key = keyOwnedBy("b");

    assertThatThrownBy(() -> await(a.guards.openItems(List.of(key))))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(DynamoDbException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(500);
          assertThat(e.type()).endsWith("#InternalServerError");
        });
  }

  @Test
  void openItems_whenTheSilentOwnerLeavesTheView_opensAgainUnderTheNewView() throws Exception {
    List<NodeInfo> three = List.of(A, B, C);
    Member writer = new Member(A, true, three);
    Member survivor = new Member(C, true, three);
    await(survivor.guards.start()); // B never answers: it was killed
    ClusterView view = writer.ownership.view();
    ItemKey key = IntStream.range(0, 1000).mapToObj(i -> new ItemKey("T", "S2:k" + i, ""))
        .filter(k -> view.owns("b", Partitions.of(k))).findFirst().orElseThrow();
    vertx.setTimer(300, id -> {
      writer.members.all = List.of(A, C); // Hazelcast removes the killed member
      writer.ownership.reconcile();
    });

    PeerGuards.Held held = await(writer.guards.openItems(List.of(key)));

    await(held.close(GuardOutcome.APPLIED));
    assertThat(writer.ownership.view().members()).extracting(NodeInfo::id).containsExactly("a", "c");
  }

  @Test
  void openTables_whenNoQuorum_failsWithInternalServerError() {
    a.members.quorum = false;
    a.ownership.reconcile();

    assertThatThrownBy(() -> await(a.guards.openTables(List.of("T0"))))
        .cause().isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
  }

  @Test
  void openTables_whenOtherMemberAnswers_guardsTableThereUntilClosed() throws Exception {
    await(b.guards.start());
    ItemKey key = new ItemKey("T0", "S2:k1", "");
    assertThat(b.items.completeFill(b.items.beginFill(key), item("v1"))).isTrue();

    PeerGuards.Held held = await(a.guards.openTables(List.of("T0")));

    assertThat(b.items.get(key)).isNull();
    assertThat(b.items.completeFill(b.items.beginFill(key), item("old"))).isFalse();
    await(held.close(GuardOutcome.REJECTED));
    assertThat(b.items.completeFill(b.items.beginFill(key), item("v1"))).isTrue();
  }

  /** One member: its caches, its ownership over the two members, and its guards. */
  private final class Member {
    final StaticMembers members;
    final Ownership ownership;
    final ItemCache items = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(3), System::nanoTime);
    final QueryCache queries = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(3), Duration.ofSeconds(1), System::nanoTime);
    final GuardMeters meters = GuardMeters.register(new SimpleMeterRegistry());
    final RemoteGuards guards;

    Member(NodeInfo self, boolean leasesGranted) {
      this(self, leasesGranted, List.of(A, B));
    }

    Member(NodeInfo self, boolean leasesGranted, List<NodeInfo> all) {
      members = new StaticMembers(self.id(), leasesGranted, all);
      ownership = new Ownership(members, new Takeover(Duration.ZERO, Duration.ZERO), Duration.ZERO, System::nanoTime);
      ownership.serveAs(self);
      ownership.reconcile();
      guards = new RemoteGuards(vertx, ownership, items, queries, Duration.ofSeconds(30), meters);
    }
  }

  /** Two members that both serve, every lease granted to whoever asks (or to nobody): the view, not the leases, is under test. */
  private static final class StaticMembers implements Members {
    private final String localId;
    private final boolean leasesGranted;
    private volatile List<NodeInfo> all;
    volatile boolean quorum = true;

    StaticMembers(String localId, boolean leasesGranted, List<NodeInfo> all) {
      this.localId = localId;
      this.leasesGranted = leasesGranted;
      this.all = all;
    }

    @Override
    public String localId() {
      return localId;
    }

    @Override
    public Set<String> memberIds() {
      return all.stream().map(NodeInfo::id).collect(Collectors.toSet());
    }

    @Override
    public boolean quorum() {
      return quorum;
    }

    @Override
    public long confirmedRun() {
      return quorum ? 1 : 0;
    }

    @Override
    public Map<String, NodeInfo> serving() {
      return all.stream().collect(Collectors.toMap(NodeInfo::id, node -> node));
    }

    @Override
    public void refresh() {
    }

    @Override
    public void announce(NodeInfo self) {
    }

    @Override
    public void withdraw() {
    }

    @Override
    public Leases leases() {
      return new Leases() {
        @Override
        public LeaseTable.Lease get(int partition) {
          return null;
        }

        @Override
        public long grant(int partition, LeaseTable.Lease expected, String holder) {
          return leasesGranted ? 1 : 0;
        }

        @Override
        public long lifetimeStart() {
          return 1;
        }

        @Override
        public void release(int partition, String holder, long epoch) {
        }
      };
    }

    @Override
    public void onChange(Runnable change) {
    }
  }
}
