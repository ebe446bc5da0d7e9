package io.dynaccel.server.cluster;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Takes over what a partition's previous owner left that is not in DynamoDB yet (write-back changes),
 * after this node has taken the partition's lease and before it serves the partition.
 */
@FunctionalInterface
public interface PartitionAdoption {

  /** Nothing to take over: no table is written back. */
  PartitionAdoption NONE = (partitions, fromDeparted) -> CompletableFuture.completedFuture(null);

  /**
   * Starts adopting the partitions' state; must not block (ownership's thread calls it, and must go on
   * publishing routes meanwhile).
   *
   * @param fromDeparted those of them taken from a member that left without handing them over
   * @return completes once the state is kept here; if it fails, the partitions stay unserved and are
   *     adopted again
   */
  CompletionStage<?> adopt(BitSet partitions, BitSet fromDeparted);
}
