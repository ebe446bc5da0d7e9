package io.dynaccel.server.write.back;

import io.dynaccel.server.cache.ItemKey;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * What write-back needs of a cluster: a copy of every change on another member before the change is
 * acknowledged, flushes only while this node owns the item, and a wait that covers every member's
 * changes. Alone, {@link #ALONE}: the local log is the only copy and the node owns everything.
 *
 * <p>A change's version is the pair (epoch, seq), ordered epoch first: the owner's lease epoch of the
 * item's partition when it logged the change, then the log's sequence number.
 */
public interface Replication {

  /** A node that runs alone. */
  Replication ALONE = new Replication() {
    @Override
    public boolean clustered() {
      return false;
    }

    @Override
    public long epoch(ItemKey key) {
      return 0;
    }

    @Override
    public boolean serves(ItemKey key) {
      return true;
    }

    @Override
    public Future<Void> put(ItemKey key, long epoch, long seq, byte[] record) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> flushed(ItemKey key, long epoch, long seq) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> withdraw(ItemKey key, long epoch, long seq) {
      return Future.succeededFuture();
    }

    @Override
    public boolean enterFlush(ItemKey key) {
      return true;
    }

    @Override
    public void exitFlush(ItemKey key) {
    }

    @Override
    public Future<Void> settled(String table) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Map<ItemKey, Verdict>> recover(List<Copy> replayed) {
      throw new IllegalStateException("a node that runs alone flushes what its log holds itself");
    }
  };

  /** One change as it is replicated: the item, its version and its log record. */
  record Copy(ItemKey key, long epoch, long seq, byte[] record) {}

  /** What became of a change the log held at start ({@link #recover}). */
  enum Verdict {
    /** Offered to the cluster: the partition's first owner adopts it, unless it holds a newer one. */
    OFFERED,
    /** Older than what the cluster adopted when this member left: never to be written. */
    SUPERSEDED,
    /**
     * Logged before the cluster lost every member, and its partition has been served again since: it
     * can be neither offered (its owner would take it as newer than what it has written since) nor
     * dropped unseen.
     */
    STRANDED
  }

  /** Whether this node is a member of a cluster. */
  boolean clustered();

  /** The epoch under which this node logs changes of {@code key} now; 0 alone. */
  long epoch(ItemKey key);

  /** Whether this node serves the item's partition now: a flush retried after it stopped would land after its new owner's. */
  boolean serves(ItemKey key);

  /**
   * Keeps {@code record} as the key's newest change at that version on another member; completes once it
   * is there, on the caller's context (write-back settles a change on its own context without a hop).
   */
  Future<Void> put(ItemKey key, long epoch, long seq, byte[] record);

  /** DynamoDB holds the key's state up to that version: copies no newer than it are no longer needed. */
  Future<Void> flushed(ItemKey key, long epoch, long seq);

  /** Withdraws the key's copy if it is exactly that version: the change was refused after all. */
  Future<Void> withdraw(ItemKey key, long epoch, long seq);

  /**
   * Registers a flush of {@code key}: false (nothing registered) unless this node serves the item's
   * partition now, so that ownership is not handed over while the flush is in flight. Pair with {@link #exitFlush}.
   */
  boolean enterFlush(ItemKey key);

  /** Ends a flush registered with {@link #enterFlush}. */
  void exitFlush(ItemKey key);

  /**
   * Completes once every change to {@code table} (null: to any table) acknowledged by any member before
   * the call is in DynamoDB.
   */
  Future<Void> settled(String table);

  /**
   * Decides about the changes a clustered node's log held at start, from a run that ended without
   * flushing them: each is offered to the cluster, whose partition owners adopt it if it is the newest
   * they know, or dropped as superseded by what the cluster already adopted. Completes once decided.
   *
   * @return the verdict on each key's change
   */
  Future<Map<ItemKey, Verdict>> recover(List<Copy> replayed);
}
