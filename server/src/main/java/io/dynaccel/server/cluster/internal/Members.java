package io.dynaccel.server.cluster.internal;

import io.dynaccel.server.cluster.NodeInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What ownership needs of the cluster engine: who is a member, who serves, whether this member has a
 * quorum, and the leases. {@link HazelcastMembers} is the real one; tests use a fake.
 */
public interface Members {

  /** This member's id. */
  String localId();

  /** The ids of the current members, serving or not. */
  Set<String> memberIds();

  /** Whether this member sees enough members, recently enough, to act as an owner. */
  boolean quorum();

  /**
   * The number of this member's current unbroken stretch of majority confirmation, or 0 while a
   * majority has not counted it in recently enough to serve. Cheap, read on the request path; 0 within
   * a bounded time of the majority dropping this member, and a new number after any lapse, when the
   * majority may have given its leases to others.
   */
  long confirmedRun();

  /** The members that have announced they serve, by id; may include members that have left. */
  Map<String, NodeInfo> serving();

  /** Re-reads the serving members from the cluster, repairing missed events; throws without a quorum. */
  void refresh();

  /** Announces that this member serves at {@code self}; throws if the cluster refuses it now. */
  void announce(NodeInfo self);

  /** Withdraws this member's announcement, before it stops; throws if the cluster refuses it now. */
  void withdraw();

  /** The partition leases. */
  Leases leases();

  /** Calls {@code change} whenever membership or the serving members change. */
  void onChange(Runnable change);

  /** The partition leases, as {@link LeaseTable} keeps them. */
  interface Leases {

    /** The partition's lease, or null if it was never granted. */
    LeaseTable.Lease get(int partition);

    /** Grants the lease if it is still {@code expected}; returns the new epoch or 0. */
    long grant(int partition, LeaseTable.Lease expected, String holder);

    /**
     * When this lease table began, in the wall clock's milliseconds (recorded by its first reader): every
     * epoch it grants is at least this, and a write-back record of an earlier epoch was logged under a
     * table the cluster has since lost.
     */
    long lifetimeStart();

    /** Releases the lease if {@code holder} still holds it under {@code epoch}. */
    void release(int partition, String holder, long epoch);

    /**
     * The leases of {@code partitions} that were ever granted. A cluster engine reads them in one call:
     * one round trip per partition, each retried while the engine migrates its own partitions (a member
     * joining), kept a joiner from taking its leases for tens of seconds.
     */
    default Map<Integer, LeaseTable.Lease> getAll(Set<Integer> partitions) {
      Map<Integer, LeaseTable.Lease> found = new HashMap<>();
      for (int partition : partitions) {
        LeaseTable.Lease lease = get(partition);
        if (lease != null) {
          found.put(partition, lease);
        }
      }
      return found;
    }

    /**
     * Grants {@code holder} each lease of {@code partitions} that is still as {@code current} has it
     * (a partition missing from it: never granted), as {@link #grant} does each.
     *
     * @return the new epochs of the leases granted
     */
    default Map<Integer, Long> grantAll(Set<Integer> partitions, Map<Integer, LeaseTable.Lease> current, String holder) {
      Map<Integer, Long> granted = new HashMap<>();
      for (int partition : partitions) {
        long epoch = grant(partition, current.get(partition), holder);
        if (epoch > 0) {
          granted.put(partition, epoch);
        }
      }
      return granted;
    }

    /** Releases each lease that {@code holder} still holds under the epoch {@code epochs} gives it, as {@link #release} does each. */
    default void releaseAll(Map<Integer, Long> epochs, String holder) {
      epochs.forEach((partition, epoch) -> release(partition, holder, epoch));
    }
  }
}
