package io.dynaccel.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.limits.ConnectionLimits.Refusal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void acquire_whenClientAtItsCap_refusesItButAdmitsOthers() {
    ConnectionLimits limits = new ConnectionLimits(100, 2, registry);

    assertThat(limits.acquire("127.0.0.2")).isNull();
    assertThat(limits.acquire("127.0.0.2")).isNull();
    assertThat(limits.acquire("127.0.0.2")).isEqualTo(Refusal.MAX_CONNECTIONS_PER_CLIENT);
    assertThat(limits.acquire("127.0.0.1")).isNull();

    assertThat(limits.open()).isEqualTo(3);
    assertThat(limits.openFrom("127.0.0.2")).isEqualTo(2);
    assertThat(refused("max_connections_per_client")).isEqualTo(1);
    assertThat(registry.get("dynaccel.connections.open").gauge().value()).isEqualTo(3);
  }

  @Test
  void acquire_whenTotalCapReached_refusesEveryClient() {
    ConnectionLimits limits = new ConnectionLimits(2, 10, registry);

    assertThat(limits.acquire("a")).isNull();
    assertThat(limits.acquire("b")).isNull();
    assertThat(limits.acquire("c")).isEqualTo(Refusal.MAX_CONNECTIONS);

    assertThat(limits.open()).isEqualTo(2);
    assertThat(limits.openFrom("c")).isZero();
    assertThat(refused("max_connections")).isEqualTo(1);
  }

  @Test
  void release_whenConnectionsClose_freesTheirPlacesAndForgetsTheClient() {
    ConnectionLimits limits = new ConnectionLimits(2, 1, registry);
    assertThat(limits.acquire("a")).isNull();
    assertThat(limits.acquire("a")).isEqualTo(Refusal.MAX_CONNECTIONS_PER_CLIENT);

    limits.release("a");

    assertThat(limits.open()).isZero();
    assertThat(limits.openFrom("a")).isZero();
    assertThat(limits.acquire("a")).isNull();
  }

  private double refused(String reason) {
    return registry.get("dynaccel.connections.refused").tag("reason", reason).counter().count();
  }
}
