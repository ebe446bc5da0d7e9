package io.dynaccel.server.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.config.HealthConfig;
import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether this node is alive and whether it is ready, served at {@code /health/live},
 * {@code /health/ready} and {@code /health} (an alias of ready).
 *
 * <p>Ready means all of: DynamoDB answered within {@code health.upstreamWindow}, start-up (with
 * any write-back log replay) is done, and the node is not draining. Any HTTP answer from DynamoDB
 * counts, a 4xx included: it proves DynamoDB is reachable. Real calls count too, so a busy node
 * sends no probes; an idle one sends {@code GET /} every {@code health.probeInterval}, through the
 * same client and breaker as every call, on the event loop. While the breaker is open no call
 * reaches DynamoDB and none answers, so readiness goes down with it and comes back with the first
 * answer. Live only says that the process serves HTTP.
 */
public final class NodeHealth {

  private static final long NEVER = Long.MIN_VALUE;
  private static final byte[] LIVE = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

  private final LongSupplier nanoClock;
  private final long windowNanos;
  private final long intervalNanos;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long lastAnswerNanos = NEVER;
  private volatile boolean started;
  private volatile boolean draining;
  private volatile Supplier<Future<?>> probe;
  private long timer = -1;

  /**
   * Creates the health state: not started, not draining, no answer from DynamoDB yet.
   *
   * @param nanoClock monotonic time in nanoseconds, injected so tests control it
   */
  public NodeHealth(HealthConfig config, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.windowNanos = config.upstreamWindow().toNanos();
    this.intervalNanos = config.probeInterval().toNanos();
  }

  /** Records that DynamoDB answered a call, whatever the answer; called on every upstream answer. */
  public void upstreamAnswered() {
    lastAnswerNanos = nanoClock.getAsLong();
  }

  /** Records that start-up, including any write-back log replay, is done. */
  public void started() {
    started = true;
  }

  /** Takes the node out of readiness for good, as the first step of a shutdown; live stays up. */
  public void drain() {
    draining = true;
  }

  /**
   * Starts probing DynamoDB: at once, then every probe interval unless a call was answered within
   * it or the last probe is still out.
   *
   * @param probe sends one probe; its answer reaches {@link #upstreamAnswered} through the breaker
   */
  public void startProbing(Vertx vertx, Supplier<Future<?>> probe) {
    probeWith(probe);
    probeIfDue();
    timer = vertx.setPeriodic(Math.max(1, intervalNanos / 1_000_000), id -> probeIfDue());
  }

  /** Sets what {@link #probeIfDue} sends, without a timer: the periodic timer is Vert.x's, tests call it themselves. */
  void probeWith(Supplier<Future<?>> probe) {
    this.probe = probe;
  }

  /** Stops probing. */
  public void stopProbing(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Sends a probe unless DynamoDB answered within the probe interval or a probe is out; returns whether it sent one. */
  boolean probeIfDue() {
    long last = lastAnswerNanos;
    if (last != NEVER && nanoClock.getAsLong() - last < intervalNanos) {
      return false;
    }
    if (!probing.compareAndSet(false, true)) {
      return false;
    }
    Future<?> sent;
    try {
      sent = probe.get();
    } catch (RuntimeException e) {
      probing.set(false);
      throw e;
    }
    sent.onComplete(done -> probing.set(false));
    return true;
  }

  /** The readiness of the node now, with the conditions that fail. */
  public Readiness readiness() {
    long last = lastAnswerNanos;
    long ageNanos = last == NEVER ? -1 : nanoClock.getAsLong() - last;
    boolean upstreamUp = last != NEVER && ageNanos <= windowNanos;
    List<String> failed = new ArrayList<>(3);
    if (!started) {
      failed.add("startup");
    }
    if (draining) {
      failed.add("draining");
    }
    if (!upstreamUp) {
      failed.add("upstream");
    }
    return new Readiness(List.copyOf(failed), started, draining, ageNanos < 0 ? -1 : ageNanos / 1_000_000, windowNanos / 1_000_000);
  }

  /** Serves {@code /health/live}, {@code /health/ready} and {@code /health} on the router. */
  public void mount(Router router) {
    router.get("/health/live").handler(context -> answer(context, 200, Buffer.buffer(LIVE)));
    router.get("/health/ready").handler(this::ready);
    router.get("/health").handler(this::ready);
  }

  private void ready(RoutingContext context) {
    Readiness readiness = readiness();
    answer(context, readiness.ready() ? 200 : 503, Buffer.buffer(JsonCodec.write(readiness.toJson())));
  }

  private static void answer(RoutingContext context, int status, Buffer body) {
    context.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body);
  }

  /**
   * One reading of readiness.
   *
   * @param failed the conditions that fail: {@code startup}, {@code draining}, {@code upstream}; empty when ready
   * @param started whether start-up is done
   * @param draining whether the node is draining
   * @param lastAnswerMillisAgo how long ago DynamoDB last answered, or -1 if it never has
   * @param windowMillis how recent that answer must be
   */
  public record Readiness(List<String> failed, boolean started, boolean draining, long lastAnswerMillisAgo, long windowMillis) {

    /** Whether every condition holds. */
    public boolean ready() {
      return failed.isEmpty();
    }

    ObjectNode toJson() {
      ObjectNode json = JsonCodec.object().put("status", ready() ? "UP" : "DOWN");
      if (!ready()) {
        ArrayNode list = json.putArray("failed");
        failed.forEach(list::add);
      }
      json.put("started", started).put("draining", draining);
      ObjectNode upstream = json.putObject("upstream").put("status", failed.contains("upstream") ? "DOWN" : "UP");
      if (lastAnswerMillisAgo < 0) {
        upstream.putNull("lastAnswerMillisAgo");
      } else {
        upstream.put("lastAnswerMillisAgo", lastAnswerMillisAgo);
      }
      upstream.put("windowMillis", windowMillis);
      return json;
    }
  }
}
