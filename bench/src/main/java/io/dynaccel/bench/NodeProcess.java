package io.dynaccel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
 * A Dynaccel node in a JVM process of its own ({@code java -cp <bench jar> io.dynaccel.server.DynaccelServer}),
 * so that it can be killed with SIGKILL like a crashed server, and started again on the same port and
 * log directory. Its output is appended to a log file.
 */
final class NodeProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<String> command;
  private final Path logFile;
  private final int port;
  private final int adminPort;
  private Process process;

  private NodeProcess(List<String> command, Path logFile, int port, int adminPort) {
    this.command = command;
    this.logFile = logFile;
    this.port = port;
    this.adminPort = adminPort;
  }

  /**
   * Starts a node and waits until {@code GET /health} answers 200.
   *
   * @param jvmOptions options of the node's JVM (heap settings)
   * @param upstream the node's DynamoDB endpoint
   * @param settings {@code key=value} settings, each passed as {@code --set}
   * @param logFile where the node's output goes
   */
  static NodeProcess start(List<String> jvmOptions, URI upstream, List<String> settings, Path logFile) {
    return start(jvmOptions, upstream, settings, null, logFile);
  }

  /**
   * Starts a node with a configuration file too (for what only a file can hold, such as principals),
   * and waits until {@code GET /health} answers 200.
   *
   * @param configFile passed as {@code --config}, or null
   */
  static NodeProcess start(List<String> jvmOptions, URI upstream, List<String> settings, Path configFile, Path logFile) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.dynaccel.server.DynaccelServer"));
    int port = freePort();
    // The admin port is chosen here too: a restart must find the node's endpoints where they were.
    int adminPort = freePort();
    command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--upstream", upstream.toString(), "--region", "us-east-1",
        "--set", "admin.port=" + adminPort));
    if (configFile != null) {
      command.addAll(List.of("--config", configFile.toString()));
    }
    settings.forEach(setting -> command.addAll(List.of("--set", setting)));
    NodeProcess node = new NodeProcess(List.copyOf(command), logFile, port, adminPort);
    node.launch();
    return node;
  }

  /** The process id of the node's JVM. */
  long pid() {
    return process.pid();
  }

  /** The node's DynamoDB endpoint. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The node's admin listener: {@code /admin/*}, {@code /metrics}, {@code /health}. */
  URI adminEndpoint() {
    return URI.create("http://127.0.0.1:" + adminPort);
  }

  /** The sum of a meter's samples on the node's {@code /metrics}, e.g. {@code dynaccel_item_cache_size_bytes}. */
  double metric(String name) throws IOException, InterruptedException {
    String text = HTTP.send(HttpRequest.newBuilder(adminEndpoint().resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook runs, nothing is flushed, in-flight requests get no answer. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Starts the node again with the same command, port and log directory, after {@link #kill()}. */
  void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("the node is still running");
    }
    launch();
  }

  /** {@code POST /admin/write-back/flush}: returns once every acknowledged write-back change is in DynamoDB. */
  void flush() throws IOException, InterruptedException {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(adminEndpoint().resolve("/admin/write-back/flush"))
        .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("flush answered " + answer.statusCode() + ": " + answer.body());
    }
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
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    awaitHealthy();
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest health = HttpRequest.newBuilder(endpoint().resolve("/health")).timeout(Duration.ofSeconds(1)).build();
    while (true) {
      try {
        if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the node started", e);
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the node exited with " + process.exitValue() + "; see " + logFile);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the node did not answer /health within " + START_TIMEOUT + "; see " + logFile);
      }
      try {
        // Another process with nothing to notify us by: poll it, gently on two shared cores.
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the node started", e);
      }
    }
  }

  /** A loopback port nothing listens on now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
