package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  @Test
  void median_whenOddNumberOfLaunches_isTheMiddleOne() {
    assertThat(new Readiness(millis(1900, 1100, 1300)).median()).isEqualTo(Duration.ofMillis(1300));
  }

  @Test
  void median_whenEvenNumberOfLaunches_isTheMeanOfTheMiddleTwo() {
    assertThat(new Readiness(millis(1200, 2000, 1000, 1400)).median()).isEqualTo(Duration.ofMillis(1300));
  }

  @Test
  void median_whenNoLaunch_isZero() {
    assertThat(new Readiness(List.of()).median()).isZero();
  }

  @Test
  void describe_whenTwoLaunches_listsThemInOrderWithTheMedian() {
    assertThat(new Readiness(millis(1910, 2610)).describe()).isEqualTo("[1910, 2610] ms, median 2260 ms");
  }

  private static List<Duration> millis(long... values) {
    return java.util.Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
  }
}
