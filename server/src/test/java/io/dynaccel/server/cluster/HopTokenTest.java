package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
}
