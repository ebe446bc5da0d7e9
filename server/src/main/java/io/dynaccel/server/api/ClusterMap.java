package io.dynaccel.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cluster.ClusterView;
import io.dynaccel.server.cluster.NodeInfo;
import io.dynaccel.server.cluster.Ownership;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.protocol.JsonCodec;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * The answer to {@code GET /_dynaccel/cluster} on the API port: the serving members and the owner of
 * each partition, from which the client SDK routes each key straight to its owner.
 *
 * <pre>{@code
 * {"clustered": true, "memberId": "...", "partitions": 271,
 *  "members": [{"id": "...", "endpoint": "http://127.0.0.1:8111"}, ...],
 *  "owners": [0, 2, 1, ...]}   // per partition, an index into members, -1 when it has no owner
 * }</pre>
 *
 * <p>It holds only member ids and endpoints, which every client must know anyway, so it needs no
 * signature. A node that runs alone answers {@code "clustered": false} with itself as the only member,
 * owning everything: a client then knows that its endpoints are separate nodes, not one cluster.
 */
public final class ClusterMap {

  /** Where the map is served on the API port. */
  public static final String PATH = "/_dynaccel/cluster";

  /** The member id a node that runs alone gives itself. */
  static final String STANDALONE_ID = "local";

  /** This member's id, or null when the node runs alone. */
  private final String memberId;
  private final Supplier<ClusterView> views;
  /** The last view rendered and its bytes: the view changes only with membership, the map is asked for every few seconds. */
  private volatile Rendered rendered;

  private record Rendered(ClusterView view, byte[] json) {
  }

  /**
   * The map of a node.
   *
   * @param ownership the node's ownership in its cluster, or null if it runs alone
   */
  public static ClusterMap of(Ownership ownership) {
    return ownership == null ? new ClusterMap(null, null) : new ClusterMap(ownership.localId(), ownership::view);
  }

  /**
   * @param memberId this member's id, or null when the node runs alone
   * @param views the current view of the cluster, or null when the node runs alone
   */
  ClusterMap(String memberId, Supplier<ClusterView> views) {
    this.memberId = memberId;
    this.views = views;
  }

  /**
   * The map as JSON.
   *
   * @param localEndpoint where the caller reached this node, named as the only member when it runs alone
   */
  byte[] json(String localEndpoint) {
    if (views == null) {
      return render(false, STANDALONE_ID, ClusterView.of(List.of(new NodeInfo(STANDALONE_ID, URI.create(localEndpoint)))));
    }
    ClusterView view = views.get();
    Rendered last = rendered;
    if (last == null || last.view() != view) {
      last = new Rendered(view, render(true, memberId, view));
      rendered = last;
    }
    return last.json();
  }

  private static byte[] render(boolean clustered, String memberId, ClusterView view) {
    ObjectNode map = JsonCodec.object();
    map.put("clustered", clustered);
    map.put("memberId", memberId);
    map.put("partitions", Partitions.COUNT);
    ArrayNode members = map.putArray("members");
    for (NodeInfo member : view.members()) {
      members.addObject().put("id", member.id()).put("endpoint", member.api().toString());
    }
    ArrayNode owners = map.putArray("owners");
    for (int owner : view.owners()) {
      owners.add(owner);
    }
    return JsonCodec.write(map);
  }
}
