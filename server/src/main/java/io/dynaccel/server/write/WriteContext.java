package io.dynaccel.server.write;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;

/**
 * The parts every write path and write handler works with.
 *
 * @param cache the item cache
 * @param queries the Query/Scan result cache
 * @param schemas the key schemas of the tables
 * @param upstream DynamoDB
 * @param tableWrites writes whose keys cannot be named, which guard whole tables
 * @param peers the guards writes hold at other members of the cluster
 */
public record WriteContext(ItemCache cache, QueryCache queries, TableSchemas schemas, UpstreamClient upstream, TableWrites tableWrites,
    PeerGuards peers) {

  /** The parts of a node that runs alone. */
  public WriteContext(ItemCache cache, QueryCache queries, TableSchemas schemas, UpstreamClient upstream, TableWrites tableWrites) {
    this(cache, queries, schemas, upstream, tableWrites, PeerGuards.ALONE);
  }
}
