package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadBenchmarkTest {

  @Test
  void serverLoops_whenTwoCores_leavesOneToTheLoadGenerator() {
    assertThat(LoadBenchmark.serverLoops(2)).isEqualTo(1);
  }

  @Test
  void serverLoops_whenEightCores_isSeven() {
    assertThat(LoadBenchmark.serverLoops(8)).isEqualTo(7);
  }

  @Test
  void serverLoops_whenOneCore_isStillOne() {
    assertThat(LoadBenchmark.serverLoops(1)).isEqualTo(1);
  }
}
