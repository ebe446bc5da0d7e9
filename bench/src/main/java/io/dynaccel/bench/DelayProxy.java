package io.dynaccel.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port that holds every chunk of bytes for a fixed delay in each
 * direction, so that an upstream on this machine is a network's latency away. It knows nothing of
 * HTTP: each accepted connection gets one connection of its own to the target, bytes pass through
 * unchanged and in order, and a close on either side reaches the other side after the bytes sent
 * before it, like a FIN.
 *
 * <p>Backpressure is kept: a side stops being read while the other side's write queue is full or
 * while too many of its bytes are held.
 *
 * <p>Each connection and its partner live on one event loop, so their state needs no locks. Their
 * timers are not the event loop's, though: Vert.x's fire on the loop's selector, whose timeout is whole
 * milliseconds, so a 1 ms hold came out at 1-2 ms, about 1.7 ms each way, and a call's few extra
 * microseconds could cost it a whole millisecond more. A thread of the proxy's own sleeps until each
 * chunk is due and hands the delivery back to the event loop.
 */
final class DelayProxy implements AutoCloseable {

  // A bound on bytes held per direction, far above what 1 ms of a benchmark's traffic holds.
  private static final int MAX_HELD_BYTES = 4 << 20;

  private final Vertx vertx;
  private final ScheduledExecutorService timers;
  private final NetServer server;
  private final Duration delay;

  private DelayProxy(Vertx vertx, ScheduledExecutorService timers, NetServer server, Duration delay) {
    this.vertx = vertx;
    this.timers = timers;
    this.server = server;
    this.delay = delay;
  }

  /**
   * Starts a proxy on a free loopback port.
   *
   * @param target where connections go, e.g. dynalite's endpoint (only its host and port count)
   * @param delay how long each chunk is held, on the way to the target and again on the way back
   */
  static DelayProxy start(URI target, Duration delay) {
    Vertx vertx = Vertx.vertx();
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "delay-proxy-timer");
      thread.setDaemon(true);
      return thread;
    });
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    long delayNanos = delay.toNanos();
    server.connectHandler(inbound -> {
      // Nothing may be read before there is somewhere to send it.
      inbound.pause();
      client.connect(target.getPort(), target.getHost()).onComplete(connected -> {
        if (connected.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = connected.result();
        Context context = vertx.getOrCreateContext();
        HeldDirection toTarget = new HeldDirection(context, timers, inbound, outbound, delayNanos);
        HeldDirection toCaller = new HeldDirection(context, timers, outbound, inbound, delayNanos);
        toTarget.opposite = toCaller;
        toCaller.opposite = toTarget;
        toTarget.start();
        toCaller.start();
      });
    });
    LoadGenerator.await(server.listen());
    return new DelayProxy(vertx, timers, server, delay);
  }

  /** The proxy's endpoint: use it in place of the target's. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** The hold each way. */
  Duration delay() {
    return delay;
  }

  /** For the printed set-up. */
  String describe() {
    return String.format(Locale.ROOT, "a TCP proxy holding every chunk %.1f ms each way", delay.toNanos() / 1e6);
  }

  @Override
  public void close() {
    LoadGenerator.await(vertx.close());
    timers.shutdownNow();
  }

  /** One direction of a proxied connection: the chunks read from {@code source}, each written to {@code sink} once its delay has passed. */
  private static final class HeldDirection {

    private final Context context;
    private final ScheduledExecutorService timers;
    private final NetSocket source;
    private final NetSocket sink;
    private final long delayNanos;
    // Every chunk is held equally long, so the queue is in order of its due times too.
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private HeldDirection opposite;
    private long heldBytes;
    private boolean timerSet;
    private boolean sourceEnded;
    private boolean sinkClosed;
    private boolean paused;

    HeldDirection(Context context, ScheduledExecutorService timers, NetSocket source, NetSocket sink, long delayNanos) {
      this.context = context;
      this.timers = timers;
      this.source = source;
      this.sink = sink;
      this.delayNanos = delayNanos;
    }

    void start() {
      source.handler(this::received);
      source.closeHandler(v -> sourceClosed());
      source.exceptionHandler(failure -> source.close());
      source.resume();
    }

    private void received(Buffer chunk) {
      held.add(new Held(System.nanoTime() + delayNanos, chunk));
      heldBytes += chunk.length();
      if (heldBytes > MAX_HELD_BYTES) {
        pauseSource();
      }
      deliverDue();
    }

    /** The source is gone: what it sent still goes on, then the sink is closed; nothing more can reach the source. */
    private void sourceClosed() {
      if (sourceEnded) {
        return;
      }
      sourceEnded = true;
      held.add(new Held(System.nanoTime() + delayNanos, null));
      opposite.sinkGone();
      deliverDue();
    }

    private void sinkGone() {
      sinkClosed = true;
      held.clear();
      heldBytes = 0;
    }

    private void deliverDue() {
      long now = System.nanoTime();
      while (!held.isEmpty() && held.peek().dueNanos() - now <= 0) {
        Held next = held.poll();
        if (sinkClosed) {
          continue;
        }
        if (next.chunk() == null) {
          sinkClosed = true;
          sink.close();
          continue;
        }
        heldBytes -= next.chunk().length();
        sink.write(next.chunk());
      }
      if (paused && heldBytes <= MAX_HELD_BYTES / 2) {
        if (sink.writeQueueFull()) {
          sink.drainHandler(v -> resumeSource());
        } else {
          resumeSource();
        }
      } else if (!paused && sink.writeQueueFull() && !sinkClosed) {
        pauseSource();
        sink.drainHandler(v -> resumeSource());
      }
      if (!held.isEmpty() && !timerSet) {
        timerSet = true;
        long wait = Math.max(1, held.peek().dueNanos() - now);
        timers.schedule(() -> context.runOnContext(fired -> {
          timerSet = false;
          deliverDue();
        }), wait, TimeUnit.NANOSECONDS);
      }
    }

    private void pauseSource() {
      if (!paused && !sourceEnded) {
        paused = true;
        source.pause();
      }
    }

    private void resumeSource() {
      if (paused) {
        paused = false;
        source.resume();
      }
    }
  }

  /** A chunk and when it may be sent on; a null chunk stands for the source's close. */
  private record Held(long dueNanos, Buffer chunk) {}
}
