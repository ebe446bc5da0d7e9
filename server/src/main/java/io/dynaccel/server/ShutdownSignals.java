package io.dynaccel.server;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as an operator means them: the first one stops the node gracefully and the
 * process exits with the status the stop returns (0 when everything stopped); a second one, while
 * the first is still draining, exits at once with the shell's status for that signal (143 for
 * TERM, 130 for INT).
 *
 * <p>Decision: {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported and supported
 * for exactly this use). The JDK has no public signal API, and a shutdown hook cannot do what is
 * asked: the JVM runs its hooks after it has decided to exit with 128 + signal, a hook cannot
 * change that status (calling {@code System.exit} from a hook blocks forever), and a second signal
 * cannot interrupt the hooks. A handler installed here replaces the JVM's own for these two
 * signals, so the process exits only when this class says so.
 */
final class ShutdownSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {
  }

  /**
   * Handles SIGTERM and SIGINT from now on.
   *
   * @param stop the graceful stop, given the signal's name ({@code TERM}, {@code INT}); runs on a
   *     thread of its own and returns the exit status
   */
  static void install(ToIntFunction<String> stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    SignalHandler handler = signal -> {
      if (stopping.compareAndSet(false, true)) {
        // The signal's own thread must return quickly; the stop may take the whole drain deadline.
        Thread stopper = new Thread(() -> System.exit(stop.applyAsInt(signal.getName())), "dynaccel-shutdown");
        stopper.start();
      } else {
        int status = 128 + signal.getNumber();
        LOG.warn("Dynaccel: second SIG{} during shutdown, exiting at once with status {}", signal.getName(), status);
        Runtime.getRuntime().halt(status);
      }
    };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }
}
