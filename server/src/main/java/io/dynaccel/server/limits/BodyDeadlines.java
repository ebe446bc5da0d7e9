package io.dynaccel.server.limits;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Closes the connection of a request whose body has not arrived in full within
 * {@code server.requestReadTimeout}, so that a client trickling a body cannot hold a connection
 * (and its buffers) for ever while never being idle.
 *
 * <p>One per HTTP front, used on its event loop only. Nothing is scheduled per request: a call
 * whose body came with its headers (nearly every one) is seen as not yet ended when its handler
 * runs, so {@link #watch} only notes the request in its connection's slot, and a periodic
 * {@link #sweep} drops the slots of requests that have ended and closes the connections of those
 * that are still reading after the timeout. A per-request timer or event-loop task cost a cache hit
 * about a tenth of its throughput (issue 14). A sweep every {@code period} closes a slow body between
 * the timeout and the timeout plus two periods after it began.
 */
public final class BodyDeadlines {

  private final Duration period;
  private final long sweepsToExpire;
  private final Map<HttpConnection, Slot> slots = new IdentityHashMap<>();
  private long sweeps;

  /**
   * Creates the deadlines, to be swept every {@link #period()}: a tenth of the timeout, between 10 ms and 1 s.
   *
   * @param timeout how long a body may take to arrive in full; positive
   */
  public BodyDeadlines(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.period = Duration.ofMillis(Math.max(10, Math.min(1000, timeout.toMillis() / 10)));
    // A request noted after sweep k has been reading for at least n - 1 periods at sweep k + n,
    // so n - 1 whole periods must cover the timeout.
    this.sweepsToExpire = ceilDiv(timeout.toNanos(), period.toNanos()) + 1;
  }

  /** How often {@link #sweep} must run. */
  public Duration period() {
    return period;
  }

  /** Notes {@code request}, just received, if its body is still to come. */
  public void watch(HttpServerRequest request) {
    if (request.isEnded()) {
      return;
    }
    HttpConnection connection = request.connection();
    Slot slot = slots.get(connection);
    if (slot == null) {
      slot = new Slot();
      slots.put(connection, slot);
    }
    // HTTP/1.1 reads one request's body before the next request's headers: one slot per connection.
    slot.request = request;
    slot.since = sweeps;
  }

  /** Forgets requests that have ended, and closes the connections of those reading past the timeout. */
  public void sweep() {
    sweeps++;
    for (Iterator<Map.Entry<HttpConnection, Slot>> entries = slots.entrySet().iterator(); entries.hasNext(); ) {
      Map.Entry<HttpConnection, Slot> entry = entries.next();
      HttpConnection connection = entry.getKey();
      Slot slot = entry.getValue();
      if (slot.request.isEnded()) {
        entries.remove();
      } else if (sweeps - slot.since >= sweepsToExpire) {
        entries.remove();
        connection.close();
      }
    }
  }

  /** Connections with a request noted since the last sweep or still reading its body. */
  int watched() {
    return slots.size();
  }

  private static long ceilDiv(long dividend, long divisor) {
    return (dividend + divisor - 1) / divisor;
  }

  /** The latest request noted on one connection, and the sweep count when it was. */
  private static final class Slot {
    private HttpServerRequest request;
    private long since;
  }
}
