package io.dynaccel.server.write.internal;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.upstream.UpstreamFailure;
import io.dynaccel.server.upstream.UpstreamResponse;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Settles the tickets of a write by what DynamoDB answered: applied, rejected, or unknown. One rule
 * for every write operation and both caches, so that none of them gets the failure cases wrong.
 */
public final class WriteOutcomes {

  private WriteOutcomes() {}

  /**
   * Settles the tickets of a write that got an HTTP answer.
   *
   * @param applied what to do with the item tickets when DynamoDB applied the write (status 200)
   */
  public static void settle(ItemCache cache, Collection<WriteTicket> tickets, QueryCache queries, Collection<QueryWriteTicket> queryTickets,
      UpstreamResponse response, Consumer<Collection<WriteTicket>> applied) {
    // A 5xx from DynamoDB does not say whether the write was applied.
    boolean unknown = !response.ok() && !response.rejected();
    try {
      if (response.ok()) {
        applied.accept(tickets);
      } else if (response.rejected()) {
        tickets.forEach(cache::failWrite);
      } else {
        tickets.forEach(cache::abandonWrite);
      }
    } finally {
      queryTickets.forEach(ticket -> queries.endWrite(ticket, unknown));
    }
  }

  /** Settles the tickets of a write that got no answer at all. */
  public static void settleFailure(ItemCache cache, Collection<WriteTicket> tickets, QueryCache queries, Collection<QueryWriteTicket> queryTickets, Throwable failure) {
    boolean neverSent = failure instanceof UpstreamFailure upstream && !upstream.mayHaveArrived();
    tickets.forEach(neverSent ? cache::failWrite : cache::abandonWrite);
    queryTickets.forEach(ticket -> queries.endWrite(ticket, !neverSent));
  }
}
