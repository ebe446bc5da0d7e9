package io.dynaccel.bench;

/** The calls one benchmark scenario sends; called from several connections at once. */
@FunctionalInterface
public interface Workload {

  /** The next call to send. */
  ApiCall next();
}
