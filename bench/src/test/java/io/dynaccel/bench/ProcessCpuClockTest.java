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
  void compilation_whenThisJvmHasCompiled_isPositiveAndWithinTotal() {
    ProcessCpuClock clock = ProcessCpuClock.current();

    // This JVM has compiled its test framework by now; its compiler threads have used some CPU.
    Duration compiling = clock.compilation();

    assertThat(compiling).isNotNull().isPositive().isLessThanOrEqualTo(clock.total());
  }

  @Test
  void cpuTicks_whenCommandNameHoldsSpacesAndParentheses_readsUtimePlusStime() {
    String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194368 10 0 0 0 731 42 0 0 20 0 1 0 100 0 0";

    assertThat(ProcessCpuClock.cpuTicks(stat)).isEqualTo(773);
  }

  @Test
  void of_whenNoSuchProcess_fails() {
    assertThatThrownBy(() -> ProcessCpuClock.of(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no process");
  }
}
