package io.dynaccel.server.read;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Merges concurrent misses of one key into one read from DynamoDB (single flight): a miss that finds
 * a fill of its key in flight takes that fill's answer instead of sending its own read, so a hot key
 * (or a hot Query) on a cold cache costs one upstream read, not one per reader.
 *
 * <p>A miss may join only while nothing that could change the answer has been written since the fill
 * began: the cache's {@code unwrittenSince} check of the fill's ticket, which every write that could
 * change the answer fails from the moment it starts, and again once it ends. A write acknowledged before
 * the miss arrived has then either not begun (it cannot have been acknowledged) or begun before the
 * fill and is still in flight (the miss is concurrent with it, and either value is a correct answer).
 * Otherwise the miss starts a fill of its own, which later misses join instead. Whether the fill's
 * answer may enter the cache is decided once, by the fill, as for any fill.
 *
 * @param <K> what identifies a read: the item key, or the canonical Query or Scan request
 * @param <F> the cache's ticket of a fill in progress
 * @param <T> what a fill yields: DynamoDB's answer and what the cache made of it
 */
public final class FillFlights<K, F, T> {

  private record Flight<F, T>(F ticket, Future<T> outcome) {
  }

  private final ConcurrentMap<K, Flight<F, T>> flights = new ConcurrentHashMap<>();
  private final Predicate<F> unwrittenSince;
  private final Runnable merged;

  /**
   * @param unwrittenSince whether a read that arrives now may take the answer of the fill holding this
   *     ticket: nothing that could change the answer started or ended since the fill began
   * @param merged counts a miss that took another fill's answer
   */
  public FillFlights(Predicate<F> unwrittenSince, Runnable merged) {
    this.unwrittenSince = unwrittenSince;
    this.merged = merged;
  }

  /**
   * The outcome of a fill of {@code key}: of one in flight that this miss may join, or of a new one,
   * begun by {@code begin} (atomically with its entry in flight), that {@code send} sends under its ticket.
   */
  public Future<T> fill(K key, Supplier<F> begin, Function<F, Future<T>> send) {
    @SuppressWarnings("unchecked")
    Flight<F, T>[] joined = new Flight[1];
    Promise<T> started = Promise.promise();
    Flight<F, T> current = flights.compute(key, (k, flight) -> {
      if (flight != null && unwrittenSince.test(flight.ticket())) {
        joined[0] = flight;
        return flight;
      }
      return new Flight<>(begin.get(), started.future());
    });
    if (joined[0] != null) {
      merged.run();
      return onCallersContext(joined[0].outcome());
    }
    Future<T> sent;
    try {
      sent = send.apply(current.ticket());
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(done -> flights.remove(key, current)).onComplete(started);
    return started.future();
  }

  // The fill completes on the event loop of the miss that sent it; a joiner's answer continues on its own.
  private static <T> Future<T> onCallersContext(Future<T> outcome) {
    Context context = Vertx.currentContext();
    if (context == null || outcome.isComplete()) {
      return outcome;
    }
    Promise<T> relayed = Promise.promise();
    outcome.onComplete(result -> context.runOnContext(v -> relayed.handle(result)));
    return relayed.future();
  }
}
