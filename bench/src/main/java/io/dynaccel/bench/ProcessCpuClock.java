package io.dynaccel.bench;

import java.time.Duration;

/**
 * The CPU time of one operating-system process, the server under test, from {@link ProcessHandle}: on
 * Linux that is utime plus stime of {@code /proc/<pid>/stat}, in clock ticks (10 ms at the usual
 * {@code CLK_TCK} of 100). Over a measured interval of seconds on a busy server the tick is well under
 * 1% of the difference, so the figure per request needs no finer clock.
 */
final class ProcessCpuClock implements CpuClock {

  private final ProcessHandle process;

  private ProcessCpuClock(ProcessHandle process) {
    this.process = process;
  }

  /** The clock of the process with this id; fails if there is no such process. */
  static ProcessCpuClock of(long pid) {
    return new ProcessCpuClock(ProcessHandle.of(pid).orElseThrow(() -> new IllegalArgumentException("no process " + pid)));
  }

  /** The clock of the JVM this runs in. */
  static ProcessCpuClock current() {
    return new ProcessCpuClock(ProcessHandle.current());
  }

  /** The process id, for the printed set-up. */
  long pid() {
    return process.pid();
  }

  @Override
  public Duration total() {
    return process.info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the CPU time of process " + process.pid() + " cannot be read"));
  }
}
