package io.dynaccel.server.write.back.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarningGateTest {

  @Test
  void pass_whenRepeatedWithinInterval_letsOnlyTheFirstThrough() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    WarningGate gate = new WarningGate(clock, Duration.ofSeconds(5));

    assertThat(gate.pass()).isTrue();
    assertThat(gate.heldBack()).isZero();
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofMillis(40));
      assertThat(gate.pass()).isFalse();
    }
  }

  @Test
  void pass_whenIntervalElapsed_letsThroughAndCountsTheHeldBack() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    WarningGate gate = new WarningGate(clock, Duration.ofSeconds(5));
    gate.pass();
    gate.pass();
    gate.pass();

    clock.advance(Duration.ofSeconds(5));

    assertThat(gate.pass()).isTrue();
    assertThat(gate.heldBack()).isEqualTo(2);
    assertThat(gate.pass()).isFalse();
  }
}
