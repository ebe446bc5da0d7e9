package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.TableWriteTicket;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryScope;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.write.GuardOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The guards this member holds for writes that other members execute on what it owns.
 *
 * <p>A guard starts, for each thing it covers, the same tickets a local write starts, so that nothing
 * fills while it is open; and it drops at once what it covers, because this member never learns the
 * new value, and so that a close that never arrives cannot leave an old value served. It is closed by
 * the write's outcome: applied invalidates (never installs), refused leaves the guards' history as a
 * refused local write does, unknown quarantines. A guard still open {@code hold} after it opened
 * belongs to a caller that died or lost us: it is closed as a write of unknown outcome, since the
 * write may still land. {@code hold} must therefore exceed the longest a caller's upstream call can
 * take.
 */
final class GuardBook {

  private final ItemCache items;
  private final QueryCache queries;
  private final long holdNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong handles = new AtomicLong();
  private final Map<Long, Open> open = new ConcurrentHashMap<>();

  GuardBook(ItemCache items, QueryCache queries, Duration hold, LongSupplier nanoTime) {
    this.items = items;
    this.queries = queries;
    this.holdNanos = hold.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Opens a guard; the handle closes it. */
  long open(GuardRequest request) {
    List<WriteTicket> keyTickets = new ArrayList<>();
    List<QueryWriteTicket> queryTickets = new ArrayList<>();
    List<TableWriteTicket> tableTickets = new ArrayList<>();
    for (ItemKey key : request.keys()) {
      keyTickets.add(items.beginWrite(key));
      queryTickets.add(queries.beginWrite(key.table(), key.partition()));
      // A write of no duration drops the cached entry now, coherently with fills in flight.
      items.completeWrite(items.beginWrite(key), null);
    }
    for (QueryScope scope : request.scopes()) {
      queryTickets.add(queries.beginWrite(scope.table(), scope.partition()));
    }
    for (String table : request.tables()) {
      tableTickets.add(items.beginTableWrite(table));
      queryTickets.add(queries.beginTableWrite(table));
      // Fills that installed before the ticket began are dropped here; later ones cannot install.
      items.invalidateTable(table);
    }
    BitSet partitions = new BitSet(Partitions.COUNT);
    request.keys().forEach(key -> partitions.set(Partitions.of(key)));
    request.scopes().forEach(scope -> partitions.set(Partitions.ofTable(scope.table())));
    if (!request.tables().isEmpty()) {
      partitions.set(0, Partitions.COUNT); // any item of the tables: every partition
    }
    long handle = handles.incrementAndGet();
    long now = nanoTime.getAsLong();
    open.put(handle, new Open(keyTickets, queryTickets, tableTickets, partitions, now, now + holdNanos));
    return handle;
  }

  /**
   * Closes a guard with its write's outcome.
   *
   * @return false if no such guard is open (closed already, or expired)
   */
  boolean close(long handle, GuardOutcome outcome) {
    Open guard = open.remove(handle);
    if (guard == null) {
      return false;
    }
    settle(guard, outcome);
    return true;
  }

  /**
   * Closes, as writes of unknown outcome, the guards open longer than the hold time.
   *
   * @return how many were closed
   */
  int expireOverdue() {
    long now = nanoTime.getAsLong();
    int expired = 0;
    for (Map.Entry<Long, Open> entry : open.entrySet()) {
      if (now - entry.getValue().deadlineNanos() >= 0 && open.remove(entry.getKey(), entry.getValue())) {
        settle(entry.getValue(), GuardOutcome.UNKNOWN);
        expired++;
      }
    }
    return expired;
  }

  /**
   * Whether a guard opened before {@code sinceNanos} still covers {@code partition}: its lease is not
   * handed over until such a guard closes, since the new owner would not hold it and could fill the
   * item before the write lands.
   */
  boolean coversSince(int partition, long sinceNanos) {
    for (Open guard : open.values()) {
      if (guard.partitions().get(partition) && guard.openedNanos() - sinceNanos < 0) {
        return true;
      }
    }
    return false;
  }

  /** How many guards are open. */
  int openCount() {
    return open.size();
  }

  private void settle(Open guard, GuardOutcome outcome) {
    boolean unknown = outcome == GuardOutcome.UNKNOWN;
    for (WriteTicket ticket : guard.keyTickets()) {
      switch (outcome) {
        case APPLIED -> items.completeWrite(ticket, null);
        case REJECTED -> items.failWrite(ticket);
        case UNKNOWN -> items.abandonWrite(ticket);
      }
    }
    guard.tableTickets().forEach(ticket -> items.endTableWrite(ticket, unknown));
    guard.queryTickets().forEach(ticket -> queries.endWrite(ticket, unknown));
  }

  private record Open(List<WriteTicket> keyTickets, List<QueryWriteTicket> queryTickets, List<TableWriteTicket> tableTickets,
      BitSet partitions, long openedNanos, long deadlineNanos) {}
}
