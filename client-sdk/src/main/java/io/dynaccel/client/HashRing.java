package io.dynaccel.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consistent-hash ring with virtual nodes: maps a routing key to the first live node clockwise from its hash.
 *
 * <p>The ring holds every node, live or not, and skips the ones that are down while walking. That gives the same
 * answer as a ring built over the live nodes only, without rebuilding it when one goes down or comes back, and
 * taking a node away moves only the keys that were on it.
 */
final class HashRing {

  /** Enough points per node for an even share (within a few percent) of keys across a handful of nodes. */
  static final int DEFAULT_VIRTUAL_NODES = 160;

  private final long[] points;
  private final Node[] owners;

  HashRing(List<Node> nodes, int virtualNodes) {
    TreeMap<Long, Node> ring = new TreeMap<>();
    for (Node node : nodes) {
      for (int i = 0; i < virtualNodes; i++) {
        // The endpoint names the point, so every client of a fleet builds the same ring whatever the endpoint order.
        ring.putIfAbsent(hash((node.endpoint() + "#" + i).getBytes(StandardCharsets.UTF_8)), node);
      }
    }
    points = new long[ring.size()];
    owners = new Node[ring.size()];
    int i = 0;
    for (Map.Entry<Long, Node> entry : ring.entrySet()) {
      points[i] = entry.getKey();
      owners[i++] = entry.getValue();
    }
  }

  /** The first live node clockwise from the key's hash, or null when no node is up. */
  Node liveOwner(byte[] routingKey) {
    if (points.length == 0) {
      return null;
    }
    int start = indexOf(hash(routingKey));
    for (int step = 0; step < points.length; step++) {
      Node node = owners[(start + step) % points.length];
      if (node.isUp()) {
        return node;
      }
    }
    return null;
  }

  /** The node owning the key when every node is counted, up or not. */
  Node owner(byte[] routingKey) {
    return points.length == 0 ? null : owners[indexOf(hash(routingKey))];
  }

  private int indexOf(long hash) {
    int low = 0;
    int high = points.length - 1;
    // First point >= hash; past the last point the ring wraps to the first.
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (points[mid] < hash) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return low == points.length ? 0 : low;
  }

  /** The first 8 bytes of MD5: stable across JVMs and versions, well spread, and cheap next to a network call. */
  static long hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(bytes);
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (digest[i] & 0xff);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }
}
