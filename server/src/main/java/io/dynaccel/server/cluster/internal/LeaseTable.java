package io.dynaccel.server.cluster.internal;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.io.Serial;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
    long epoch = nextEpoch(expected, clock.millis());
    String next = new Lease(holder, epoch).toString();
    boolean granted = expected == null ? leases.putIfAbsent(partition, next) == null : leases.replace(partition, expected.toString(), next);
    return granted ? epoch : 0;
  }

  /** The epoch a grant over {@code expected} (null: never granted) numbers: above it, and at least the clock's {@code millis}. */
  private static long nextEpoch(Lease expected, long millis) {
    return Math.max(expected == null ? 1 : expected.epoch() + 1, millis);
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

  @Override
  public Map<Integer, Lease> getAll(Set<Integer> partitions) {
    Map<Integer, Lease> found = new HashMap<>();
    leases.getAll(partitions).forEach((partition, text) -> found.put(partition, Lease.parse(text)));
    return found;
  }

  @Override
  public Map<Integer, Long> grantAll(Set<Integer> partitions, Map<Integer, Lease> current, String holder) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    if (!current.keySet().containsAll(partitions)) {
      lifetimeStart(); // as in grant: on record before the first epoch the table grants
    }
    long now = clock.millis();
    HashMap<Integer, String> expected = new HashMap<>();
    HashMap<Integer, String> next = new HashMap<>();
    Map<Integer, Long> epochs = new HashMap<>();
    for (int partition : partitions) {
      Lease lease = current.get(partition);
      long epoch = nextEpoch(lease, now);
      expected.put(partition, lease == null ? null : lease.toString());
      next.put(partition, new Lease(holder, epoch).toString());
      epochs.put(partition, epoch);
    }
    Map<Integer, Long> granted = new HashMap<>();
    leases.executeOnKeys(partitions, new CompareAndSet(expected, next)).forEach((partition, set) -> {
      if (set) {
        granted.put(partition, epochs.get(partition));
      }
    });
    return granted;
  }

  @Override
  public void releaseAll(Map<Integer, Long> epochs, String holder) {
    if (epochs.isEmpty()) {
      return;
    }
    HashMap<Integer, String> expected = new HashMap<>();
    HashMap<Integer, String> next = new HashMap<>();
    epochs.forEach((partition, epoch) -> {
      expected.put(partition, new Lease(holder, epoch).toString());
      next.put(partition, new Lease("", epoch).toString());
    });
    leases.executeOnKeys(epochs.keySet(), new CompareAndSet(expected, next));
  }

  /**
   * Sets each entry it runs on to its next value if it still holds its expected one (null: no entry),
   * on the entry's partition thread: Hazelcast runs it on all the keys' partitions at once.
   */
  static final class CompareAndSet implements EntryProcessor<Integer, String, Boolean> {

    @Serial
    private static final long serialVersionUID = 1L;
    private final HashMap<Integer, String> expected;
    private final HashMap<Integer, String> next;

    CompareAndSet(HashMap<Integer, String> expected, HashMap<Integer, String> next) {
      this.expected = expected;
      this.next = next;
    }

    @Override
    public Boolean process(Map.Entry<Integer, String> entry) {
      if (!Objects.equals(entry.getValue(), expected.get(entry.getKey()))) {
        return false;
      }
      entry.setValue(next.get(entry.getKey()));
      return true;
    }
  }
}
