package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.Fence;
import java.util.function.LongSupplier;

/** The caches' {@link Fence} of a cluster member: the epochs of the partitions it holds the leases of. */
public final class OwnershipFence implements Fence {

  private final Ownership ownership;
  private final LongSupplier nanoTime;

  /**
   * Fences the caches by {@code ownership}.
   *
   * @param nanoTime the clock {@code ownership} sets its freshness deadlines by
   */
  public OwnershipFence(Ownership ownership, LongSupplier nanoTime) {
    this.ownership = ownership;
    this.nanoTime = nanoTime;
  }

  @Override
  public long epoch(String table, String partitionKey) {
    return cacheable(Partitions.ofPartitionKey(table, partitionKey));
  }

  @Override
  public long tableEpoch(String table) {
    return cacheable(Partitions.ofTable(table));
  }

  // A partition taken from a departed member is served without a cache for a while: 0 says so.
  private long cacheable(int partition) {
    Route route = ownership.route(partition);
    if (route.kind() != Route.Kind.SERVE || nanoTime.getAsLong() - route.uncachedUntilNanos() < 0) {
      return 0;
    }
    return route.epoch();
  }

  @Override
  public boolean recentlyTaken(String table, String partitionKey) {
    return recentlyTaken(Partitions.ofPartitionKey(table, partitionKey));
  }

  @Override
  public boolean tableRecentlyTaken(String table) {
    return recentlyTaken(Partitions.ofTable(table));
  }

  private boolean recentlyTaken(int partition) {
    Route route = ownership.route(partition);
    return route.kind() != Route.Kind.SERVE || nanoTime.getAsLong() - route.consistentUntilNanos() < 0;
  }
}
