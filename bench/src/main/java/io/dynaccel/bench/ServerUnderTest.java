package io.dynaccel.bench;

import java.net.URI;

/**
 * A server a benchmark row measures.
 *
 * @param name what the row calls it: {@code accelerator}, {@code baseline server}, {@code bare forwarder}, {@code upstream direct}
 * @param endpoint where the load goes
 * @param cpu the CPU clock of the process that answers, or null where that process is the load generator's own
 */
record ServerUnderTest(String name, URI endpoint, CpuClock cpu) {}
