package io.dynaccel.server.cache;

/**
 * Whether this node may answer from and fill its caches for a key, and under which epoch: the cluster's
 * ownership as the caches see it. An entry is stamped with the epoch its fill or write began under and
 * served only while the epoch is the same, so an entry never survives an interruption of ownership.
 *
 * <p>The partition key is in {@link ItemKey#partition()}'s canonical form.
 */
public interface Fence {

  /** A node that runs alone: it owns everything, under one epoch, for ever. */
  Fence ALONE = new Fence() {
    @Override
    public long epoch(String table, String partitionKey) {
      return 1;
    }

    @Override
    public long tableEpoch(String table) {
      return 1;
    }

    @Override
    public boolean recentlyTaken(String table, String partitionKey) {
      return false;
    }

    @Override
    public boolean tableRecentlyTaken(String table) {
      return false;
    }
  };

  /** The epoch of the items of one partition key, or 0 if this node must neither answer from nor fill them. */
  long epoch(String table, String partitionKey);

  /** The epoch of a table's table-wide results (Scans, index Queries), or 0 as above. */
  long tableEpoch(String table);

  /**
   * Whether fills of the items of one partition key must read consistently: this node does not hold them,
   * or took them over so lately that a write acknowledged by their previous owner may not yet show in an
   * eventually consistent read.
   */
  boolean recentlyTaken(String table, String partitionKey);

  /** The same for a table's table-wide results. */
  boolean tableRecentlyTaken(String table);
}
