package io.dynaccel.server.write.back.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Backoff backoff(long seed) {
    return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), new SplittableRandom(seed));
  }

  @Test
  void ceilingMillis_whenAttemptsGrow_doublesFromBaseUpToCap() {
    Backoff backoff = backoff(1);
    assertThat(IntStream.range(0, 9).mapToLong(backoff::ceilingMillis).toArray())
        .containsExactly(50, 100, 200, 400, 800, 1600, 3200, 5000, 5000);
  }

  @Test
  void ceilingMillis_whenAttemptHuge_isCapWithoutOverflow() {
    Backoff backoff = backoff(1);
    assertThat(backoff.ceilingMillis(57)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(63)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(5000);
    assertThat(new Backoff(Duration.ofMillis(3), Duration.ofMillis(Long.MAX_VALUE), new SplittableRandom(1)).ceilingMillis(61)).isPositive();
  }

  @Test
  void delayMillis_whenDrawnManyTimes_staysWithinZeroAndCeilingAndSpreadsOverIt() {
    Backoff backoff = backoff(42);
    for (int attempt = 0; attempt < 12; attempt++) {
      long ceiling = backoff.ceilingMillis(attempt);
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      Set<Long> distinct = new HashSet<>();
      for (int i = 0; i < 2_000; i++) {
        long delay = backoff.delayMillis(attempt);
        assertThat(delay).isBetween(0L, ceiling);
        min = Math.min(min, delay);
        max = Math.max(max, delay);
        distinct.add(delay);
      }
      // Full jitter: the whole window is used, not just its top.
      assertThat(min).as("attempt %d", attempt).isLessThan(ceiling / 10 + 1);
      assertThat(max).as("attempt %d", attempt).isGreaterThan(ceiling * 9 / 10);
      assertThat(distinct).as("attempt %d", attempt).hasSizeGreaterThan(Math.min(40, (int) ceiling / 2));
    }
  }

  @Test
  void delayMillis_whenSameSeed_drawsSameSequence() {
    Backoff first = backoff(7);
    Backoff second = backoff(7);
    long[] a = IntStream.range(0, 50).mapToLong(i -> first.delayMillis(i % 8)).toArray();
    long[] b = IntStream.range(0, 50).mapToLong(i -> second.delayMillis(i % 8)).toArray();
    assertThat(a).containsExactly(b);
  }

  @Test
  void constructor_whenBaseBelowOneMillisOrCapBelowBase_refuses() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaults_whenCreated_useBase50MillisAndCap5Seconds() {
    Backoff defaults = Backoff.defaults();
    assertThat(defaults.ceilingMillis(0)).isEqualTo(50);
    assertThat(defaults.ceilingMillis(30)).isEqualTo(5000);
  }
}
