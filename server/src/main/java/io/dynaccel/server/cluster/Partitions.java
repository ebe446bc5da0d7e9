package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.ItemKey;

/**
 * Which of the cluster's {@value #COUNT} partitions a key belongs to.
 *
 * <p>An item belongs to the partition of its table and partition key (never its sort key), so all items
 * a partition Query can return share one partition and one owner. Table-wide work (Scans, index
 * Queries) belongs to the partition of the table name alone. The hash is {@link String#hashCode()},
 * which the Java language fixes, spread by MurmurHash3's 32-bit finaliser: the client SDK computes the
 * same partitions from the same canonical key text.
 */
public final class Partitions {

  /** The number of partitions: a prime, so that keys spread evenly whatever their hash's pattern. */
  public static final int COUNT = 271;

  private Partitions() {
  }

  /** The partition of an item. */
  public static int of(ItemKey key) {
    return ofPartitionKey(key.table(), key.partition());
  }

  /**
   * The partition of a table's partition key value.
   *
   * @param canonicalPartitionKey the value in {@link ItemKey#partition()}'s canonical form
   */
  public static int ofPartitionKey(String table, String canonicalPartitionKey) {
    return spread(table.hashCode() * 31 + canonicalPartitionKey.hashCode());
  }

  /** The partition of a table's table-wide work: Scans and index Queries. */
  public static int ofTable(String table) {
    return spread(table.hashCode());
  }

  private static int spread(int hash) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, COUNT);
  }
}
