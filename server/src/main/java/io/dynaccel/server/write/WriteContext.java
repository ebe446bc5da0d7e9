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
 */
public record WriteContext(ItemCache cache, QueryCache queries, TableSchemas schemas, UpstreamClient upstream, TableWrites tableWrites) {}
