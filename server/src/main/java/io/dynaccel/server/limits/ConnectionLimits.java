package io.dynaccel.server.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the open API connections, in total and per remote IP address, across every HTTP front of a
 * node: a connection over a cap is closed as soon as it is accepted, before it can carry a request,
 * so a client that opens thousands of connections takes at most its own share and cannot starve
 * the others.
 *
 * <p>The counts change once per connection, never per request: the hit path pays nothing. A
 * connection counts from its acceptance until its close handler runs; the per-client entry is
 * removed with the client's last connection, so the map holds only clients that are connected.
 */
public final class ConnectionLimits implements Handler<HttpConnection> {

  /** Why a connection was refused, the {@code reason} tag of {@code dynaccel_connections_refused_total}. */
  public enum Refusal {
    /** {@code server.maxConnections} open connections already. */
    MAX_CONNECTIONS("max_connections"),
    /** {@code server.maxConnectionsPerClient} open connections from the same remote address already. */
    MAX_CONNECTIONS_PER_CLIENT("max_connections_per_client");

    private final String tag;

    Refusal(String tag) {
      this.tag = tag;
    }
  }

  private final int maxConnections;
  private final int maxPerClient;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentMap<String, Integer> byClient = new ConcurrentHashMap<>();
  private final Counter refusedTotal;
  private final Counter refusedPerClient;

  /**
   * Creates the limits and registers their meters.
   *
   * @param maxConnections open connections beyond which a new one is refused
   * @param maxPerClient open connections from one remote address beyond which a new one from it is refused
   * @param registry where {@code dynaccel.connections.open} and {@code dynaccel.connections.refused} are registered
   */
  public ConnectionLimits(int maxConnections, int maxPerClient, MeterRegistry registry) {
    this.maxConnections = maxConnections;
    this.maxPerClient = maxPerClient;
    Gauge.builder("dynaccel.connections.open", open, AtomicInteger::get)
        .description("Open API connections, over every HTTP front")
        .register(registry);
    this.refusedTotal = refusedCounter(registry, Refusal.MAX_CONNECTIONS);
    this.refusedPerClient = refusedCounter(registry, Refusal.MAX_CONNECTIONS_PER_CLIENT);
  }

  private static Counter refusedCounter(MeterRegistry registry, Refusal refusal) {
    return Counter.builder("dynaccel.connections.refused")
        .tag("reason", refusal.tag)
        .description("API connections closed on acceptance because a connection limit was reached")
        .register(registry);
  }

  /** Admits a newly accepted connection, or closes it at once when it is over a limit. */
  @Override
  public void handle(HttpConnection connection) {
    String client = connection.remoteAddress().hostAddress();
    Refusal refusal = acquire(client);
    if (refusal != null) {
      connection.close();
      return;
    }
    connection.closeHandler(closed -> release(client));
  }

  /**
   * Counts one more connection from {@code client} unless a limit is reached.
   *
   * @return null when admitted (the caller must {@link #release} it once closed), else the refusal, which is counted
   */
  Refusal acquire(String client) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      refusedTotal.increment();
      return Refusal.MAX_CONNECTIONS;
    }
    boolean[] admitted = {false};
    byClient.compute(client, (key, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerClient) {
        return count;
      }
      admitted[0] = true;
      return current + 1;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
      refusedPerClient.increment();
      return Refusal.MAX_CONNECTIONS_PER_CLIENT;
    }
    return null;
  }

  /** Forgets one admitted connection of {@code client}. */
  void release(String client) {
    byClient.computeIfPresent(client, (key, count) -> count == 1 ? null : count - 1);
    open.decrementAndGet();
  }

  /** Open admitted connections. */
  public int open() {
    return open.get();
  }

  /** Open admitted connections from {@code client}. */
  int openFrom(String client) {
    return byClient.getOrDefault(client, 0);
  }
}
