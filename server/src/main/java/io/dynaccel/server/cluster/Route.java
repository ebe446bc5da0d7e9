package io.dynaccel.server.cluster;

/**
 * Where a call on one partition is answered, as this node sees the cluster now.
 *
 * @param kind what this node does with the call
 * @param owner the owner to forward to ({@link Kind#FORWARD}), else null
 * @param epoch this node's tenure of the partition's lease ({@link Kind#SERVE}; a number of its own,
 *     new at every grant), else 0
 * @param consistentUntilNanos until when ({@link System#nanoTime()}) fills of a partition this node has
 *     just taken over must read consistently, as after a write through this node
 * @param uncachedUntilNanos until when nothing of a partition taken from a departed member is cached
 */
public record Route(Kind kind, NodeInfo owner, long epoch, long consistentUntilNanos, long uncachedUntilNanos) {

  /** What a node does with a call on a partition. */
  public enum Kind {
    /** This node holds the partition's lease: it answers, from its cache where it can. */
    SERVE,
    /**
     * This node should own the partition but does not hold its lease (yet): the previous owner has
     * not released it, a departed owner's lease has not run out, or this node lacks a quorum. Reads
     * go to DynamoDB with no cache; writes wait for the lease.
     */
    PENDING,
    /** Another member owns the partition: the call is forwarded to it. */
    FORWARD
  }

  static final Route PENDING = new Route(Kind.PENDING, null, 0, 0, 0);

  /** A partition this node serves under tenure {@code epoch}, with no takeover window open. */
  static Route serve(long epoch) {
    return new Route(Kind.SERVE, null, epoch, 0, 0);
  }

  static Route forward(NodeInfo owner) {
    return new Route(Kind.FORWARD, owner, 0, 0, 0);
  }
}
