package io.dynaccel.server.cache;

/**
 * Identity of one item in the cache: the table and the item's primary key in canonical form, so
 * that two spellings of the same key (say {@code "1.50"} and {@code "1.5"} for a number) are equal.
 *
 * @param table the table name (never an ARN)
 * @param canonicalKey the key attributes in key-schema order, each typed and length-prefixed
 */
public record ItemKey(String table, String canonicalKey) {

  /** Approximate heap bytes of this key, for the cache weigher. */
  int weight() {
    return 48 + 2 * (table.length() + canonicalKey.length());
  }
}
