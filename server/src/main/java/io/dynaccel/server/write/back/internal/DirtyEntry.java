package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.query.QueryWriteTicket;
import java.util.ArrayDeque;

/**
 * One item with write-back changes DynamoDB does not hold yet. Changed only on the
 * {@link Sequencer}'s context; readers on other threads see only {@link #durable()}.
 */
public final class DirtyEntry {

  /**
   * One state of the item and the log record that made it, whose version is {@code (epoch, seq)}.
   *
   * @param epoch in a cluster, the lease epoch the record was logged under; 0 alone
   */
  public record State(long seq, long epoch, ObjectNode item, CachedItem cached, int bytes) {

    /** A state logged by a node that runs alone. */
    public State(long seq, ObjectNode item, CachedItem cached, int bytes) {
      this(seq, 0, item, cached, bytes);
    }
  }

  private final ItemKey key;
  private final ObjectNode keyAttributes;
  /** States logged but not yet on disk, oldest first: evaluation sees the newest, readers none. */
  private final ArrayDeque<State> pending = new ArrayDeque<>();
  /** Sequence numbers of the logged changes DynamoDB does not hold yet, oldest first. */
  private final ArrayDeque<Long> unflushed = new ArrayDeque<>();
  private volatile State durable;
  private long unflushedSinceNanos;
  private State flushing;
  private WriteTicket flushTicket;
  private QueryWriteTicket flushQueryTicket;
  private long holdUntilNanos;
  private boolean holding;

  /** An entry for {@code key}, whose key attributes a DeleteRequest would name. */
  public DirtyEntry(ItemKey key, ObjectNode keyAttributes) {
    this.key = key;
    this.keyAttributes = keyAttributes;
  }

  public ItemKey key() {
    return key;
  }

  public ObjectNode keyAttributes() {
    return keyAttributes;
  }

  /** The newest acknowledged state, or null while the first change is not on disk yet. */
  public State durable() {
    return durable;
  }

  /** The state the next change applies to: the newest logged one, on disk or not; null if none. */
  public State newest() {
    return pending.isEmpty() ? durable : pending.peekLast();
  }

  /** A change was appended to the log. */
  public void logged(State state, long nanos) {
    pending.addLast(state);
    if (unflushed.isEmpty()) {
      unflushedSinceNanos = nanos;
    }
    unflushed.addLast(state.seq());
  }

  /** The log made change {@code seq} durable; it is the oldest pending one (the log keeps order). */
  public State madeDurable(long seq) {
    State state = pending.pollFirst();
    if (state == null || state.seq() != seq) {
      throw new IllegalStateException("log acknowledged " + seq + " out of order for " + key);
    }
    durable = state;
    return state;
  }

  /** The log could not make change {@code seq} durable: it and every later pending change are undone. */
  public void failed(long seq) {
    while (!pending.isEmpty() && pending.peekLast().seq() >= seq) {
      unflushed.removeLastOccurrence(pending.pollLast().seq());
    }
  }

  /** The size of the newest state, which is what the entry costs. */
  public int bytes() {
    State newest = newest();
    return newest == null ? 0 : newest.bytes();
  }

  /** A state to write to DynamoDB now: the durable one, if newer than what DynamoDB holds and none is in flight. */
  public State flushable() {
    State state = durable;
    if (flushing != null || state == null || unflushed.isEmpty() || unflushed.peekFirst() > state.seq()) {
      return null;
    }
    return state;
  }

  /**
   * Keeps the item from DynamoDB until {@code nanos}: it was taken over from a member that left, whose
   * own flushes of it may still land until then, and must not land after a newer state of ours.
   */
  public void holdFlushUntil(long nanos) {
    holding = true;
    holdUntilNanos = nanos;
  }

  /** Whether the item may not be written to DynamoDB yet at {@code nanos}. */
  public boolean held(long nanos) {
    if (holding && nanos - holdUntilNanos >= 0) {
      holding = false;
    }
    return holding;
  }

  /** {@code state} is being written to DynamoDB under these tickets. */
  public void flushStarted(State state, WriteTicket ticket, QueryWriteTicket queryTicket) {
    flushing = state;
    flushTicket = ticket;
    flushQueryTicket = queryTicket;
  }

  public State flushing() {
    return flushing;
  }

  public WriteTicket flushTicket() {
    return flushTicket;
  }

  public QueryWriteTicket flushQueryTicket() {
    return flushQueryTicket;
  }

  /**
   * The flush in flight ended: DynamoDB holds its state (or it was dead-lettered) if {@code done},
   * else it stays to flush.
   */
  public void flushEnded(boolean done, long nanos) {
    State state = flushing;
    flushing = null;
    flushTicket = null;
    flushQueryTicket = null;
    if (!done) {
      return;
    }
    while (!unflushed.isEmpty() && unflushed.peekFirst() <= state.seq()) {
      unflushed.pollFirst();
    }
    if (!unflushed.isEmpty()) {
      unflushedSinceNanos = nanos;
    }
  }

  /** Whether DynamoDB holds every logged change and none is in flight: the entry can go. */
  public boolean clean() {
    return unflushed.isEmpty() && pending.isEmpty() && flushing == null;
  }

  /** Whether every change acknowledged up to {@code seq} is in DynamoDB. */
  public boolean flushedThrough(long seq) {
    return unflushed.isEmpty() || unflushed.peekFirst() > seq;
  }

  /** The oldest change DynamoDB does not hold yet, or {@link Long#MAX_VALUE}. */
  public long oldestUnflushedSeq() {
    return unflushed.isEmpty() ? Long.MAX_VALUE : unflushed.peekFirst();
  }

  /** When the oldest change DynamoDB does not hold yet was logged, in nanoseconds. */
  public long unflushedSinceNanos() {
    return unflushedSinceNanos;
  }
}
