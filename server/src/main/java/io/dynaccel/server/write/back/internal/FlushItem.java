package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import java.util.Objects;

/**
 * One key's coalesced state to write: the whole item (a put) or its absence (a delete).
 *
 * <p>The JSON nodes are sent as they are, so they must not change once handed to the flusher.
 *
 * @param key the item's identity in the cache
 * @param tableName the table to write, as DynamoDB names it in {@code RequestItems}
 * @param keyAttributes the primary key attributes, as a DeleteRequest's {@code Key}
 * @param item the whole item to put, or null to delete the key
 * @param seq the log sequence number of the last write coalesced into this state
 */
public record FlushItem(ItemKey key, String tableName, ObjectNode keyAttributes, ObjectNode item, long seq) {

  /** Checks the parts a write request needs. */
  public FlushItem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(keyAttributes, "keyAttributes");
  }

  /** Whether this state is the key's absence. */
  public boolean isDelete() {
    return item == null;
  }
}
