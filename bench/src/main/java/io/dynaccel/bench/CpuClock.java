package io.dynaccel.bench;

import java.time.Duration;

/** The CPU time a server has used so far, read at the start and the end of a measured interval. */
@FunctionalInterface
interface CpuClock {

  /** User plus system CPU time of every thread, since the server started. */
  Duration total();

  /**
   * The part of {@link #total} the JVM's JIT compiler threads used, or null where it cannot be told
   * apart: a warm-up cost that a short row would otherwise charge to its few requests.
   */
  default Duration compilation() {
    return null;
  }
}
