package io.dynaccel.server.cluster;

import java.util.BitSet;

/** Removes what a node's caches hold for partitions it has stopped owning. */
@FunctionalInterface
public interface PartitionDrop {

  /** Drops every entry of the given partitions. */
  void drop(BitSet partitions);
}
