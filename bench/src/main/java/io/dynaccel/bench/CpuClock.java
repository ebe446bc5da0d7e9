package io.dynaccel.bench;

import java.time.Duration;

/** The CPU time a server has used so far, read at the start and the end of a measured interval. */
@FunctionalInterface
interface CpuClock {

  /** User plus system CPU time of every thread, since the server started. */
  Duration total();
}
