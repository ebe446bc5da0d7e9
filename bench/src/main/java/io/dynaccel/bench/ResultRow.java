package io.dynaccel.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One row of the load benchmark's table: a scenario against one server, beside the row it is judged
 * against from the same run and with its CPU cost beside that of a cache hit.
 *
 * @param scenario what was sent, e.g. {@code GetItem misses}
 * @param target the server that answered
 * @param result what the measured period saw
 * @param against the baseline row of the same scenario (the bare server, or the upstream called directly); null for a baseline
 * @param hit the accelerator's cache-hit GetItem row, for the CPU ratio; null where the ratio does not apply
 */
record ResultRow(String scenario, String target, LoadResult result, LoadResult against, LoadResult hit) {

  /** The columns of {@link #cells()}, in order. */
  static final List<String> HEADER = List.of("scenario", "target", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors",
      "CPU us/req", "JIT us/req", "CPU vs hit", "added p50 ms", "vs baseline: req/s / p50 / p99");

  private static final String FORMAT = "%-30s %-16s %9s %8s %8s %8s %6s %10s %10s %10s %12s  %s%n";

  /** The printed line of this row. */
  String line() {
    return String.format(Locale.ROOT, FORMAT, cells().toArray());
  }

  /** The printed line of the header. */
  static String headerLine() {
    return String.format(Locale.ROOT, FORMAT, HEADER.toArray());
  }

  /** Every column's text, in the order of {@link #HEADER}; a column that does not apply is empty, an unmeasured CPU figure "n/a". */
  List<String> cells() {
    return List.of(scenario, target,
        String.format(Locale.ROOT, "%,.0f", result.throughput()),
        millis(result.millis(50)),
        millis(result.millis(99)),
        millis(result.millis(99.9)),
        Long.toString(result.failures()),
        micros(result.cpuMicrosPerRequest()),
        micros(result.compilationMicrosPerRequest()),
        hit == null ? "" : ratio(cpuRatio()),
        against == null ? "" : String.format(Locale.ROOT, "%+.3f", addedP50Millis()),
        against == null ? "" : ratio(result.throughput() / against.throughput()) + " / " + ratio(result.millis(50) / against.millis(50))
            + " / " + ratio(result.millis(99) / against.millis(99)));
  }

  /** This row's p50 minus its baseline's, in milliseconds: the latency the server under test adds. */
  double addedP50Millis() {
    return result.millis(50) - against.millis(50);
  }

  /**
   * CPU per request over that of a cache hit, each without its JIT compilers' share where that was
   * measured (compiling is a warm-up cost, not a cost per request); NaN if either was not measured.
   */
  double cpuRatio() {
    OptionalDouble row = result.compiledCpuMicrosPerRequest();
    OptionalDouble hits = hit.compiledCpuMicrosPerRequest();
    if (row.isEmpty() || hits.isEmpty()) {
      return Double.NaN;
    }
    return row.getAsDouble() / hits.getAsDouble();
  }

  private static String micros(OptionalDouble micros) {
    return micros.isPresent() ? String.format(Locale.ROOT, "%.1f", micros.getAsDouble()) : "n/a";
  }

  private static String millis(double millis) {
    return String.format(Locale.ROOT, "%.3f", millis);
  }

  private static String ratio(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio);
  }
}
