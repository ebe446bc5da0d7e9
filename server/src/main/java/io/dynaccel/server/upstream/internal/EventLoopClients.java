package io.dynaccel.server.upstream.internal;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP clients to DynamoDB: one for each event loop that makes calls, and one shared by every other
 * thread.
 *
 * <p>A call made on an event loop goes out over a connection that loop opened, so its request is
 * written and its answer read on the thread that made the call. A single client shared by all loops
 * hands a call whichever connection is free, opened by any loop; each such call then crosses threads
 * twice, to have the other loop write it and to bring its answer back, and each crossing wakes a
 * sleeping loop. The pool size is divided among the clients, at least one connection each, so the
 * total stays near the configured one.
 */
public final class EventLoopClients implements AutoCloseable {

  private final Vertx vertx;
  private final HttpClientOptions options;
  private final int connectionsPerClient;
  private final HttpClientAgent shared;
  private final Map<Thread, HttpClientAgent> byEventLoop = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param options the clients' options
   * @param maxConnections the pool size of them all together
   * @param eventLoops how many event loops share the pool, each with a client of its own
   */
  public EventLoopClients(Vertx vertx, HttpClientOptions options, int maxConnections, int eventLoops) {
    this.vertx = vertx;
    this.options = new HttpClientOptions(options);
    this.connectionsPerClient = Math.max(1, maxConnections / eventLoops);
    this.shared = build();
  }

  /** The client for a call made on this thread: this event loop's own, or the shared one off an event loop. */
  public HttpClientAgent current() {
    if (closed || !Context.isOnEventLoopThread()) {
      return shared;
    }
    // get first: computeIfAbsent locks the key's bin when another loop's entry shares it, on every call.
    HttpClientAgent client = byEventLoop.get(Thread.currentThread());
    return client != null ? client : byEventLoop.computeIfAbsent(Thread.currentThread(), loop -> build());
  }

  /** How many connections each client may open. */
  public int connectionsPerClient() {
    return connectionsPerClient;
  }

  private HttpClientAgent build() {
    return vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(connectionsPerClient)).build();
  }

  @Override
  public void close() {
    closed = true;
    shared.close();
    byEventLoop.values().forEach(HttpClientAgent::close);
  }
}
