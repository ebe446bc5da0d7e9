package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessCpuClockTest {

  @Test
  void total_whenCurrentProcessKeepsWorking_isPositiveAndIncreases() {
    ProcessCpuClock clock = ProcessCpuClock.of(ProcessHandle.current().pid());
    Duration before = clock.total();

    // Reading the clock costs CPU itself; spin until the next clock tick is counted.
    Duration after = before;
    for (int reads = 0; reads < 1_000_000 && after.equals(before); reads++) {
      after = clock.total();
    }

    assertThat(before).isPositive();
    assertThat(after).isGreaterThan(before);
    assertThat(clock.pid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void of_whenNoSuchProcess_fails() {
    assertThatThrownBy(() -> ProcessCpuClock.of(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no process");
  }
}
