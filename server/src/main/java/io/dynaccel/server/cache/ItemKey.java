package io.dynaccel.server.cache;

/**
 * Identity of one item in the cache: the table and the item's primary key in canonical form, so
 * that two spellings of the same key (say {@code "1.50"} and {@code "1.5"} for a number) are equal.
 *
 * @param table the table name (never an ARN)
 * @param partition the partition key value, typed and length-prefixed
 * @param sort the sort key value in the same form, or the empty string for a table without one
 */
public record ItemKey(String table, String partition, String sort) {

  /** Approximate heap bytes of this key, for the cache weigher. */
  int weight() {
    return 56 + 2 * (table.length() + partition.length() + sort.length());
  }
}
