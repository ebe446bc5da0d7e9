package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.table.TableMetadata;

/**
 * One put or delete of a BatchWriteItem, with the cache entry it leaves behind.
 *
 * @param spelling the table as the request names it; DynamoDB returns unprocessed writes under it
 * @param writeRequest the write as sent: {@code {"PutRequest": ...}} or {@code {"DeleteRequest": ...}}
 * @param key the item written
 * @param table what is known of the item's table
 * @param newValue the item after the write (absent for a delete), as the item cache holds it
 */
public record BatchWrite(String spelling, JsonNode writeRequest, ItemKey key, TableMetadata table, CachedItem newValue) {

  /** Whether this write deletes its item. */
  public boolean isDelete() {
    return writeRequest.has("DeleteRequest");
  }
}
