package io.dynaccel.bench;

import org.HdrHistogram.Histogram;

/**
 * What one run of the load generator measured.
 *
 * @param requests calls answered with status 200 during the measured period
 * @param failures calls answered otherwise, or not answered
 * @param seconds length of the measured period
 * @param latency latencies of the successful calls, in microseconds
 */
public record LoadResult(long requests, long failures, double seconds, Histogram latency) {

  /** Successful calls per second. */
  public double throughput() {
    return requests / seconds;
  }

  /** A latency percentile in milliseconds. */
  public double millis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
