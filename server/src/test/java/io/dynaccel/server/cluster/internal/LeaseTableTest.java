package io.dynaccel.server.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.dynaccel.server.it.FreePorts;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LeaseTableTest {

  private static HazelcastInstance hazelcast;
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  };

  @BeforeAll
  static void startMember() throws IOException {
    int port = FreePorts.loopback();
    hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.of(
        new ClusterConfig("leases-" + port, ClusterJoin.TCP_IP, List.of("127.0.0.1:" + port), "127.0.0.1", port, 1)));
  }

  @AfterAll
  static void stopMember() {
    hazelcast.shutdown();
  }

  private LeaseTable table(String name) {
    return new LeaseTable(hazelcast.getMap(name), clock);
  }

  @Test
  void grant_whenFirstGranted_isNumberedAtLeastByTheClockAndAfterTheTableBegan() {
    LeaseTable leases = table("first-grant");

    long epoch = leases.grant(7, null, "a");

    assertThat(epoch).isEqualTo(millis.get());
    assertThat(leases.lifetimeStart()).as("recorded by the first grant, not by a later reader").isLessThanOrEqualTo(epoch);
    millis.addAndGet(60_000);
    assertThat(leases.lifetimeStart()).isEqualTo(epoch);
  }

  @Test
  void grant_whenTheClockStandsStillOrGoesBack_stillRaisesTheEpoch() {
    LeaseTable leases = table("clock-back");
    long first = leases.grant(3, null, "a");
    leases.release(3, "a", first);
    millis.addAndGet(-5_000);

    long second = leases.grant(3, leases.get(3), "b");

    assertThat(second).isEqualTo(first + 1);
    assertThat(leases.get(3)).isEqualTo(new LeaseTable.Lease("b", second));
  }

  @Test
  void grant_whenALaterTableBegins_numbersAboveEveryEpochOfTheEarlierOne() {
    LeaseTable lost = table("lost");
    long old = lost.grant(5, null, "a");
    millis.addAndGet(1);

    LeaseTable fresh = table("fresh");
    long renewed = fresh.grant(5, null, "b");

    assertThat(renewed).isGreaterThan(old);
    assertThat(fresh.lifetimeStart()).isGreaterThan(old);
  }

  @Test
  void grant_whenTheLeaseChangedMeanwhile_grantsNothing() {
    LeaseTable leases = table("raced");
    long epoch = leases.grant(9, null, "a");

    assertThat(leases.grant(9, null, "b")).isZero();
    assertThat(leases.grant(9, new LeaseTable.Lease("", epoch), "b")).as("not released").isZero();
    assertThat(leases.get(9).holder()).isEqualTo("a");
  }

  @Test
  void grantAll_whenSomeLeasesChangedSinceTheRead_grantsOnlyThoseStillAsRead() {
    LeaseTable leases = table("grant-all");
    long held = leases.grant(1, null, "a");
    long released = leases.grant(2, null, "a");
    leases.release(2, "a", released);
    Map<Integer, LeaseTable.Lease> read = leases.getAll(Set.of(1, 2, 3, 4));
    assertThat(read).containsOnlyKeys(1, 2);
    leases.grant(4, null, "c"); // taken by another member after the read
    millis.addAndGet(1_000);

    Map<Integer, Long> granted = leases.grantAll(Set.of(2, 3, 4), read, "b");

    assertThat(granted).containsOnlyKeys(2, 3);
    assertThat(granted.get(2)).isEqualTo(millis.get()).isGreaterThan(released);
    assertThat(leases.get(2)).isEqualTo(new LeaseTable.Lease("b", granted.get(2)));
    assertThat(leases.get(3)).isEqualTo(new LeaseTable.Lease("b", granted.get(3)));
    assertThat(leases.get(4).holder()).as("not as read: left to its holder").isEqualTo("c");
    assertThat(leases.get(1)).as("not asked for").isEqualTo(new LeaseTable.Lease("a", held));
  }

  @Test
  void releaseAll_whenOneLeaseIsNoLongerHeldUnderItsEpoch_releasesTheOthersOnly() {
    LeaseTable leases = table("release-all");
    long first = leases.grant(1, null, "a");
    long second = leases.grant(2, null, "a");
    leases.release(2, "a", second);
    long retaken = leases.grant(2, leases.get(2), "b");

    leases.releaseAll(Map.of(1, first, 2, second), "a");

    assertThat(leases.get(1)).isEqualTo(new LeaseTable.Lease("", first));
    assertThat(leases.get(2)).as("another member's now").isEqualTo(new LeaseTable.Lease("b", retaken));
  }

  @Test
  void grantAll_whenTheTableIsNew_recordsItsBeginningFirst() {
    LeaseTable leases = table("grant-all-first");

    Map<Integer, Long> granted = leases.grantAll(Set.of(5, 6), Map.of(), "a");

    assertThat(granted).containsOnlyKeys(5, 6);
    assertThat(leases.lifetimeStart()).isLessThanOrEqualTo(granted.get(5)).isLessThanOrEqualTo(granted.get(6));
  }
}
