package io.dynaccel.server.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import io.dynaccel.server.cluster.NodeInfo;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * {@link Members} on an embedded Hazelcast member: membership from its cluster service, quorum from
 * its split-brain protection, serving members and leases from two replicated maps.
 */
public final class HazelcastMembers implements Members {

  private final HazelcastInstance hazelcast;
  private final IMap<String, String> nodes;
  private final LeaseTable leases;
  private final SplitBrainProtection protection;
  private final int minimumMembers;
  private final MajorityConfirmation confirmation;
  private final Map<String, NodeInfo> serving = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** Watches the cluster {@code hazelcast} is a member of. */
  public HazelcastMembers(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    this.nodes = hazelcast.getMap(HazelcastSetup.NODES_MAP);
    this.leases = new LeaseTable(hazelcast.getMap(HazelcastSetup.LEASES_MAP), Clock.systemUTC());
    this.protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(HazelcastSetup.QUORUM);
    this.minimumMembers = hazelcast.getConfig().getSplitBrainProtectionConfig(HazelcastSetup.QUORUM).getMinimumClusterSize();
    this.confirmation = new MajorityConfirmation(hazelcast, minimumMembers, System::nanoTime);
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        changed();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        changed();
      }
    });
    nodes.addEntryListener(new NodeListener(), true);
  }

  private final class NodeListener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
      EntryRemovedListener<String, String> {

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      serving.put(event.getKey(), new NodeInfo(event.getKey(), URI.create(event.getValue())));
      changed();
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      entryAdded(event);
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      serving.remove(event.getKey());
      changed();
    }
  }

  private void changed() {
    listeners.forEach(Runnable::run);
  }

  /** Sends one round of the majority confirmation; call every {@link MajorityConfirmation#PERIOD}. */
  public void confirm() {
    confirmation.round();
  }

  @Override
  public String localId() {
    return idOf(hazelcast.getCluster().getLocalMember());
  }

  @Override
  public Set<String> memberIds() {
    return hazelcast.getCluster().getMembers().stream().map(HazelcastMembers::idOf).collect(Collectors.toSet());
  }

  private static String idOf(Member member) {
    String id = member.getAttribute(HazelcastSetup.MEMBER_ID_ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  @Override
  public boolean quorum() {
    // The member count drops at once when this member's own view loses the others; the confirmation
    // bounds how long a member the others have dropped can go on believing it is in.
    return hazelcast.getCluster().getMembers().size() >= minimumMembers && protection.hasMinimumSize() && confirmation.confirmed();
  }

  @Override
  public long confirmedRun() {
    return confirmation.run();
  }

  @Override
  public Map<String, NodeInfo> serving() {
    return Map.copyOf(serving);
  }

  // Events can be missed across a merge after a split; a full read now and then repairs the mirror.
  @Override
  public void refresh() {
    Map<String, String> all = Map.copyOf(nodes);
    serving.keySet().retainAll(all.keySet());
    all.forEach((id, api) -> serving.put(id, new NodeInfo(id, URI.create(api))));
  }

  @Override
  public void announce(NodeInfo self) {
    nodes.set(self.id(), self.api().toString());
    serving.put(self.id(), self);
  }

  @Override
  public void withdraw() {
    String id = localId();
    nodes.delete(id);
    serving.remove(id);
  }

  @Override
  public Leases leases() {
    return leases;
  }

  @Override
  public void onChange(Runnable change) {
    listeners.add(change);
  }
}
