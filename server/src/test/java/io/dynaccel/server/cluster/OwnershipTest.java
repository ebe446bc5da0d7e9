package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OwnershipTest {

  private static final Duration FRESHNESS = Duration.ofSeconds(11);
  private static final Duration GRACE = Duration.ofMillis(3500);
  private static final Duration UNCACHED = Duration.ofSeconds(17);

  private final FakeCluster cluster = new FakeCluster();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private Ownership member(String id) {
    Ownership ownership = new Ownership(cluster.member(id), new Takeover(FRESHNESS, UNCACHED), GRACE, clock::get);
    ownership.serveAs(FakeCluster.node(id));
    return ownership;
  }

  private static long serving(Ownership ownership) {
    return IntStream.range(0, Partitions.COUNT).filter(p -> ownership.route(p).kind() == Route.Kind.SERVE).count();
  }

  /** Reconciles every member until nothing changes, as their ticks would. */
  private static void settle(Ownership... members) {
    for (int round = 0; round < 5; round++) {
      for (Ownership member : members) {
        member.reconcile();
      }
    }
  }

  @Test
  void reconcile_whenAloneWithQuorum_takesEveryPartitionUnderEpochOne() {
    Ownership a = member("a");

    a.reconcile();

    assertThat(serving(a)).isEqualTo(Partitions.COUNT);
    assertThat(a.ownedEpochs().get(7)).isEqualTo(1L);
    assertThat(a.epoch(7)).isPositive();
    assertThat(a.route(7).consistentUntilNanos()).isEqualTo(clock.get() + FRESHNESS.toNanos());
    assertThat(a.view().members()).extracting(NodeInfo::id).containsExactly("a");
  }

  @Test
  void reconcile_whenAMemberJoins_handsItsPartitionsOverUnderANewEpochAndForwardsThem() {
    Ownership a = member("a");
    a.reconcile();
    Ownership b = member("b");

    settle(a, b);

    assertThat(serving(a) + serving(b)).isEqualTo(Partitions.COUNT);
    assertThat(serving(b)).isBetween(100L, 171L);
    int moved = IntStream.range(0, Partitions.COUNT).filter(p -> b.route(p).kind() == Route.Kind.SERVE).findFirst().orElseThrow();
    assertThat(b.ownedEpochs().get(moved)).isEqualTo(2L);
    assertThat(a.epoch(moved)).isZero();
    assertThat(a.route(moved).kind()).isEqualTo(Route.Kind.FORWARD);
    assertThat(a.route(moved).owner().id()).isEqualTo("b");
    int kept = IntStream.range(0, Partitions.COUNT).filter(p -> a.route(p).kind() == Route.Kind.SERVE).findFirst().orElseThrow();
    assertThat(a.ownedEpochs().get(kept)).as("a partition that did not move keeps its epoch").isEqualTo(1L);
  }

  @Test
  void reconcile_whenAMemberJoins_movesItsLeasesInOneReleaseAndOneReadAndGrant() {
    FakeCluster.Member old = cluster.member("a");
    Ownership a = new Ownership(old, new Takeover(FRESHNESS, UNCACHED), GRACE, clock::get);
    a.serveAs(FakeCluster.node("a"));
    a.reconcile();
    FakeCluster.Member joiner = cluster.member("b");
    Ownership b = new Ownership(joiner, new Takeover(FRESHNESS, UNCACHED), GRACE, clock::get);
    b.serveAs(FakeCluster.node("b"));
    b.reconcile();
    a.reconcile(); // stops serving what moves
    int oldCallsBefore = old.leaseCalls();

    a.reconcile();
    int joinerCallsBefore = joiner.leaseCalls();
    b.reconcile();

    assertThat(old.leaseCalls() - oldCallsBefore).as("calls to release every lease that moves").isEqualTo(1);
    assertThat(joiner.leaseCalls() - joinerCallsBefore).as("calls to take them").isEqualTo(2);
    assertThat(serving(b)).isBetween(100L, 171L);
    assertThat(serving(a) + serving(b)).isEqualTo(Partitions.COUNT);
  }

  @Test
  void reconcile_whenTheOldOwnerHasAWriteInFlight_theNewOwnerWaitsUntilItEnds() {
    Ownership a = member("a");
    a.reconcile();
    Ownership b = member("b");
    b.reconcile(); // b announces itself
    int moving = IntStream.range(0, Partitions.COUNT).filter(p -> b.view().owns("b", p)).findFirst().orElseThrow();
    assertThat(a.enter(moving, a.epoch(moving))).isTrue();

    settle(a, b);

    assertThat(a.route(moving).kind()).as("a stops serving at once").isNotEqualTo(Route.Kind.SERVE);
    assertThat(b.route(moving).kind()).as("but b may not take it while a's write is in flight").isEqualTo(Route.Kind.PENDING);
    a.exit(moving);
    settle(a, b);
    assertThat(b.route(moving).kind()).isEqualTo(Route.Kind.SERVE);
  }

  @Test
  void enter_whenTheEpochHasEnded_refuses() {
    Ownership a = member("a");
    a.reconcile();

    long tenure = a.epoch(3);
    assertThat(a.enter(3, tenure + 1)).isFalse();
    assertThat(a.enter(3, 0)).isFalse();
    assertThat(a.enter(3, tenure)).isTrue();
  }

  @Test
  void reconcile_whenAHolderDepartsWithoutReleasing_othersWaitOutTheGraceFirst() {
    Ownership a = member("a");
    Ownership b = member("b");
    settle(a, b);
    int ofA = IntStream.range(0, Partitions.COUNT).filter(p -> a.route(p).kind() == Route.Kind.SERVE).findFirst().orElseThrow();
    long epochOfA = a.ownedEpochs().get(ofA);

    cluster.members.remove("a"); // kill -9: no release
    b.reconcile();
    assertThat(b.route(ofA).kind()).isEqualTo(Route.Kind.PENDING);
    clock.addAndGet(GRACE.toNanos() - 1);
    b.reconcile();
    assertThat(b.route(ofA).kind()).as("not before the grace has passed").isEqualTo(Route.Kind.PENDING);
    clock.addAndGet(1);
    b.reconcile();

    assertThat(b.route(ofA).kind()).isEqualTo(Route.Kind.SERVE);
    assertThat(b.ownedEpochs().get(ofA)).isEqualTo(epochOfA + 1);
    assertThat(b.route(ofA).uncachedUntilNanos()).as("its guards died with it: nothing cached for a while")
        .isEqualTo(clock.get() + UNCACHED.toNanos());
    assertThat(serving(b)).isEqualTo(Partitions.COUNT);
  }

  @Test
  void reconcile_whenQuorumIsLost_stopsServingAndTakesBackUnderNewEpochsOnlyAfterItReturns() {
    Ownership a = member("a");
    a.reconcile();
    long firstTenure = a.epoch(0);
    BitSet dropped = new BitSet();
    a.onDrop(dropped::or);

    cluster.withoutQuorum.add("a");
    a.reconcile();
    a.reconcile();
    assertThat(serving(a)).isZero();
    assertThat(dropped.isEmpty()).as("nothing released without a quorum").isTrue();
    cluster.withoutQuorum.remove("a");
    settle(a);

    assertThat(dropped.cardinality()).isEqualTo(Partitions.COUNT);
    assertThat(serving(a)).isEqualTo(Partitions.COUNT);
    assertThat(a.ownedEpochs().get(0)).isEqualTo(2L);
    assertThat(a.epoch(0)).as("a new tenure").isNotEqualTo(firstTenure).isPositive();
  }

  @Test
  void leave_whenCalled_withdrawsAndReleasesEverythingToTheOthers() {
    Ownership a = member("a");
    Ownership b = member("b");
    settle(a, b);

    a.leave();
    settle(a, b);

    assertThat(a.holdsNothing()).isTrue();
    assertThat(serving(b)).as("no departed grace: a released its leases").isEqualTo(Partitions.COUNT);
    assertThat(IntStream.range(0, Partitions.COUNT).allMatch(p -> b.route(p).uncachedUntilNanos() <= clock.get()))
        .as("a hand-over opens no uncached window").isTrue();
    assertThat(cluster.serving).doesNotContainKey("a");
  }

  @Test
  void reconcile_whenAGrantWasMadeButItsAnswerLostAndTheMemberLeaves_releasesWhatItWasGranted() {
    Ownership a = member("a");
    a.reconcile();
    FakeCluster.Member joiner = cluster.member("b");
    Ownership b = new Ownership(joiner, new Takeover(FRESHNESS, UNCACHED), GRACE, clock::get);
    b.serveAs(FakeCluster.node("b"));
    b.reconcile();
    a.reconcile();
    a.reconcile(); // released what moves to b
    joiner.loseNextGrantAnswer();
    b.reconcile();
    assertThat(serving(b)).as("b does not know it was granted anything").isZero();
    assertThat(cluster.leases.values()).anyMatch(lease -> lease.startsWith("b/"));

    b.leave();
    settle(a, b);

    assertThat(cluster.leases.values()).noneMatch(lease -> lease.startsWith("b/"));
    assertThat(serving(a)).as("no departed grace: b released them").isEqualTo(Partitions.COUNT);
  }

  @Test
  void reconcile_whenTwoMembersRaceForOnePartition_onlyOneHoldsItsLease() {
    Ownership a = member("a");
    Ownership b = member("b");
    Ownership c = member("c");

    settle(a, b, c);

    for (int p = 0; p < Partitions.COUNT; p++) {
      int holders = 0;
      for (Ownership member : new Ownership[] {a, b, c}) {
        holders += member.route(p).kind() == Route.Kind.SERVE ? 1 : 0;
      }
      assertThat(holders).as("partition %d", p).isEqualTo(1);
    }
  }

  @Test
  void route_whenTheConfirmationLapsesBeforeAnyReconcile_stopsServingAtOnceAndRetakesUnderANewTenure() {
    Ownership a = member("a");
    a.reconcile();
    long tenure = a.epoch(7);

    // The ownership thread may be blocked for seconds on a call to a member just cut off: the request
    // path must not wait for it to see that the majority is gone.
    cluster.withoutQuorum.add("a");
    assertThat(serving(a)).isZero();
    assertThat(a.hasQuorum()).isFalse();
    assertThat(a.enter(7, tenure)).as("a write is not executed as the owner").isFalse();

    // Counted in again (after a merge, say) before any reconcile ran: the majority may have granted the
    // leases to others meanwhile, so the old routes never stand again.
    cluster.withoutQuorum.remove("a");
    assertThat(serving(a)).isZero();
    assertThat(a.epoch(7)).isZero();
    settle(a);
    assertThat(serving(a)).isEqualTo(Partitions.COUNT);
    assertThat(a.epoch(7)).as("a new tenure").isPositive().isNotEqualTo(tenure);
  }

  @Test
  void exit_whenTheConfirmationLapsedWhileTheWriteRan_isNotAcknowledgeable() {
    Ownership a = member("a");
    a.reconcile();
    assertThat(a.enter(3, a.epoch(3))).isTrue();
    assertThat(a.enter(4, a.epoch(4))).isTrue();
    cluster.withoutQuorum.add("a");
    assertThat(a.epoch(3)).isZero(); // the lapse is seen
    cluster.withoutQuorum.remove("a");
    assertThat(a.exit(3)).as("ended after the lapse, before any reconcile").isFalse();
    a.reconcile(); // gives the partitions up, under the new stretch
    assertThat(a.exit(4)).as("ended after a reconcile republished under the new stretch").isFalse();

    settle(a);
    assertThat(a.enter(3, a.epoch(3))).isTrue();
    assertThat(a.exit(3)).as("a write of the new tenure").isTrue();
  }

  @Test
  void reconcile_whenTheLeaseTableWasLostAndGrantsEpochOneAgain_startsANewTenureAllTheSame() {
    Ownership a = member("a");
    a.reconcile();
    long firstTenure = a.epoch(5);
    cluster.withoutQuorum.add("a");
    a.reconcile();
    a.reconcile();
    cluster.leases.clear(); // the cluster lost every copy of the table
    cluster.withoutQuorum.remove("a");
    settle(a);

    assertThat(a.ownedEpochs().get(5)).isEqualTo(1L);
    assertThat(a.epoch(5)).as("an entry stamped in the first tenure is never served again").isNotEqualTo(firstTenure);
  }

  @Test
  void reconcile_whenAnotherMembersWriteHoldsAGuardHere_theLeaseIsNotHandedOverUntilItCloses() {
    Ownership a = member("a");
    a.reconcile();
    AtomicBoolean guardOpen = new AtomicBoolean(true);
    a.whileGuarded((p, since) -> guardOpen.get());
    Ownership b = member("b");

    settle(a, b);
    assertThat(serving(b)).isZero();
    guardOpen.set(false);
    settle(a, b);

    assertThat(serving(b)).isPositive();
  }

  @Test
  void reconcile_whenAPartitionIsTakenFromADepartedMember_servesItOnlyOnceAdoptedAndSaysItWasLeftBehind() {
    Ownership a = member("a");
    Ownership b = member("b");
    settle(a, b);
    int ofA = IntStream.range(0, Partitions.COUNT).filter(p -> a.route(p).kind() == Route.Kind.SERVE).findFirst().orElseThrow();
    CompletableFuture<Void> adopted = new CompletableFuture<>();
    BitSet asked = new BitSet();
    BitSet leftBehind = new BitSet();
    AtomicInteger adoptions = new AtomicInteger();
    b.onAdopt((partitions, fromDeparted) -> {
      adoptions.incrementAndGet();
      asked.or(partitions);
      leftBehind.or(fromDeparted);
      return adopted;
    });

    cluster.members.remove("a"); // kill -9: no release
    b.reconcile();
    clock.addAndGet(GRACE.toNanos());
    b.reconcile();

    assertThat(asked.get(ofA)).isTrue();
    assertThat(leftBehind.get(ofA)).isTrue();
    assertThat(b.leaseEpoch(ofA)).as("held, so the adopted changes are versioned by it").isPositive();
    assertThat(b.route(ofA).kind()).as("not served before its changes are taken over").isEqualTo(Route.Kind.PENDING);
    assertThat(b.enter(ofA, b.epoch(ofA))).isFalse();
    b.reconcile();
    assertThat(adoptions.get()).as("one adoption under way at a time").isEqualTo(1);

    adopted.complete(null);
    b.reconcile();

    assertThat(b.route(ofA).kind()).isEqualTo(Route.Kind.SERVE);
    assertThat(serving(b)).isEqualTo(Partitions.COUNT);
  }

  @Test
  void reconcile_whenAPartitionIsRetakenWhileItsAdoptionRuns_servesItOnlyAfterAnAdoptionUnderTheNewLease() {
    Ownership a = member("a");
    List<CompletableFuture<Void>> adoptions = new ArrayList<>();
    a.onAdopt((partitions, fromDeparted) -> {
      CompletableFuture<Void> adoption = new CompletableFuture<>();
      adoptions.add(adoption);
      return adoption;
    });
    a.reconcile(); // every partition taken, its adoption under way
    cluster.withoutQuorum.add("a");
    a.reconcile(); // given up: nothing is served without a quorum
    cluster.withoutQuorum.remove("a");
    // Released once the quorum is back (its writes and flushes ended), then taken again under new leases.
    settle(a);
    assertThat(serving(a)).isZero();

    adoptions.get(0).complete(null); // the first adoption ends, under the old leases
    a.reconcile();
    assertThat(serving(a)).as("the old adoption does not stand for the new leases").isZero();

    adoptions.get(adoptions.size() - 1).complete(null);
    settle(a);
    assertThat(serving(a)).isEqualTo(Partitions.COUNT);
  }

  @Test
  void reconcile_whenAnAdoptionFails_keepsThePartitionUnservedAndAdoptsItAgain() {
    Ownership a = member("a");
    AtomicInteger adoptions = new AtomicInteger();
    a.onAdopt((partitions, fromDeparted) -> adoptions.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(new IllegalStateException("no quorum for the copies"))
        : CompletableFuture.completedFuture(null));

    a.reconcile();
    assertThat(serving(a)).isZero();

    a.reconcile();
    assertThat(adoptions.get()).isEqualTo(2);
    assertThat(serving(a)).isEqualTo(Partitions.COUNT);
  }

  @Test
  void reconcile_whenAPartitionIsHandedOver_adoptsItAsNotLeftBehind() {
    Ownership a = member("a");
    a.reconcile();
    Ownership b = member("b");
    BitSet asked = new BitSet();
    BitSet leftBehind = new BitSet();
    b.onAdopt((partitions, fromDeparted) -> {
      asked.or(partitions);
      leftBehind.or(fromDeparted);
      return CompletableFuture.completedFuture(null);
    });

    settle(a, b);

    assertThat(asked.cardinality()).isEqualTo((int) serving(b)).isPositive();
    assertThat(leftBehind.isEmpty()).isTrue();
  }

  @Test
  void reconcile_whenAnAdoptionIsSetAndAMemberHasNotAnnouncedItself_takesNoPartitionNeverGranted() {
    Ownership a = member("a");
    a.onAdopt((partitions, fromDeparted) -> CompletableFuture.completedFuture(null));
    cluster.member("b"); // joined, still offering what its log holds

    a.reconcile();
    assertThat(serving(a)).as("b may still offer changes of any partition").isZero();

    cluster.members.remove("b");
    a.reconcile();
    assertThat(serving(a)).isEqualTo(Partitions.COUNT);
  }

  @Test
  void leaseEpoch_whenTheLeaseIsReleased_isZero() {
    Ownership a = member("a");
    a.reconcile();
    assertThat(a.leaseEpoch(3)).isEqualTo(1L);

    a.leave();
    settle(a);

    assertThat(a.leaseEpoch(3)).isZero();
  }
}
