package io.dynaccel.config;

import java.util.List;
import java.util.Objects;

/**
 * Whether the node joins a cluster of nodes that share one coherent cache, and how.
 *
 * <p>A node without {@code cluster.members} (and without {@code cluster.join: multicast}) runs alone and
 * starts no Hazelcast at all.
 *
 * @param name the cluster name; members with another name never join, default {@code dynaccel}
 * @param join how members find each other, default {@link ClusterJoin#TCP_IP}
 * @param members the members' Hazelcast addresses ({@code host:port}), this node's own included; the
 *     TCP-IP join list
 * @param host the address this member binds and announces for Hazelcast and the event bus, default
 *     {@code 127.0.0.1}
 * @param port this member's Hazelcast port, default 5701
 * @param minMembers how many members, this one included, a node must see to serve from its cache (split-brain
 *     protection); 0, the default, means a majority of {@code members}
 */
public record ClusterConfig(String name, ClusterJoin join, List<String> members, String host, int port, int minMembers) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public ClusterConfig {
    Settings.CLUSTER_NAME.check(Objects.requireNonNull(name, "name"));
    Objects.requireNonNull(join, "join");
    members = List.copyOf(Settings.CLUSTER_MEMBERS.check(Objects.requireNonNull(members, "members")));
    Settings.CLUSTER_HOST.check(Objects.requireNonNull(host, "host"));
    Settings.CLUSTER_PORT.check(port);
    Settings.CLUSTER_MIN_MEMBERS.check(minMembers);
    if (join == ClusterJoin.MULTICAST && minMembers == 0) {
      // With multicast nobody lists the members, so nothing says how many a majority is.
      throw ConfigException.invalid("cluster.minMembers", "must be set (at least 1) with cluster.join: multicast", "0", null);
    }
  }

  /** A node that runs alone, as every node did before clustering. */
  public static ClusterConfig standalone() {
    return new ClusterConfig("dynaccel", ClusterJoin.TCP_IP, List.of(), "127.0.0.1", 5701, 0);
  }

  /** Whether the node joins a cluster at all. */
  public boolean enabled() {
    return join == ClusterJoin.MULTICAST || !members.isEmpty();
  }

  /** The number of members, this one included, that the node must see to serve from its cache. */
  public int quorum() {
    return minMembers > 0 ? minMembers : members.size() / 2 + 1;
  }
}
