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

/**
 * A Dynaccel node in a JVM process of its own ({@code java -cp <bench jar> io.dynaccel.server.DynaccelServer}),
 * so that it can be killed with SIGKILL like a crashed server, and started again on the same port and
 * log directory. Its output is appended to a log file.
 */
final class NodeProcess implements AcceleratorNode {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final JvmProcess process;
  private final int port;
  private final int adminPort;

  private NodeProcess(JvmProcess process, int port, int adminPort) {
    this.process = process;
    this.port = port;
    this.adminPort = adminPort;
  }

  /**
   * Starts a node and waits until {@code GET /health/ready} answers 200.
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
   * and waits until {@code GET /health/ready} answers 200.
   *
   * @param configFile passed as {@code --config}, or null
   */
  static NodeProcess start(List<String> jvmOptions, URI upstream, List<String> settings, Path configFile, Path logFile) {
    int port = freePort();
    // The admin port is chosen here too: a restart must find the node's endpoints where they were.
    int adminPort = freePort();
    List<String> arguments = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--upstream", upstream.toString(),
        "--region", "us-east-1", "--set", "admin.port=" + adminPort));
    if (configFile != null) {
      arguments.addAll(List.of("--config", configFile.toString()));
    }
    settings.forEach(setting -> arguments.addAll(List.of("--set", setting)));
    JvmProcess process = JvmProcess.start(jvmOptions, "io.dynaccel.server.DynaccelServer", arguments,
        URI.create("http://127.0.0.1:" + port + "/health/ready"), logFile);
    return new NodeProcess(process, port, adminPort);
  }

  /** The process id of the node's JVM. */
  long pid() {
    return process.pid();
  }

  /** From starting the node's JVM until {@code GET /health/ready} answered 200, for the latest launch. */
  Duration readiness() {
    return process.readiness();
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The node's admin listener: {@code /admin/*}, {@code /metrics}, {@code /health}. */
  URI adminEndpoint() {
    return URI.create("http://127.0.0.1:" + adminPort);
  }

  @Override
  public String process() {
    return process.describe();
  }

  @Override
  public CpuClock cpu() {
    return ProcessCpuClock.of(pid());
  }

  /** The sum of a meter's samples on the node's {@code /metrics}, e.g. {@code dynaccel_item_cache_size_bytes}. */
  @Override
  public double metric(String name) throws IOException, InterruptedException {
    String text = HTTP.send(HttpRequest.newBuilder(adminEndpoint().resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return AcceleratorNode.sum(text, name);
  }

  /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook runs, nothing is flushed, in-flight requests get no answer. */
  void kill() throws InterruptedException {
    process.kill();
  }

  /** Starts the node again with the same command, port and log directory, after {@link #kill()}. */
  void restart() {
    process.relaunch();
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
    process.close();
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
