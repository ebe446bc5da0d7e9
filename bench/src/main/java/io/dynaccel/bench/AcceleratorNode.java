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
}
