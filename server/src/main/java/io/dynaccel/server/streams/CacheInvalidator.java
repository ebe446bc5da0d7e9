package io.dynaccel.server.streams;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Drops from this node's caches what a write that DynamoDB applied, and this node may not have
 * seen, can have changed: the item's entry, the results of its partition and the table-wide results.
 *
 * <p>It does so the way a write through the node does, so the fill/write rule holds: a write ticket
 * is opened for the key and for the query scope, and settled at once as a write DynamoDB applied
 * whose new value is not known. Every fill that began before (and may have read the value the write
 * replaced) then finds write activity newer than itself and does not install, whenever it
 * completes; fills that begin after read with {@code ConsistentRead} while the key's guard lasts
 * (the request timeout plus the second DynamoDB's eventually consistent reads may lag), so they see
 * the write the record announced. The write's outcome is known (the record proves DynamoDB applied
 * it), so the key is not quarantined: it may be cached again by the next read.
 *
 * <p>In a cluster only the owner acts. A node serves an entry only while it has owned its partition
 * without interruption since the fill ({@code Ownership.epoch}); a non-owner holds nothing of the key
 * it could serve, its fills under epoch 0 never install, and if it takes the partition over later
 * its first fills read consistently, after the write. So a non-owner may skip the key; the
 * table-wide results live at the owner of the table's table-wide partition, which acts for them.
 */
public final class CacheInvalidator {

  private final ItemCache items;
  private final QueryCache queries;
  private final Consumer<String> dropTable;
  private final IntPredicate serves;

  /**
   * Creates the invalidator.
   *
   * @param dropTable drops every cached item and result of a table, coherently with fills in flight
   * @param serves whether this node serves a cluster partition ({@link Partitions}); always true
   *     for a node that runs alone
   */
  public CacheInvalidator(ItemCache items, QueryCache queries, Consumer<String> dropTable, IntPredicate serves) {
    this.items = items;
    this.queries = queries;
    this.dropTable = dropTable;
    this.serves = serves;
  }

  /**
   * A write of one item, applied by DynamoDB: its entry and the query results it may change are dropped.
   *
   * @return whether this node held anything the write could change (it serves the key or the table-wide results)
   */
  public boolean written(ItemKey key) {
    boolean ownsKey = serves.test(Partitions.of(key));
    boolean ownsTableWide = serves.test(Partitions.ofTable(key.table()));
    if (ownsKey) {
      WriteTicket ticket = items.beginWrite(key);
      items.completeWrite(ticket, null);
    }
    if (ownsKey || ownsTableWide) {
      // One ticket covers the partition's results and the table-wide ones: a write bumps both.
      QueryWriteTicket ticket = queries.beginWrite(key.table(), key.partition());
      queries.endWrite(ticket, false);
    }
    return ownsKey || ownsTableWide;
  }

  /** Writes to a table may have been missed (records trimmed, a key that cannot be read): everything of it is dropped. */
  public void tableChanged(String table) {
    dropTable.accept(table);
  }
}
