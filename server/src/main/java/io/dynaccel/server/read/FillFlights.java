package io.dynaccel.server.read;

import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Merges concurrent misses of one key into one read from DynamoDB (single flight): a miss that finds
 * a fill of its key in flight takes that fill's answer instead of sending its own GetItem, so a hot
 * key on a cold cache costs one upstream read, not one per reader.
 *
 * <p>A miss may join only while nothing has written the key or its table since the fill began
 * ({@link ItemCache#unwrittenSince}). A write acknowledged before the miss arrived has then either
 * not begun (it cannot have been acknowledged) or begun before the fill and is still in flight (the
 * miss is concurrent with it, and either value is a correct answer). Otherwise the miss starts a fill
 * of its own, which later misses join instead. Whether the fill's answer may enter the cache is
 * decided once, by the fill, as for any fill.
 *
 * @param <T> what a fill yields: DynamoDB's answer and the entry read from it
 */
final class FillFlights<T> {

  private record Flight<T>(FillTicket ticket, Future<T> outcome) {
  }

  private final ItemCache cache;
  private final ConcurrentMap<ItemKey, Flight<T>> flights = new ConcurrentHashMap<>();
  private final Runnable merged;

  /**
   * @param merged counts a miss that took another fill's answer
   */
  FillFlights(ItemCache cache, Runnable merged) {
    this.cache = cache;
    this.merged = merged;
  }

  /**
   * The outcome of a fill of {@code key}: of one in flight that this miss may join, or of a new one
   * that {@code fill} sends under the ticket it is given.
   */
  Future<T> fill(ItemKey key, Function<FillTicket, Future<T>> fill) {
    @SuppressWarnings("unchecked")
    Flight<T>[] joined = new Flight[1];
    Promise<T> started = Promise.promise();
    Flight<T> current = flights.compute(key, (k, flight) -> {
      if (flight != null && cache.unwrittenSince(flight.ticket())) {
        joined[0] = flight;
        return flight;
      }
      return new Flight<>(cache.beginFill(k), started.future());
    });
    if (joined[0] != null) {
      merged.run();
      return onCallersContext(joined[0].outcome());
    }
    Future<T> sent;
    try {
      sent = fill.apply(current.ticket());
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
