package io.dynaccel.server.cluster;

import java.util.BitSet;

/**
 * Takes over what a partition's previous owner left that is not in DynamoDB yet (write-back changes),
 * after this node has taken the partition's lease and before it serves the partition.
 */
@FunctionalInterface
public interface PartitionAdoption {

  /** Nothing to take over: no table is written back. */
  PartitionAdoption NONE = (partitions, fromDeparted) -> true;

  /**
   * Adopts the partitions' state; blocks until it is kept here.
   *
   * @param fromDeparted those of them taken from a member that left without handing them over
   * @return whether it is done; if not, it is asked again at the next reconcile and the partitions stay unserved
   */
  boolean adopt(BitSet partitions, BitSet fromDeparted);
}
