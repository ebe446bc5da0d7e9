package io.dynaccel.bench;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * What one run of the load generator measured.
 *
 * @param requests calls answered with status 200 during the measured period
 * @param failures calls answered otherwise, or not answered
 * @param seconds length of the measured period
 * @param latency latencies of the successful calls, in microseconds
 * @param cpu CPU time the server used during the measured period, or null where it was not measured
 *     (a server in the load generator's own JVM)
 * @param compilation the part of {@code cpu} its JIT compiler threads used, or null where it was not measured
 */
public record LoadResult(long requests, long failures, double seconds, Histogram latency, Duration cpu, Duration compilation) {

  /** A result without the server's CPU time. */
  public LoadResult(long requests, long failures, double seconds, Histogram latency) {
    this(requests, failures, seconds, latency, null, null);
  }

  /** A result with the server's CPU time but not its compilers' share. */
  public LoadResult(long requests, long failures, double seconds, Histogram latency, Duration cpu) {
    this(requests, failures, seconds, latency, cpu, null);
  }

  /** Successful calls per second. */
  public double throughput() {
    return requests / seconds;
  }

  /** A latency percentile in milliseconds. */
  public double millis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The server's CPU time per successful call in microseconds; empty if it was not measured or nothing succeeded. */
  public OptionalDouble cpuMicrosPerRequest() {
    return perRequest(cpu);
  }

  /** The JIT compilers' CPU time per successful call in microseconds; empty if it was not measured. */
  public OptionalDouble compilationMicrosPerRequest() {
    return perRequest(compilation);
  }

  /**
   * The CPU time per successful call without the JIT compilers' share, in microseconds: what serving
   * costs once the code is compiled. It is the whole figure where the share was not measured.
   */
  public OptionalDouble compiledCpuMicrosPerRequest() {
    return compilation == null ? cpuMicrosPerRequest() : perRequest(cpu == null ? null : cpu.minus(compilation));
  }

  private OptionalDouble perRequest(Duration time) {
    return time == null || requests == 0 ? OptionalDouble.empty() : OptionalDouble.of(time.toNanos() / 1e3 / requests);
  }

  /** The round of median throughput: the figure a run reports, robust to one noisy round either way. */
  public static LoadResult median(List<LoadResult> rounds) {
    return rounds.stream().sorted(Comparator.comparingDouble(LoadResult::throughput)).toList().get(rounds.size() / 2);
  }

  /** Every round's throughput, for printing beside the median. */
  public static String throughputs(List<LoadResult> rounds) {
    return rounds.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r.throughput())).toList().toString();
  }
}
