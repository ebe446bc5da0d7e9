package io.dynaccel.server.cache;

import io.vertx.core.Future;

/**
 * Items whose acknowledged state is not in DynamoDB yet (write-back): for them the node, not
 * DynamoDB, is the source of truth, so reads answer their state and anything that reads DynamoDB on
 * the node's behalf first waits until they are flushed.
 */
public interface DirtyItems {

  /** No table is written back: nothing is ever dirty. */
  DirtyItems NONE = new DirtyItems() {
    @Override
    public CachedItem get(ItemKey key) {
      return null;
    }

    @Override
    public boolean isEmpty() {
      return true;
    }

    @Override
    public Future<Void> flushed(String table) {
      return Future.succeededFuture();
    }
  };

  /** The acknowledged state of a dirty item (present or absent), or null if the key is not dirty. */
  CachedItem get(ItemKey key);

  /**
   * The newest state this node holds for {@code key}, the one a read answers: its dirty state if it
   * is dirty, else the item cache's entry, else null (a miss).
   */
  default CachedItem current(ItemKey key, ItemCache cache) {
    CachedItem state = get(key);
    return state != null ? state : cache.get(key);
  }

  /** Whether no item is dirty at all, the usual case that needs no further look. */
  boolean isEmpty();

  /**
   * Completes once every write acknowledged before the call, to {@code table} or (null) to any
   * table, is in DynamoDB: at once, with no hop to another thread, while nothing is dirty.
   */
  Future<Void> flushed(String table);
}
