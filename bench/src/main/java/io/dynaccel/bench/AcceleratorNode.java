package io.dynaccel.bench;

import java.net.URI;

/** A Dynaccel node the load benchmark drives: in a JVM of its own ({@link NodeProcess}) or in the benchmark's ({@link InProcessNode}). */
interface AcceleratorNode extends AutoCloseable {

  /** The node's DynamoDB endpoint. */
  URI endpoint();

  /** The CPU clock of the node's process; null when that process is the load generator's own. */
  CpuClock cpu();

  /** Where the node runs, for the printed set-up: its JVM, process id and JVM options. */
  String process();

  /** The sum of a meter's samples on the node's metrics, e.g. {@code dynaccel_item_cache_hits_total}. */
  double metric(String name) throws Exception;

  /** The sum of a meter's samples, over all its tags, in a node's Prometheus text; 0 if absent. */
  static double sum(String prometheusText, String name) {
    return prometheusText.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
