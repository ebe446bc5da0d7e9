package io.dynaccel.server.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One membership of the cluster and who owns each partition in it: the owner of a partition is its
 * highest-scoring member under rendezvous hashing, and its backup the second highest.
 *
 * <p>Rendezvous hashing, not Hazelcast's own partition table, because ownership must change exactly
 * when membership does, the same way on every member, with no migration steps in between: when a
 * member leaves, only its partitions move, each to the member that was its backup; when one joins, it
 * takes about 1/n of every other member's partitions. Every member computes the same table from the
 * same member list.
 *
 * @param members the members that serve, sorted by id
 * @param owners for each partition, the index in {@code members} of its owner, or -1 with no members
 * @param backups for each partition, the index of its backup, or -1 with fewer than two members
 */
public record ClusterView(List<NodeInfo> members, int[] owners, int[] backups) {

  /** The view of no members at all. */
  public static final ClusterView EMPTY = of(List.of());

  /** The view of these members. */
  public static ClusterView of(List<NodeInfo> members) {
    List<NodeInfo> sorted = members.stream().sorted(Comparator.comparing(NodeInfo::id)).toList();
    int[] owners = new int[Partitions.COUNT];
    int[] backups = new int[Partitions.COUNT];
    long[] memberHashes = sorted.stream().mapToLong(m -> mix(m.id().hashCode() * 0x9E3779B97F4A7C15L)).toArray();
    for (int p = 0; p < Partitions.COUNT; p++) {
      int best = -1;
      int second = -1;
      long bestScore = 0;
      long secondScore = 0;
      for (int m = 0; m < sorted.size(); m++) {
        long score = mix(memberHashes[m] ^ (p + 1) * 0xC2B2AE3D27D4EB4FL);
        if (best < 0 || Long.compareUnsigned(score, bestScore) > 0) {
          second = best;
          secondScore = bestScore;
          best = m;
          bestScore = score;
        } else if (second < 0 || Long.compareUnsigned(score, secondScore) > 0) {
          second = m;
          secondScore = score;
        }
      }
      owners[p] = best;
      backups[p] = second;
    }
    return new ClusterView(sorted, owners, backups);
  }

  /** The owner of a partition, if there is any member. */
  public Optional<NodeInfo> owner(int partition) {
    int index = owners[partition];
    return index < 0 ? Optional.empty() : Optional.of(members.get(index));
  }

  /** The backup of a partition, if there are two members or more. */
  public Optional<NodeInfo> backup(int partition) {
    int index = backups[partition];
    return index < 0 ? Optional.empty() : Optional.of(members.get(index));
  }

  /** Whether {@code memberId} owns the partition in this view. */
  public boolean owns(String memberId, int partition) {
    int index = owners[partition];
    return index >= 0 && members.get(index).id().equals(memberId);
  }

  /** Whether the two views have the same members. */
  public boolean sameMembers(ClusterView other) {
    return members.equals(other.members);
  }

  // SplitMix64's finaliser: every input bit reaches every output bit.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
