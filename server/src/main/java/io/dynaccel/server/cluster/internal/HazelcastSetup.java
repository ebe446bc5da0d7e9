package io.dynaccel.server.cluster.internal;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.time.Duration;
import java.util.UUID;

/**
 * The Hazelcast configuration of a member: Vert.x's own maps, the cluster's name and join, our two
 * maps, split-brain protection, and failure detection tuned to seconds rather than Hazelcast's
 * defaults of a minute.
 */
public final class HazelcastSetup {

  /** The split-brain protection every ownership change and every cache answer depends on. */
  public static final String QUORUM = "dynaccel-quorum";
  /** Member id to API endpoint, for the members that serve. */
  public static final String NODES_MAP = "dynaccel.nodes";
  /** Partition to lease (holder and epoch). */
  public static final String LEASES_MAP = "dynaccel.leases";
  /** The cluster's hop token, which forwarded calls carry. */
  public static final String HOP_MAP = "dynaccel.hop";
  /** Copies of write-back records that DynamoDB may not hold yet, one per item (see ReplicaMap). */
  public static final String REPLICAS_MAP = "dynaccel.writeback";

  /**
   * The member attribute that names a member for Dynaccel: Hazelcast gives a member a new UUID when it
   * merges back after a split, and this id stays, so leases, guards and forwarding keep their addresses.
   */
  public static final String MEMBER_ID_ATTRIBUTE = "dynaccel.memberId";

  /** How often members heartbeat; Hazelcast counts this in whole seconds. */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  /**
   * A member that has heard no heartbeat from a majority within this time stops serving from its cache
   * and stops acting as an owner.
   */
  public static final Duration QUORUM_TOLERANCE = Duration.ofSeconds(2);
  /** What the departed grace allows beyond the quorum's own timing, for a busy machine's scheduling. */
  private static final Duration DEPARTED_MARGIN = Duration.ofSeconds(2);
  /** A member silent this long is removed from the cluster. */
  public static final Duration MAX_NO_HEARTBEAT = Duration.ofSeconds(5);

  private HazelcastSetup() {
  }

  /** The configuration for {@code cluster}. */
  public static Config of(ClusterConfig cluster) {
    // Vert.x's subscription and node maps come from its default file; the network is ours.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.getMemberAttributeConfig().setAttribute(MEMBER_ID_ATTRIBUTE, UUID.randomUUID().toString());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(HEARTBEAT_INTERVAL.toSeconds()));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(MAX_NO_HEARTBEAT.toSeconds()));
    // The first member would otherwise wait 5 s for others before it forms the cluster.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.socket.bind.any", "false");

    // The advanced network's member endpoint, not the unified one: with the unified endpoint, a connection
    // to a member that accepts but never answers (stopped, or frozen in a long pause) makes its outbound
    // I/O thread spin at 100% while that member stays silent, and stalls every connection sharing the
    // thread, heartbeats included (Hazelcast 5.3 to 5.6; see docs/architecture.md).
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setPort(cluster.port()).setPortAutoIncrement(false);
    member.setPublicAddress(cluster.host() + ":" + cluster.port());
    member.getInterfaces().setEnabled(true).addInterface(cluster.host());
    network.setMemberEndpointConfig(member);
    JoinConfig join = network.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(cluster.join() == ClusterJoin.MULTICAST);
    join.getTcpIpConfig().setEnabled(cluster.join() == ClusterJoin.TCP_IP).setMembers(cluster.members());

    config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig.newRecentlyActiveSplitBrainProtectionConfigBuilder(QUORUM,
        cluster.quorum(), (int) QUORUM_TOLERANCE.toMillis()).build().setEnabled(true));
    // Both maps are small and must survive the loss of any one member, so every member holds a copy.
    config.addMapConfig(new MapConfig(NODES_MAP).setBackupCount(2).setSplitBrainProtectionName(QUORUM));
    config.addMapConfig(new MapConfig(LEASES_MAP).setBackupCount(2).setSplitBrainProtectionName(QUORUM));
    // The hop token too; it is read at join, so no quorum is asked of it.
    config.addMapConfig(new MapConfig(HOP_MAP).setBackupCount(2));
    // An acknowledged write-back record must survive the loss of its owner: a put returns only once two
    // backups hold it, so that every side of a split with a majority of up to five members holds a copy.
    // On a merge after a split the smaller side's entries are dropped: without a quorum
    // it could not write, and its copies of replicas the majority has since flushed would bring old states back.
    config.addMapConfig(new MapConfig(REPLICAS_MAP).setBackupCount(2).setAsyncBackupCount(0).setSplitBrainProtectionName(QUORUM)
        .setMergePolicyConfig(new MergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName())));
    return config;
  }

  /** The member endpoint of a configuration made by {@link #of}, where its addresses and ports are set. */
  public static ServerSocketEndpointConfig memberEndpoint(Config config) {
    return (ServerSocketEndpointConfig) config.getAdvancedNetworkConfig().getEndpointConfigs().get(EndpointQualifier.MEMBER);
  }

  /**
   * How long a lease held by a member that left without releasing it is honoured: that member stops
   * acting as an owner at most one {@link MajorityConfirmation#WINDOW} after the majority dropped it,
   * plus one reconcile tick to publish it; the rest is margin for a busy machine's scheduling: 3 s.
   */
  public static Duration departedLeaseGrace() {
    return MajorityConfirmation.WINDOW.plus(DEPARTED_MARGIN);
  }
}
