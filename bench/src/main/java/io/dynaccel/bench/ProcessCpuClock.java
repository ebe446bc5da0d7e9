package io.dynaccel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The CPU time of one operating-system process, the server under test, from {@link ProcessHandle}: on
 * Linux that is utime plus stime of {@code /proc/<pid>/stat}, in clock ticks (10 ms at the usual
 * {@code CLK_TCK} of 100). Over a measured interval of seconds on a busy server the tick is well under
 * 1% of the difference, so the figure per request needs no finer clock.
 *
 * <p>The JIT compilers' share is the sum over the process's threads named {@code C1 CompilerThre...}
 * or {@code C2 CompilerThre...} in {@code /proc/<pid>/task}. HotSpot stops idle compiler threads and
 * their time then leaves the sum, so the servers measured run with
 * {@code -XX:-UseDynamicNumberOfCompilerThreads} ({@link #KEEP_COMPILER_THREADS}).
 */
final class ProcessCpuClock implements CpuClock {

  /** The JVM option that keeps every compiler thread alive, so that {@link #compilation} can count all of their time. */
  static final String KEEP_COMPILER_THREADS = "-XX:-UseDynamicNumberOfCompilerThreads";

  /** Linux's USER_HZ, the unit of {@code /proc} CPU times: 100 on every architecture the JDK runs on. */
  private static final long TICKS_PER_SECOND = 100;

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

  /** The compiler threads' CPU time; null where {@code /proc} is not there to read (not Linux). */
  @Override
  public Duration compilation() {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    if (!Files.isDirectory(tasks)) {
      return null;
    }
    try (Stream<Path> threads = Files.list(tasks)) {
      long ticks = threads.mapToLong(ProcessCpuClock::compilerTicks).sum();
      return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** utime plus stime of one thread if it is a JIT compiler thread, else 0; 0 for a thread that has just ended. */
  static long compilerTicks(Path thread) {
    try {
      if (!Files.readString(thread.resolve("comm")).contains("CompilerThre")) {
        return 0;
      }
      return cpuTicks(Files.readString(thread.resolve("stat")));
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * utime plus stime of a {@code stat} line: fields 14 and 15, counted after the command name in
   * parentheses, which may itself hold spaces and parentheses.
   */
  static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (the state), so field 14 is fields[11].
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
