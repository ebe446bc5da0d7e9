package io.dynaccel.server.table;

/**
 * What one spelling of a table (its name or an ARN, as a request names it) means to the cache.
 *
 * @param spelling the table name or ARN exactly as the request holds it
 * @param table the plain table name that cache entries are kept under
 * @param metadata the table's metadata if the spelling names the table the cache holds entries
 *     for ({@link Reach#SERVABLE} or {@link Reach#UNVERIFIED}), else null
 * @param reach how far the cache may go for requests with this spelling
 */
public record TableLookup(String spelling, String table, TableMetadata metadata, Reach reach) {

  /** How far the cache may go for requests that name a table this way. */
  public enum Reach {
    /** The cached table under a spelling DynamoDB accepts: reads may be answered from the cache. */
    SERVABLE,
    /**
     * The cached table under an ARN that DynamoDB has not yet accepted from a client: reads go to
     * DynamoDB (so the answer never depends on what is cached), writes still guard their keys.
     */
    UNVERIFIED,
    /**
     * Nothing the cache holds: DynamoDB does not know the table or rejects its name, or the ARN
     * names another region's or account's table. Requests go to DynamoDB as they are.
     */
    UNCACHED,
    /**
     * DynamoDB refused to describe the table for a reason of the caller's (throttling, access):
     * requests go to DynamoDB as they are, and writes guard the whole table, which may be cached.
     */
    UNKNOWN
  }

  /** Whether the cache may answer reads of this spelling. */
  public boolean servable() {
    return reach == Reach.SERVABLE;
  }

  /** Whether the spelling names the table that cache entries are kept for, so writes must keep them coherent. */
  public boolean cached() {
    return reach == Reach.SERVABLE || reach == Reach.UNVERIFIED;
  }
}
