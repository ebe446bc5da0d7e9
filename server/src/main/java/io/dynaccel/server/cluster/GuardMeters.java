package io.dynaccel.server.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of cross-node write guards, registered at 0 when the node starts.
 *
 * @param opened guards this member opened for writes other members execute
 * @param expired guards this member closed itself, as of unknown outcome, because no close came
 */
public record GuardMeters(Counter opened, Counter expired) {

  /** Registers the meters. */
  public static GuardMeters register(MeterRegistry registry) {
    return new GuardMeters(
        Counter.builder("dynaccel.cluster.guards.opened").description("Write guards opened on this member for writes executed by other members").register(registry),
        Counter.builder("dynaccel.cluster.guards.expired")
            .description("Write guards this member closed itself as of unknown outcome, their writer having never closed them").register(registry));
  }
}
