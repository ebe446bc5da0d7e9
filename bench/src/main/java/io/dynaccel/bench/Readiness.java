package io.dynaccel.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long the node's JVMs of one run took from launch until {@code GET /health/ready} answered 200.
 *
 * @param launches one figure per launch, in launch order
 */
record Readiness(List<Duration> launches) {

  /** The median launch; the mean of the middle two for an even count; zero for none. */
  Duration median() {
    if (launches.isEmpty()) {
      return Duration.ZERO;
    }
    List<Duration> sorted = launches.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : sorted.get(middle - 1).plus(sorted.get(middle)).dividedBy(2);
  }

  /** Every launch and the median, in milliseconds, e.g. {@code [1210, 1180] ms, median 1195 ms}. */
  String describe() {
    return launches.stream().map(Duration::toMillis).toList() + " ms, median " + median().toMillis() + " ms";
  }
}
