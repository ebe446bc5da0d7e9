package io.dynaccel.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Who owns each partition of a Dynaccel cluster, as a node answered {@code GET /_dynaccel/cluster}: the serving
 * members' API endpoints and, per partition, the index of its owner among them.
 *
 * @param memberId the id of the member that answered
 * @param members the members' API endpoints, in the node's order (sorted by member id)
 * @param owners per partition, the index in {@code members} of its owner, or -1 while it has none
 */
record OwnershipMap(String memberId, List<URI> members, int[] owners) {

  /** Where a node serves the map. */
  static final String PATH = "/_dynaccel/cluster";

  /** The endpoint of the partition's owner, or null while it has none. */
  URI owner(int partition) {
    int index = owners[partition];
    return index < 0 ? null : members.get(index);
  }

  /**
   * Reads a node's answer.
   *
   * @return the map, or null when the node runs alone ({@code "clustered": false}): its map names only itself, and
   *     the client's endpoints are then separate nodes that each answer every key
   * @throws IllegalArgumentException if the answer is not such a map, or one of another partition count
   */
  static OwnershipMap parse(byte[] json) {
    try {
      Map<String, JsonNode> map = JsonNode.parser().parse(json).asObject();
      if (!field(map, "clustered").asBoolean()) {
        return null;
      }
      int partitions = Integer.parseInt(field(map, "partitions").asNumber());
      if (partitions != Partitions.COUNT) {
        throw new IllegalArgumentException("the cluster has " + partitions + " partitions, this client knows " + Partitions.COUNT);
      }
      List<URI> members = new ArrayList<>();
      for (JsonNode member : field(map, "members").asArray()) {
        members.add(URI.create(field(member.asObject(), "endpoint").asString()));
      }
      List<JsonNode> ownerList = field(map, "owners").asArray();
      if (ownerList.size() != partitions) {
        throw new IllegalArgumentException("owners: " + ownerList.size() + " entries for " + partitions + " partitions");
      }
      int[] owners = new int[partitions];
      for (int p = 0; p < partitions; p++) {
        owners[p] = Integer.parseInt(ownerList.get(p).asNumber());
        if (owners[p] < -1 || owners[p] >= members.size()) {
          throw new IllegalArgumentException("owners[" + p + "] = " + owners[p] + " with " + members.size() + " members");
        }
      }
      return new OwnershipMap(field(map, "memberId").asString(), List.copyOf(members), owners);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // Not JSON, or a field of the wrong type (the JSON tree throws UnsupportedOperationException).
      throw new IllegalArgumentException("not a Dynaccel cluster map: " + e.getMessage(), e);
    }
  }

  private static JsonNode field(Map<String, JsonNode> object, String name) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("no \"" + name + "\"");
    }
    return value;
  }
}
