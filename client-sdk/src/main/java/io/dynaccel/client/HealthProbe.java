package io.dynaccel.client;

import java.net.URI;

/** Asks a node whether it is ready; a fake in tests, {@link HttpHealthProbe} otherwise. */
@FunctionalInterface
interface HealthProbe {

  /** Whether the node at {@code endpoint} answered ready; false on any failure, never throws. */
  boolean isHealthy(URI endpoint);
}
