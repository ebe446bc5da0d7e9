package io.dynaccel.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynaccel.config.BreakerConfig;
import io.dynaccel.server.upstream.UpstreamBreaker.State;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The breaker wrapper over a real Vert.x instance: the library's failure count and reset timer run
 * on Vert.x's own clock, which cannot be injected, so the reset timeout here is short and the
 * half-open transition is awaited.
 */
class UpstreamBreakerTest {

  private static final int THRESHOLD = 3;
  private static final String ENDPOINT = "http://127.0.0.1:1";

  private final Vertx vertx = Vertx.vertx();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger answers = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private UpstreamBreaker breaker(Duration resetTimeout) {
    return UpstreamBreaker.create(vertx, new BreakerConfig(true, THRESHOLD, resetTimeout), registry, answers::incrementAndGet);
  }

  private Supplier<Future<UpstreamResponse>> refused() {
    return () -> {
      sent.incrementAndGet();
      return Future.failedFuture(new UpstreamFailure("DynamoDB is unreachable", false, null));
    };
  }

  private Supplier<Future<UpstreamResponse>> answering(int status) {
    return () -> {
      sent.incrementAndGet();
      return Future.succeededFuture(new UpstreamResponse(status, Buffer.buffer("{}"), null));
    };
  }

  private static <T> T resultOf(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> future) {
    try {
      resultOf(future);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the call succeeded");
  }

  private double gauge() {
    return registry.get("dynaccel.upstream.circuit.state").gauge().value();
  }

  private double transitions(String to) {
    return registry.get("dynaccel.upstream.circuit.transitions").tag("to", to).counter().count();
  }

  @Test
  void create_whenStarted_registersMetersAtZero() {
    breaker(Duration.ofSeconds(10));

    assertThat(gauge()).isZero();
    assertThat(transitions("open")).isZero();
    assertThat(transitions("half_open")).isZero();
    assertThat(transitions("closed")).isZero();
  }

  @Test
  void call_whenTransportFailuresReachThreshold_opensAndFailsFastWithoutSending() throws Exception {
    UpstreamBreaker breaker = breaker(Duration.ofSeconds(10));
    for (int i = 0; i < THRESHOLD; i++) {
      assertThat(failureOf(breaker.call(refused(), ENDPOINT))).isInstanceOf(UpstreamFailure.class)
          .extracting(f -> ((UpstreamFailure) f).failedFast()).isEqualTo(false);
    }

    Throwable fast = failureOf(breaker.call(refused(), ENDPOINT));

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(sent).hasValue(THRESHOLD);
    assertThat(fast).isInstanceOf(UpstreamFailure.class);
    UpstreamFailure failure = (UpstreamFailure) fast;
    assertThat(failure.failedFast()).isTrue();
    assertThat(failure.mayHaveArrived()).isFalse();
    assertThat(failure.toClientError().statusCode()).isEqualTo(503);
    assertThat(failure.toClientError().type()).isEqualTo("com.amazon.coral.service#ServiceUnavailableException");
    assertThat(failure.getMessage()).contains(ENDPOINT).contains("circuit breaker is open");
    assertThat(gauge()).isEqualTo(2);
    assertThat(transitions("open")).isEqualTo(1);
  }

  @Test
  void call_when5xxAnswers_countAsFailuresAndAreStillReturned() throws Exception {
    UpstreamBreaker breaker = breaker(Duration.ofSeconds(10));
    for (int i = 0; i < THRESHOLD; i++) {
      assertThat(resultOf(breaker.call(answering(500), ENDPOINT)).statusCode()).isEqualTo(500);
    }

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(answers).hasValue(THRESHOLD);
  }

  @Test
  void call_when4xxAnswers_neverOpen() throws Exception {
    UpstreamBreaker breaker = breaker(Duration.ofSeconds(10));
    for (int i = 0; i < THRESHOLD * 3; i++) {
      assertThat(resultOf(breaker.call(answering(400), ENDPOINT)).statusCode()).isEqualTo(400);
    }

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(answers).hasValue(THRESHOLD * 3);
    assertThat(gauge()).isZero();
  }

  @Test
  void call_whenSuccessBetweenFailures_startsTheCountAgain() throws Exception {
    UpstreamBreaker breaker = breaker(Duration.ofSeconds(10));
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < THRESHOLD - 1; i++) {
        failureOf(breaker.call(refused(), ENDPOINT));
      }
      resultOf(breaker.call(answering(200), ENDPOINT));
    }

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void call_whenResetTimeoutPassed_letsOneCallThroughAndItsSuccessCloses() throws Exception {
    UpstreamBreaker breaker = breaker(Duration.ofMillis(100));
    for (int i = 0; i < THRESHOLD; i++) {
      failureOf(breaker.call(refused(), ENDPOINT));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == State.HALF_OPEN);
    assertThat(gauge()).isEqualTo(1);

    Promise<UpstreamResponse> trial = Promise.promise();
    Future<UpstreamResponse> first = breaker.call(() -> trial.future(), ENDPOINT);
    Throwable second = failureOf(breaker.call(answering(200), ENDPOINT));
    trial.complete(new UpstreamResponse(200, Buffer.buffer("{}"), null));

    assertThat(resultOf(first).statusCode()).isEqualTo(200);
    assertThat(((UpstreamFailure) second).failedFast()).isTrue();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(gauge()).isZero();
    assertThat(transitions("open")).isEqualTo(1);
    assertThat(transitions("half_open")).isEqualTo(1);
    assertThat(transitions("closed")).isEqualTo(1);
    assertThat(resultOf(breaker.call(answering(200), ENDPOINT)).statusCode()).isEqualTo(200);
  }

  @Test
  void call_whenHalfOpenCallFails_opensAgain() throws Exception {
    UpstreamBreaker breaker = breaker(Duration.ofMillis(100));
    for (int i = 0; i < THRESHOLD; i++) {
      failureOf(breaker.call(refused(), ENDPOINT));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == State.HALF_OPEN);

    failureOf(breaker.call(refused(), ENDPOINT));

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(transitions("open")).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == State.HALF_OPEN);
  }

  @Test
  void call_whenDisabled_neverOpensAndStillReportsAnswers() throws Exception {
    UpstreamBreaker breaker = UpstreamBreaker.create(vertx, new BreakerConfig(false, 1, Duration.ofSeconds(1)), registry,
        answers::incrementAndGet);
    for (int i = 0; i < 5; i++) {
      failureOf(breaker.call(refused(), ENDPOINT));
    }
    resultOf(breaker.call(answering(503), ENDPOINT));

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(sent).hasValue(6);
    assertThat(answers).hasValue(1);
    assertThat(gauge()).isZero();
  }

  @Test
  void none_whenCalled_passesFailuresThrough() {
    assertThatThrownBy(() -> resultOf(UpstreamBreaker.none().call(refused(), ENDPOINT)))
        .hasCauseInstanceOf(UpstreamFailure.class);
  }
}
