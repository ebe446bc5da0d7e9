package io.dynaccel.server.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.dynaccel.server.it.FreePorts;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stretches of confirmation of a lone member (a quorum of one confirms each round at once) on a fake clock. */
class MajorityConfirmationTest {

  private static HazelcastInstance member;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @BeforeAll
  static void startMember() throws IOException {
    int port = FreePorts.loopback();
    member = Hazelcast.newHazelcastInstance(HazelcastSetup.of(
        new ClusterConfig("confirm-" + port, ClusterJoin.TCP_IP, List.of("127.0.0.1:" + port), "127.0.0.1", port, 1)));
  }

  @AfterAll
  static void stopMember() {
    member.shutdown();
  }

  @Test
  void run_whenNeverConfirmed_isZero() {
    MajorityConfirmation confirmation = new MajorityConfirmation(member, 1, clock::get);
    assertThat(confirmation.run()).isZero();
    assertThat(confirmation.confirmed()).isFalse();
  }

  @Test
  void run_whenRoundsComeWithinTheWindow_staysTheSameStretch() {
    MajorityConfirmation confirmation = new MajorityConfirmation(member, 1, clock::get);
    confirmation.round();
    long first = confirmation.run();
    for (int i = 0; i < 10; i++) {
      clock.addAndGet(MajorityConfirmation.PERIOD.toNanos());
      confirmation.round();
      assertThat(confirmation.run()).isEqualTo(first).isPositive();
    }
  }

  @Test
  void run_whenTheConfirmationLapsesAndReturns_isANewStretch() {
    MajorityConfirmation confirmation = new MajorityConfirmation(member, 1, clock::get);
    confirmation.round();
    long first = confirmation.run();
    clock.addAndGet(MajorityConfirmation.WINDOW.toNanos());
    assertThat(confirmation.run()).as("lapsed exactly at the window's end").isZero();
    confirmation.round();
    assertThat(confirmation.run()).isPositive().isNotEqualTo(first);
  }
}
