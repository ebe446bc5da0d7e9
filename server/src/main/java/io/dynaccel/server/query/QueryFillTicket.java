package io.dynaccel.server.query;

/**
 * A Query or Scan sent upstream on a miss, with the generations its answer belongs to.
 *
 * @param key the cache key the answer is installed under
 * @param cacheable false when a write was in flight or the scope quarantined as the fill began
 * @param consistentRead whether the upstream read must be strongly consistent (or, where it cannot
 *     be, the answer not cached) because the scope was written moments ago
 */
public record QueryFillTicket(QueryCache.Key key, boolean cacheable, boolean consistentRead) {}
