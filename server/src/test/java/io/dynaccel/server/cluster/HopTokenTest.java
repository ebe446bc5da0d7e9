package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.dynaccel.server.cluster.internal.HazelcastSetup;
import io.dynaccel.server.it.FreePorts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopTokenTest {

  @Test
  void accepts_whenTheHeaderIsTheToken_isTrue() {
    String text = HopToken.random();

    assertThat(HopToken.of(text).accepts(text)).isTrue();
  }

  @Test
  void accepts_whenTheHeaderIsAnotherTokenOrMissing_isFalse() {
    HopToken token = HopToken.of(HopToken.random());

    assertThat(token.accepts(HopToken.random())).isFalse();
    assertThat(token.accepts("")).isFalse();
    assertThat(token.accepts(null)).isFalse();
  }

  @Test
  void accepts_outsideACluster_isFalseForAnyHeader() {
    assertThat(HopToken.NONE.accepts("")).isFalse();
    assertThat(HopToken.NONE.accepts(HopToken.random())).isFalse();
  }

  @Test
  void random_isThirtyTwoBytesInHexAndNeverTheSame() {
    assertThat(HopToken.random()).hasSize(64).matches("[0-9a-f]+").isNotEqualTo(HopToken.random());
  }

  @Test
  void join_whenSecondMemberJoins_bothUseTheFirstMembersTokenAndFollowItsChanges() throws Exception {
    int first = FreePorts.loopback();
    int second = FreePorts.loopback();
    List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
    HazelcastInstance a = Hazelcast.newHazelcastInstance(HazelcastSetup.of(new ClusterConfig("hop-" + first, ClusterJoin.TCP_IP, members, "127.0.0.1", first, 1)));
    try {
      HopToken tokenOfA = HopToken.join(a);
      HazelcastInstance b = Hazelcast.newHazelcastInstance(HazelcastSetup.of(new ClusterConfig("hop-" + first, ClusterJoin.TCP_IP, members, "127.0.0.1", second, 1)));
      try {
        HopToken tokenOfB = HopToken.join(b);

        assertThat(tokenOfB.value()).isEqualTo(tokenOfA.value());
        assertThat(tokenOfA.accepts(tokenOfB.value())).isTrue();

        // What a merge of two halves that formed apart leaves: one entry, which every member then uses.
        String merged = HopToken.random();
        b.<String, String>getMap(HopToken.MAP).put(HopToken.KEY, merged);
        await().atMost(Duration.ofSeconds(10)).until(() -> tokenOfA.accepts(merged) && tokenOfB.accepts(merged));
      } finally {
        b.shutdown();
      }
    } finally {
      a.shutdown();
    }
  }

}
