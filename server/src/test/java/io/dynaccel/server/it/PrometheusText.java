package io.dynaccel.server.it;

/** Reads a node's {@code /metrics} text (Prometheus exposition format) in the tests. */
final class PrometheusText {

  private PrometheusText() {
  }

  /**
   * The sum of the samples of {@code name} over all its tags, or of one series if {@code name} spells
   * its tags too ({@code dynaccel_upstream_requests_seconds_count{operation="GetItem"}}); 0 if absent.
   */
  static double sum(String text, String name) {
    return text.lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
