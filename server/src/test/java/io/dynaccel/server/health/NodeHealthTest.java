package io.dynaccel.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.config.HealthConfig;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NodeHealthTest {

  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration WINDOW = Duration.ofSeconds(3);

  private final AtomicLong now = new AtomicLong(7_000_000_000L);
  private final NodeHealth health = new NodeHealth(new HealthConfig(INTERVAL, WINDOW), now::get);
  private final List<Promise<Void>> probes = new ArrayList<>();

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  /** The periodic timer is Vert.x's; these tests call probeIfDue themselves, as the timer would. */
  private boolean probe() {
    return health.probeIfDue();
  }

  private void withProbe() {
    health.probeWith(() -> {
      Promise<Void> promise = Promise.promise();
      probes.add(promise);
      return promise.future();
    });
  }

  @Test
  void readiness_whenNothingHappenedYet_isDownForStartupAndUpstream() {
    NodeHealth.Readiness readiness = health.readiness();

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.failed()).containsExactly("startup", "upstream");
    assertThat(readiness.lastAnswerMillisAgo()).isEqualTo(-1);
  }

  @Test
  void readiness_whenStartedAndUpstreamAnsweredWithinWindow_isUp() {
    health.started();
    health.upstreamAnswered();
    advance(WINDOW);

    assertThat(health.readiness().ready()).isTrue();
    assertThat(health.readiness().lastAnswerMillisAgo()).isEqualTo(WINDOW.toMillis());
  }

  @Test
  void readiness_whenLastAnswerOlderThanWindow_isDownForUpstreamAndBackAtTheNextAnswer() {
    health.started();
    health.upstreamAnswered();
    advance(WINDOW.plusNanos(1));

    assertThat(health.readiness().failed()).containsExactly("upstream");
    health.upstreamAnswered();
    assertThat(health.readiness().ready()).isTrue();
  }

  @Test
  void drain_whenCalled_takesReadinessDownForGood() {
    health.started();
    health.upstreamAnswered();

    health.drain();
    health.upstreamAnswered();

    assertThat(health.readiness().failed()).containsExactly("draining");
    assertThat(health.readiness().draining()).isTrue();
  }

  @Test
  void probeIfDue_whenNoAnswerYet_sendsAProbe() {
    withProbe();

    assertThat(probe()).isTrue();
    assertThat(probes).hasSize(1);
  }

  @Test
  void probeIfDue_whenACallWasAnsweredWithinTheInterval_sendsNone() {
    withProbe();
    health.upstreamAnswered();
    advance(INTERVAL.minusMillis(1));

    assertThat(probe()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(probe()).isTrue();
  }

  @Test
  void probeIfDue_whenTheLastProbeIsStillOut_sendsNoSecond() {
    withProbe();
    assertThat(probe()).isTrue();
    advance(INTERVAL.multipliedBy(5));

    assertThat(probe()).isFalse();
    probes.get(0).fail("connection refused");
    assertThat(probe()).isTrue();
    assertThat(probes).hasSize(2);
  }
}
