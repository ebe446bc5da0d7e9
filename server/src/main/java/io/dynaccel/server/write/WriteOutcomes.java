package io.dynaccel.server.write;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.upstream.UpstreamFailure;
import io.dynaccel.server.upstream.UpstreamResponse;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * Settles write tickets by what DynamoDB answered: applied, rejected, or unknown. One rule for every
 * write operation, so that none of them gets the failure cases wrong.
 */
final class WriteOutcomes {

  private WriteOutcomes() {}

  /**
   * Settles the tickets of a write that got an HTTP answer.
   *
   * @param applied what to do with the tickets when DynamoDB applied the write (status 200)
   */
  static void settle(ItemCache cache, Collection<WriteTicket> tickets, UpstreamResponse response, Consumer<Collection<WriteTicket>> applied) {
    if (response.ok()) {
      applied.accept(tickets);
    } else if (response.rejected()) {
      tickets.forEach(cache::failWrite);
    } else {
      // A 5xx from DynamoDB does not say whether the write was applied.
      tickets.forEach(cache::abandonWrite);
    }
  }

  /** Settles the tickets of a write that got no answer at all. */
  static void settleFailure(ItemCache cache, Collection<WriteTicket> tickets, Throwable failure) {
    if (failure instanceof UpstreamFailure upstream && !upstream.mayHaveArrived()) {
      tickets.forEach(cache::failWrite);
    } else {
      tickets.forEach(cache::abandonWrite);
    }
  }
}
