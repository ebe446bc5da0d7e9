package io.dynaccel.server.cluster;

/**
 * What the request path asks of ownership: where a partition's calls go now, and the registration of a
 * write executed as its owner. {@link Ownership} is the real one; {@link #of} adapts it.
 */
public interface RouteTable {

  /** Where a call on {@code partition} goes now. */
  Route route(int partition);

  /** Registers a write executed as the owner under {@code epoch}; false if this node no longer holds that lease. */
  boolean enter(int partition, long epoch);

  /**
   * Ends a write registered with {@link #enter}.
   *
   * @return whether its success may be acknowledged: false if this node lost the majority while it was in
   *     flight, when another member may already hold the lease and have filled the item without it
   */
  boolean exit(int partition);

  /** The route table of this node's ownership. */
  static RouteTable of(Ownership ownership) {
    return new RouteTable() {
      @Override
      public Route route(int partition) {
        return ownership.route(partition);
      }

      @Override
      public boolean enter(int partition, long epoch) {
        return ownership.enter(partition, epoch);
      }

      @Override
      public boolean exit(int partition) {
        return ownership.exit(partition);
      }
    };
  }
}
