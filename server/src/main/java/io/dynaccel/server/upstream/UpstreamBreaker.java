package io.dynaccel.server.upstream;

import io.dynaccel.config.BreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker in front of DynamoDB: after {@code failureThreshold} consecutive failed calls
 * it opens, and every call fails at once with a DynamoDB-shaped 503 instead of waiting out the
 * upstream timeout; after {@code resetTimeout} it lets one call through (half-open), whose success
 * closes it and whose failure opens it again.
 *
 * <p>"Consecutive" means without a success in between, within one minute. A failure is a transport failure, a timeout or a 5xx answer; a 4xx answer (validation,
 * condition failed, throttling) is DynamoDB working as it should and counts as a success. Every
 * HTTP answer, whatever its status, is also reported to the {@code answered} listener: it proves
 * DynamoDB is reachable, which is what readiness asks.
 *
 * <p>Decision: {@code io.vertx:vertx-circuit-breaker} rather than resilience4j. It composes with
 * Vert.x futures on the calling event loop: a call runs on the context that made it, and the
 * half-open transition is a timer of the same Vert.x instance, so the breaker adds no thread, no
 * scheduler and no blocking; resilience4j's time limits and async decorators want a
 * {@code ScheduledExecutorService} and {@code CompletionStage}s of their own. Its price is one task
 * on the caller's event loop per upstream call (it completes each call through
 * {@code runOnContext}): misses pay it, cache hits never reach the breaker. Its own timeout and
 * event-bus notifications are switched off: {@link UpstreamClient} already bounds every call, and
 * the meters here replace the notifications. Its clock (wall time for counting failures, Vert.x
 * timers for the reset) cannot be injected, so its tests use a short reset timeout.
 */
public final class UpstreamBreaker {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamBreaker.class);
  private static final long FAILURE_WINDOW_MILLIS = 60_000;

  /** The breaker's states, with the value of the {@code dynaccel_upstream_circuit_state} gauge. */
  public enum State {
    /** Calls go to DynamoDB. */
    CLOSED(0),
    /** One call goes to DynamoDB; the others fail fast until it has answered. */
    HALF_OPEN(1),
    /** Calls fail fast. */
    OPEN(2);

    private final int gaugeValue;

    State(int gaugeValue) {
      this.gaugeValue = gaugeValue;
    }

    /** The value the state gauge shows for this state. */
    public int gaugeValue() {
      return gaugeValue;
    }
  }

  private final CircuitBreaker breaker;
  private final Runnable answered;
  private final String rule;
  private final Map<State, Counter> transitions = new EnumMap<>(State.class);
  private volatile State state = State.CLOSED;

  private UpstreamBreaker(CircuitBreaker breaker, Runnable answered, String rule) {
    this.breaker = breaker;
    this.answered = answered;
    this.rule = rule;
  }

  /**
   * Creates the breaker, with its meters on {@code registry} from the start.
   *
   * @param answered told of every HTTP answer from DynamoDB, on the thread that received it
   */
  public static UpstreamBreaker create(Vertx vertx, BreakerConfig config, MeterRegistry registry, Runnable answered) {
    CircuitBreaker circuit = null;
    if (config.enabled()) {
      CircuitBreakerOptions options = new CircuitBreakerOptions()
          .setMaxFailures(config.failureThreshold())
          .setResetTimeout(config.resetTimeout().toMillis())
          .setTimeout(-1)
          .setMaxRetries(0)
          // Failures are counted over this window, and any success starts the count again.
          .setFailuresRollingWindow(FAILURE_WINDOW_MILLIS)
          .setNotificationAddress(null);
      circuit = CircuitBreaker.create("dynamodb", vertx, options);
    }
    String rule = config.failureThreshold() + " consecutive failed calls; one call is let through every "
        + config.resetTimeout().toMillis() + " ms";
    UpstreamBreaker upstreamBreaker = new UpstreamBreaker(circuit, answered, rule);
    upstreamBreaker.register(registry);
    if (circuit != null) {
      circuit.openHandler(v -> upstreamBreaker.changed(State.OPEN))
          .halfOpenHandler(v -> upstreamBreaker.changed(State.HALF_OPEN))
          .closeHandler(v -> upstreamBreaker.changed(State.CLOSED));
    }
    return upstreamBreaker;
  }

  /** A breaker that never opens and reports answers to no one, for clients built without one. */
  public static UpstreamBreaker none() {
    return new UpstreamBreaker(null, () -> { }, "disabled");
  }

  private void register(MeterRegistry registry) {
    Gauge.builder("dynaccel.upstream.circuit.state", this, b -> b.state.gaugeValue())
        .description("The circuit breaker in front of DynamoDB: 0 closed, 1 half-open (one call let through), 2 open (calls fail fast)")
        .register(registry);
    for (State to : State.values()) {
      transitions.put(to, Counter.builder("dynaccel.upstream.circuit.transitions")
          .tag("to", to.name().toLowerCase(Locale.ROOT))
          .description("Changes of the circuit breaker's state, by the state entered")
          .register(registry));
    }
  }

  /** The current state. */
  public State state() {
    return state;
  }

  private void changed(State to) {
    State from = state;
    state = to;
    Counter counter = transitions.get(to);
    if (counter != null) {
      counter.increment();
    }
    switch (to) {
      case OPEN -> LOG.warn("Upstream circuit breaker {} -> OPEN: DynamoDB calls fail fast with 503 (opens after {})",
          from, rule);
      case HALF_OPEN -> LOG.info("Upstream circuit breaker OPEN -> HALF_OPEN: letting one call through to DynamoDB");
      case CLOSED -> LOG.info("Upstream circuit breaker {} -> CLOSED: DynamoDB answered again", from);
    }
  }

  /**
   * Runs one upstream call through the breaker.
   *
   * @param call sends the call; its future fails with {@link UpstreamFailure} when no answer came
   * @return the call's answer, 5xx included; or its failure; or, while the breaker is open, an
   *     {@link UpstreamFailure} saying the call was never sent
   */
  Future<UpstreamResponse> call(Supplier<Future<UpstreamResponse>> call, String endpoint) {
    if (breaker == null) {
      return call.get().andThen(result -> {
        if (result.succeeded()) {
          answered.run();
        }
      });
    }
    return breaker.<UpstreamResponse>execute(() -> call.get().compose(response -> {
      answered.run();
      // A 5xx travels through the breaker as a failure, so that it counts; it is unwrapped below.
      return response.statusCode() >= 500 ? Future.failedFuture(new ServerErrorAnswer(response)) : Future.succeededFuture(response);
    })).recover(failure -> {
      if (failure instanceof ServerErrorAnswer answer) {
        return Future.succeededFuture(answer.response);
      }
      if (failure instanceof OpenCircuitException) {
        return Future.failedFuture(UpstreamFailure.failedFast("DynamoDB at " + endpoint
            + " is not being called: the circuit breaker is open after repeated failures (" + rule + ")"));
      }
      return Future.failedFuture(failure);
    });
  }

  /** A 5xx answer carried through the breaker as a failure. */
  private static final class ServerErrorAnswer extends RuntimeException {
    final transient UpstreamResponse response;

    ServerErrorAnswer(UpstreamResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }
}
