package io.dynaccel.client;

/**
 * Where a request's key sends it: the item's key for the hash ring over the configured nodes, and the partition
 * whose owner serves it in a cluster.
 *
 * @param ringKey the item's key in canonical form for {@link HashRing}, or null when the request has no single item
 * @param partition the partition of the key (or of the table, for table-wide work), or {@link Partitions#NONE}
 */
record RoutingKey(byte[] ringKey, int partition) {
}
