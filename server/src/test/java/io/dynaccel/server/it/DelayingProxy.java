package io.dynaccel.server.it;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port in front of an upstream (the DynamoDB emulator) that delays
 * the bytes of every connection by a random time per chunk, independently per connection. Answers to
 * concurrent requests therefore come back in shuffled order, which is what exposes the fill/write
 * race: a fill that read v1 may arrive after a write of v2 was acknowledged.
 *
 * <p>Within one connection the byte order is kept (each chunk is released no earlier than the one
 * before it). Each direction holds at most {@link #MAX_PENDING_BYTES} per connection; beyond that the
 * source is paused until the backlog drains. {@link #holdResponses()} stops every answer from
 * reaching the accelerator until {@link #releaseResponses()}, so that upstream requests time out
 * after DynamoDB applied them. {@link #holdResponsesTo(String)} holds only the answers to calls of one
 * operation, so that writes are acknowledged while a read's answer waits.
 */
final class DelayingProxy implements AutoCloseable {

  static final int MAX_PENDING_BYTES = 1 << 20;

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong responseChunks = new AtomicLong();
  private volatile int maxResponseDelayMillis;
  private volatile int maxRequestDelayMillis;
  private volatile boolean holding;
  /** The {@code X-Amz-Target} line of the calls whose answers are held, or null. */
  private volatile String heldTarget;

  private DelayingProxy(Vertx vertx, NetServer server, NetClient client) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
  }

  /**
   * Starts a proxy on a free loopback port.
   *
   * @param upstream the emulator's endpoint; only its loopback host and port are used
   * @param maxRequestDelay upper bound of the random delay of bytes towards the upstream
   * @param maxResponseDelay upper bound of the random delay of bytes back from the upstream
   */
  static DelayingProxy start(URI upstream, Duration maxRequestDelay, Duration maxResponseDelay) throws Exception {
    String host = upstream.getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalArgumentException("DelayingProxy only forwards to loopback, not " + upstream);
    }
    Vertx vertx = Vertx.vertx();
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true));
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    DelayingProxy proxy = new DelayingProxy(vertx, server, client);
    proxy.maxRequestDelayMillis = (int) maxRequestDelay.toMillis();
    proxy.maxResponseDelayMillis = (int) maxResponseDelay.toMillis();
    server.connectHandler(socket -> proxy.accept(socket, "127.0.0.1", upstream.getPort()));
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    return proxy;
  }

  /** The proxy's endpoint, to configure as the accelerator's upstream. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** Connections accepted so far. */
  long acceptedConnections() {
    return accepted.get();
  }

  /** Chunks received from the upstream so far (held or not). */
  long responseChunks() {
    return responseChunks.get();
  }

  /** Sets the random delays; zero forwards at once. */
  void delays(Duration maxRequestDelay, Duration maxResponseDelay) {
    this.maxRequestDelayMillis = (int) maxRequestDelay.toMillis();
    this.maxResponseDelayMillis = (int) maxResponseDelay.toMillis();
  }

  /** Keeps every byte coming back from the upstream in the proxy until {@link #releaseResponses()}. */
  void holdResponses() {
    holding = true;
  }

  /**
   * Keeps the answers to calls of {@code operation} (by their {@code X-Amz-Target}) in the proxy until
   * {@link #releaseResponses()}; answers to other calls pass.
   */
  void holdResponsesTo(String operation) {
    heldTarget = "DynamoDB_20120810." + operation + "\r\n";
  }

  /** Lets held answers go (to connections that are still open) and stops holding. */
  void releaseResponses() {
    holding = false;
    heldTarget = null;
    for (Connection connection : connections) {
      connection.context.runOnContext(v -> {
        connection.toClient.heldCall = false;
        connection.toClient.pump();
      });
    }
  }

  private void accept(NetSocket front, String host, int port) {
    accepted.incrementAndGet();
    front.pause();
    Context context = vertx.getOrCreateContext();
    client.connect(port, host).onComplete(result -> {
      if (result.failed()) {
        front.close();
        return;
      }
      NetSocket back = result.result();
      Connection connection = new Connection(context, front, back);
      connections.add(connection);
      front.resume();
    });
  }

  @Override
  public void close() throws Exception {
    holding = false;
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** One proxied connection: the accelerator's socket and ours to the upstream. */
  private final class Connection {
    final Context context;
    final Lane toUpstream;
    final Lane toClient;

    Connection(Context context, NetSocket front, NetSocket back) {
      this.context = context;
      this.toUpstream = new Lane(context, front, back, false);
      this.toClient = new Lane(context, back, front, true);
      toUpstream.answers = toClient;
      Runnable closeBoth = () -> {
        connections.remove(this);
        front.close();
        back.close();
      };
      front.closeHandler(v -> closeBoth.run());
      back.closeHandler(v -> {
        // Deliver what the upstream sent before it closed, unless held (then it is lost, like a reset).
        if (toClient.pending.isEmpty() || holding) {
          closeBoth.run();
        } else {
          toClient.closeWhenDrained = closeBoth;
        }
      });
      front.exceptionHandler(e -> closeBoth.run());
      back.exceptionHandler(e -> closeBoth.run());
    }
  }

  /** One direction of a connection: chunks wait for their release time, in order. */
  private final class Lane {
    final Context context;
    final NetSocket source;
    final NetSocket sink;
    final boolean response;
    final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    long pendingBytes;
    long lastRelease;
    boolean timerSet;
    boolean sourcePaused;
    Runnable closeWhenDrained;
    /** Of a response lane: the call being answered is one whose answer is held. */
    boolean heldCall;
    /** Of a request lane: the other direction, whose answer it may hold. */
    Lane answers;

    Lane(Context context, NetSocket source, NetSocket sink, boolean response) {
      this.context = context;
      this.source = source;
      this.sink = sink;
      this.response = response;
      source.handler(this::offer);
    }

    void offer(Buffer data) {
      if (response) {
        responseChunks.incrementAndGet();
      }
      String target = heldTarget;
      if (!response && target != null && data.toString(StandardCharsets.ISO_8859_1).contains(target)) {
        // The accelerator sends no call on a connection before the answer to the last one: this one's is next.
        answers.heldCall = true;
      }
      int max = response ? maxResponseDelayMillis : maxRequestDelayMillis;
      long now = System.nanoTime();
      long delay = max <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(max + 1));
      long release = Math.max(lastRelease, now + delay);
      lastRelease = release;
      pending.add(new Chunk(data, release));
      pendingBytes += data.length();
      if (pendingBytes > MAX_PENDING_BYTES && !sourcePaused) {
        sourcePaused = true;
        source.pause();
      }
      pump();
    }

    void pump() {
      if (response && (holding || heldCall)) {
        return;
      }
      long now = System.nanoTime();
      while (!pending.isEmpty()) {
        Chunk head = pending.peek();
        if (head.release - now > 0) {
          if (!timerSet) {
            timerSet = true;
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(head.release - now));
            vertx.setTimer(millis, id -> {
              timerSet = false;
              pump();
            });
          }
          return;
        }
        pending.poll();
        pendingBytes -= head.data.length();
        sink.write(head.data);
      }
      if (sourcePaused && pendingBytes < MAX_PENDING_BYTES / 2) {
        sourcePaused = false;
        source.resume();
      }
      if (closeWhenDrained != null) {
        closeWhenDrained.run();
      }
    }
  }

  private record Chunk(Buffer data, long release) {}
}
