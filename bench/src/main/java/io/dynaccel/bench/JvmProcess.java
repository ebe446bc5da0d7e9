package io.dynaccel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class in a JVM process of its own, on this benchmark's class path and java binary, with
 * its output appended to a log file. Each launch waits until a health URL answers 200 and keeps how long
 * that took, from just before the process was started: the server's readiness.
 */
final class JvmProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  // Often enough that the readiness figure is not rounded up by a poll interval, rarely enough not to
  // take a core from the JVM that is starting.
  private static final Duration POLL = Duration.ofMillis(5);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<String> jvmOptions;
  private final List<String> command;
  private final URI health;
  private final Path logFile;
  private Process process;
  private Duration readiness;

  private JvmProcess(List<String> jvmOptions, List<String> command, URI health, Path logFile) {
    this.jvmOptions = jvmOptions;
    this.command = command;
    this.health = health;
    this.logFile = logFile;
  }

  /**
   * Starts {@code mainClass} and waits until {@code health} answers 200.
   *
   * @param jvmOptions options of the JVM (heap and GC settings)
   * @param arguments the main class's arguments
   */
  static JvmProcess start(List<String> jvmOptions, String mainClass, List<String> arguments, URI health, Path logFile) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(arguments);
    JvmProcess started = new JvmProcess(List.copyOf(jvmOptions), List.copyOf(command), health, logFile);
    started.launch();
    return started;
  }

  /** The process id of the running JVM. */
  long pid() {
    return process.pid();
  }

  /** Where it runs, for the printed set-up: {@code own JVM, pid 1234, [-Xms1g, -Xmx1g]}. */
  String describe() {
    return "own JVM, pid " + pid() + ", " + jvmOptions;
  }

  /** From starting the process until the health URL answered 200, for the latest launch. */
  Duration readiness() {
    return readiness;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts the process again with the same command, after {@link #kill()}. */
  void relaunch() {
    if (process.isAlive()) {
      throw new IllegalStateException("the process is still running");
    }
    launch();
  }

  /** SIGTERM, and waits for the graceful shutdown to end. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private void launch() {
    long began = System.nanoTime();
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    awaitHealthy();
    readiness = Duration.ofNanos(System.nanoTime() - began);
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build();
    while (true) {
      try {
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the process started", e);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the process exited with " + process.exitValue() + "; see " + logFile);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(health + " did not answer 200 within " + START_TIMEOUT + "; see " + logFile);
      }
      try {
        // Another process with nothing to notify us by: poll it.
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the process started", e);
      }
    }
  }
}
