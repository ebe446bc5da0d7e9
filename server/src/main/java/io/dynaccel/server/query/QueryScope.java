package io.dynaccel.server.query;

/**
 * What a cached Query or Scan result depends on: every item of a table, or one partition of its
 * base table (a Query with an equality on the partition key and no index).
 *
 * @param table the table name
 * @param partition the canonical partition key value, or null for the whole table
 */
public record QueryScope(String table, String partition) {

  /** A result that any write to the table may change. */
  public static QueryScope wholeTable(String table) {
    return new QueryScope(table, null);
  }
}
