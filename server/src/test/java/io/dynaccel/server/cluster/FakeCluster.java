package io.dynaccel.server.cluster;

import io.dynaccel.server.cluster.internal.LeaseTable;
import io.dynaccel.server.cluster.internal.Members;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-memory cluster for ownership tests: one shared membership, serving list and lease table, with
 * a quorum switch per member. Leases move by compare-and-set as Hazelcast's map does.
 */
final class FakeCluster {

  final Set<String> members = ConcurrentHashMap.newKeySet();
  final Map<String, NodeInfo> serving = new ConcurrentHashMap<>();
  final Map<Integer, String> leases = new ConcurrentHashMap<>();
  final Set<String> withoutQuorum = ConcurrentHashMap.newKeySet();

  Member member(String id) {
    members.add(id);
    return new Member(id);
  }

  static NodeInfo node(String id) {
    return new NodeInfo(id, URI.create("http://127.0.0.1:1/" + id));
  }

  /** One member's window on the shared state. */
  final class Member implements Members, Members.Leases {

    private final String id;
    private final AtomicInteger leaseCalls = new AtomicInteger();
    private boolean loseNextGrantAnswer;
    private long run = 1;
    private boolean confirmedBefore = true;

    Member(String id) {
      this.id = id;
    }

    @Override
    public String localId() {
      return id;
    }

    @Override
    public Set<String> memberIds() {
      return new HashSet<>(members);
    }

    @Override
    public boolean quorum() {
      return !withoutQuorum.contains(id);
    }

    /** A lapse of the quorum switch, once anything has looked while it was off, starts a new stretch. */
    @Override
    public synchronized long confirmedRun() {
      boolean confirmed = quorum();
      if (confirmed && !confirmedBefore) {
        run++;
      }
      confirmedBefore = confirmed;
      return confirmed ? run : 0;
    }

    @Override
    public Map<String, NodeInfo> serving() {
      return Map.copyOf(serving);
    }

    @Override
    public void refresh() {
      requireQuorum();
    }

    @Override
    public void announce(NodeInfo self) {
      requireQuorum();
      serving.put(id, self);
    }

    @Override
    public void withdraw() {
      requireQuorum();
      serving.remove(id);
    }

    @Override
    public Leases leases() {
      return this;
    }

    @Override
    public void onChange(Runnable change) {
    }

    @Override
    public LeaseTable.Lease get(int partition) {
      leaseCalls.incrementAndGet();
      requireQuorum();
      String text = leases.get(partition);
      return text == null ? null : LeaseTable.Lease.parse(text);
    }

    @Override
    public long grant(int partition, LeaseTable.Lease expected, String holder) {
      leaseCalls.incrementAndGet();
      requireQuorum();
      long epoch = expected == null ? 1 : expected.epoch() + 1;
      String next = holder + "/" + epoch;
      boolean granted = expected == null ? leases.putIfAbsent(partition, next) == null
          : leases.replace(partition, expected.toString(), next);
      return granted ? epoch : 0;
    }

    @Override
    public long lifetimeStart() {
      requireQuorum();
      return 1; // the first epoch this table grants
    }

    @Override
    public void release(int partition, String holder, long epoch) {
      leaseCalls.incrementAndGet();
      requireQuorum();
      leases.replace(partition, holder + "/" + epoch, "/" + epoch);
    }

    // The batch calls count once each, as the real table makes one cluster call for each.
    @Override
    public Map<Integer, LeaseTable.Lease> getAll(Set<Integer> partitions) {
      return batch(() -> Members.Leases.super.getAll(partitions));
    }

    @Override
    public Map<Integer, Long> grantAll(Set<Integer> partitions, Map<Integer, LeaseTable.Lease> current, String holder) {
      Map<Integer, Long> granted = batch(() -> Members.Leases.super.grantAll(partitions, current, holder));
      if (loseNextGrantAnswer) {
        loseNextGrantAnswer = false;
        throw new IllegalStateException("the answer to a grant that was made got lost");
      }
      return granted;
    }

    /** Makes the next {@link #grantAll} grant what it may and then fail, as a call whose answer is lost does. */
    void loseNextGrantAnswer() {
      loseNextGrantAnswer = true;
    }

    @Override
    public void releaseAll(Map<Integer, Long> epochs, String holder) {
      batch(() -> {
        Members.Leases.super.releaseAll(epochs, holder);
        return null;
      });
    }

    /** The calls to the lease table so far, a batch counting as one. */
    int leaseCalls() {
      return leaseCalls.get();
    }

    private <T> T batch(Supplier<T> calls) {
      requireQuorum();
      int before = leaseCalls.get();
      T result = calls.get();
      leaseCalls.set(before + 1);
      return result;
    }

    private void requireQuorum() {
      if (!quorum()) {
        throw new IllegalStateException("no quorum");
      }
    }
  }
}
