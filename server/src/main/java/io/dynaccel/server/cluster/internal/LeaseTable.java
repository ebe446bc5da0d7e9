package io.dynaccel.server.cluster.internal;

import com.hazelcast.map.IMap;
import java.time.Clock;

/**
 * The cluster-wide table of partition leases, one Hazelcast map entry per partition, changed only by
 * compare-and-set: a member acts as a partition's owner only while it holds the partition's lease, so
 * two members never own one partition at once, whatever their views of the membership.
 *
 * <p>A lease is written {@code holder/epoch}; a released one {@code /epoch}. The epoch rises with every
 * grant, and is at least the wall clock's milliseconds at the grant: write-back versions its log records
 * by it, and those records outlive the table (a cluster that lost every member starts a new table), so a
 * later grant must never number below an earlier one.
 * Calls block (Hazelcast round trips), and the map refuses them without a quorum: call them off the
 * event loop.
 */
public final class LeaseTable implements Members.Leases {

  /** The entry, not a partition, that holds when the table began. */
  private static final int LIFETIME = -1;

  private final IMap<Integer, String> leases;
  private final Clock clock;

  /** Reads and writes leases in {@code leases}; epochs follow {@code clock}. */
  public LeaseTable(IMap<Integer, String> leases, Clock clock) {
    this.leases = leases;
    this.clock = clock;
  }

  /** One lease as stored. */
  public record Lease(String holder, long epoch) {

    /** Reads the stored form {@code holder/epoch}. */
    public static Lease parse(String text) {
      int slash = text.lastIndexOf('/');
      return new Lease(text.substring(0, slash), Long.parseLong(text.substring(slash + 1)));
    }

    /** Whether nobody holds it. */
    public boolean free() {
      return holder.isEmpty();
    }

    @Override
    public String toString() {
      return holder + "/" + epoch;
    }
  }

  @Override
  public Lease get(int partition) {
    String text = leases.get(partition);
    return text == null ? null : Lease.parse(text);
  }

  @Override
  public long grant(int partition, Lease expected, String holder) {
    if (expected == null) {
      // The table's first grant of a partition: the table's beginning is on record before any epoch it grants.
      lifetimeStart();
    }
    long epoch = Math.max(expected == null ? 1 : expected.epoch() + 1, clock.millis());
    String next = new Lease(holder, epoch).toString();
    boolean granted = expected == null ? leases.putIfAbsent(partition, next) == null : leases.replace(partition, expected.toString(), next);
    return granted ? epoch : 0;
  }

  @Override
  public long lifetimeStart() {
    String now = new Lease("", clock.millis()).toString();
    String first = leases.putIfAbsent(LIFETIME, now);
    return Lease.parse(first == null ? now : first).epoch();
  }

  @Override
  public void release(int partition, String holder, long epoch) {
    leases.replace(partition, new Lease(holder, epoch).toString(), new Lease("", epoch).toString());
  }
}
