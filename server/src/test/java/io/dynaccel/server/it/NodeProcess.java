package io.dynaccel.server.it;

import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * An accelerator node running as a separate JVM, so that a test can do to it what an operator or
 * the kernel does to a real node: {@code kill -9}, SIGTERM, a file-size limit that makes its
 * writes fail with "File too large".
 *
 * <p>The node runs {@code io.dynaccel.server.DynaccelServer} from the test's own class path with
 * the JVM that runs the test, on a loopback port chosen before it starts (two HTTP fronts cannot
 * share a port-0 bind), with its admin listener on a second port chosen the same way. Its stdout and stderr go through a pipe to {@code target/it-nodes/<name>.log}.
 */
final class NodeProcess implements AutoCloseable {

  /**
   * The write strategy the process-level tests put every table under: {@code write-back} by
   * default, {@code -Ddynaccel.it.writeStrategy=write-through} to check the harness itself against
   * a strategy whose writes are in DynamoDB before they are acknowledged.
   */
  static final Strategy STRATEGY = Strategy.parse(System.getProperty("dynaccel.it.writeStrategy", "write-back"));

  /** The write strategies these tests know how to configure. */
  enum Strategy {
    WRITE_THROUGH("write-through"),
    WRITE_BACK("write-back");

    private final String text;

    Strategy(String text) {
      this.text = text;
    }

    static Strategy parse(String text) {
      for (Strategy strategy : values()) {
        if (strategy.text.equals(text)) {
          return strategy;
        }
      }
      throw new IllegalArgumentException("dynaccel.it.writeStrategy: expected write-through or write-back, got " + text);
    }

    boolean writesBack() {
      return this == WRITE_BACK;
    }

    /** The {@code --set} settings that put every table under this strategy, with its log in {@code logDir}. */
    List<String> settings(Path logDir) {
      return List.of("tables.*.writeStrategy=" + text, "writeBack.logDir=" + logDir.toAbsolutePath());
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static final Path OUTPUT_DIR = Path.of("target", "it-nodes");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  /**
   * What to start: a name for the output file, the upstream, {@code --set} settings, extra
   * environment, and an optional file-size limit in 1024-byte blocks ({@code ulimit -f}).
   */
  record Launch(String name, URI upstream, String region, List<String> settings, Map<String, String> environment,
      OptionalLong fileSizeLimitBlocks) {

    /**
     * A node named {@code name} in front of the emulator, with no settings of its own yet. It signs
     * upstream with the emulator's credentials, given in the environment as a node in production
     * gets its own, so nothing on the test machine (a profile file, the instance metadata service) is asked.
     */
    static Launch of(String name, DynamoDbEmulator emulator) {
      return new Launch(name, emulator.endpoint(), emulator.region(), List.of(),
          Map.of("AWS_ACCESS_KEY_ID", emulator.accessKeyId(), "AWS_SECRET_ACCESS_KEY", emulator.secretAccessKey()),
          OptionalLong.empty());
    }

    /** This launch with more {@code key=value} settings; a later one wins. */
    Launch with(String... more) {
      return with(List.of(more));
    }

    Launch with(List<String> more) {
      List<String> all = new ArrayList<>(settings);
      all.addAll(more);
      return new Launch(name, upstream, region, List.copyOf(all), environment, fileSizeLimitBlocks);
    }

    /** This launch in front of another DynamoDB endpoint (a proxy of the emulator, say). */
    Launch via(URI otherUpstream) {
      return new Launch(name, otherUpstream, region, settings, environment, fileSizeLimitBlocks);
    }

    Launch named(String newName) {
      return new Launch(newName, upstream, region, settings, environment, fileSizeLimitBlocks);
    }

    /** This launch under {@code ulimit -f blocks}: no file the node writes may grow past {@code blocks} KiB. */
    Launch fileSizeLimit(long blocks) {
      return new Launch(name, upstream, region, settings, environment, OptionalLong.of(blocks));
    }

    Launch withoutFileSizeLimit() {
      return new Launch(name, upstream, region, settings, environment, OptionalLong.empty());
    }
  }

  private final Launch launch;
  private final Process process;
  private final int port;
  private final int adminPort;
  private final Path output;
  private final Process copier;

  private NodeProcess(Launch launch, Process process, int port, int adminPort, Path output, Process copier) {
    this.launch = launch;
    this.process = process;
    this.port = port;
    this.adminPort = adminPort;
    this.output = output;
    this.copier = copier;
  }

  /** Starts the node and waits until {@code GET /health} answers 200 (after any log replay). */
  static NodeProcess start(Launch launch) throws IOException {
    return start(launch, freePort(), freePort());
  }

  /**
   * Starts this node's launch again on the same API and admin ports, as a restarted machine comes back
   * at the same address, with its output in {@code target/it-nodes/<name>.log} so the first run's stays;
   * this process must have exited.
   */
  NodeProcess restartedAs(String name) throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("node " + launch.name() + " still runs");
    }
    return start(launch.named(name), port, adminPort);
  }

  private static NodeProcess start(Launch launch, int port, int adminPort) throws IOException {
    List<String> java = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command for this JVM")),
        // Two cores are shared by the test JVM, dynalite and the node: keep the node small and quick to start.
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // No hsperfdata file: under a file-size limit the JVM should write no file but the node's own.
        "-XX:-UsePerfData",
        "-cp", System.getProperty("java.class.path"),
        "io.dynaccel.server.DynaccelServer",
        "--port", Integer.toString(port), "--host", "127.0.0.1", "--instances", "2",
        "--upstream", launch.upstream().toString(), "--region", launch.region(), "--set", "admin.port=" + adminPort));
    for (String setting : launch.settings()) {
      java.add("--set");
      java.add(setting);
    }
    List<String> command = new ArrayList<>();
    if (launch.fileSizeLimitBlocks().isPresent()) {
      // exec keeps the pid: the Process is the JVM itself, so destroy() and destroyForcibly() reach it.
      command.addAll(List.of("bash", "-c", "ulimit -f " + launch.fileSizeLimitBlocks().getAsLong() + " && exec \"$0\" \"$@\""));
    }
    command.addAll(java);

    Files.createDirectories(OUTPUT_DIR);
    Path output = OUTPUT_DIR.resolve(launch.name() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(OUTPUT_DIR.toFile());
    builder.environment().putAll(launch.environment());
    // A cat of its own writes the output file: the node's own writes would count against its
    // file-size limit, and a pipe read in this JVM loses the node's last lines (its shutdown) when
    // the process exits, because the JDK closes the stream under a blocked reader.
    ProcessBuilder cat = new ProcessBuilder("cat").redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
    List<Process> pipeline = ProcessBuilder.startPipeline(List.of(builder, cat));
    NodeProcess node = new NodeProcess(launch, pipeline.get(0), port, adminPort, output, pipeline.get(1));
    try {
      node.awaitReady();
    } catch (RuntimeException | Error e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void awaitReady() {
    await("node " + launch.name() + " healthy").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
      if (!process.isAlive()) {
        awaitExit(KILL_TIMEOUT); // and the output file's last lines
        throw new IllegalStateException("node " + launch.name() + " exited with " + process.exitValue() + " before it was healthy:\n" + outputTail());
      }
      return health() == 200;
    });
  }

  /** A port for the node to keep across restarts (see {@link RestartablePorts}). */
  static int freePort() throws IOException {
    return RestartablePorts.next();
  }

  /** The node's API endpoint. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The node's admin listener: {@code /admin/*}, {@code /metrics}, {@code /health}. */
  URI adminEndpoint() {
    return URI.create("http://127.0.0.1:" + adminPort);
  }

  /** The status of {@code GET /health}, or -1 when the node does not answer. */
  int health() {
    return status(endpoint(), "GET", "/health", Duration.ofSeconds(2));
  }

  /**
   * {@code POST /admin/write-back/flush}: returns once everything dirty at the call is in DynamoDB
   * (or dead-lettered).
   *
   * @throws AssertionError unless the node answers 200
   */
  void flush() {
    int status = status(adminEndpoint(), "POST", "/admin/write-back/flush", Duration.ofSeconds(60));
    if (status != 200) {
      throw new AssertionError("POST /admin/write-back/flush answered " + status + " on node " + launch.name() + ":\n" + outputTail());
    }
  }

  private int status(URI base, String method, String path, Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The value of a meter in the node's {@code /metrics} (summed over tags), 0 if absent.
   *
   * @throws AssertionError unless the node answers 200
   */
  double metric(String name) {
    HttpRequest request = HttpRequest.newBuilder(adminEndpoint().resolve("/metrics")).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> answer;
    try {
      answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("GET /metrics of node " + launch.name() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (answer.statusCode() != 200) {
      throw new AssertionError("GET /metrics of node " + launch.name() + " answered " + answer.statusCode());
    }
    return PrometheusText.sum(answer.body(), name);
  }

  /** SIGKILL: the node gets no chance to flush, close files or answer anything in flight. */
  void kill9() {
    process.destroyForcibly();
    awaitExit(KILL_TIMEOUT);
  }

  /**
   * SIGTERM, and waits for the process to exit.
   *
   * @return the exit status and how long the node took to exit
   * @throws AssertionError if it is still running after {@code deadline} (it is then killed)
   */
  Exit terminate(Duration deadline) {
    return stop("TERM", deadline);
  }

  /**
   * Sends the signal ({@code TERM}, {@code INT}), and waits for the process to exit.
   *
   * @return the exit status and how long the node took to exit
   * @throws AssertionError if it is still running after {@code deadline} (it is then killed)
   */
  Exit stop(String signal, Duration deadline) {
    long begin = System.nanoTime();
    signal(signal);
    return awaitExit(signal, begin, deadline);
  }

  /**
   * Waits for the process to exit, after a signal sent at {@code begin} ({@link System#nanoTime}).
   *
   * @throws AssertionError if it is still running after {@code deadline} (it is then killed)
   */
  Exit awaitExit(String signal, long begin, Duration deadline) {
    if (!waitFor(deadline)) {
      kill9();
      throw new AssertionError("node " + launch.name() + " still running " + deadline.toMillis() + " ms after SIG" + signal + ":\n" + outputTail());
    }
    return new Exit(process.exitValue(), Duration.ofNanos(System.nanoTime() - begin));
  }

  /** Sends a signal ({@code TERM}, {@code INT}) to the node, without waiting. */
  void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -s " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the node has printed a line containing {@code text}. */
  boolean printed(String text) {
    return output().contains(text);
  }

  /** Everything the node has printed so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How a terminated node exited. */
  record Exit(int status, Duration took) {
  }

  private void awaitExit(Duration timeout) {
    if (!waitFor(timeout)) {
      throw new IllegalStateException("node " + launch.name() + " did not exit within " + timeout.toMillis() + " ms of SIGKILL");
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (exited) {
        // The node's end closes the pipe; once cat has written the rest, the output file is complete.
        copier.waitFor(5, TimeUnit.SECONDS);
      }
      return exited;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The warnings and errors Dynaccel's own code logged, for failure messages. */
  List<String> warnings() {
    return output().lines().filter(line -> line.contains(" io.dynaccel.") && (line.contains(" WARN ") || line.contains(" ERROR "))).toList();
  }

  /** The last lines the node printed, for failure messages. */
  String outputTail() {
    try {
      List<String> lines = List.of(new String(Files.readAllBytes(output), StandardCharsets.UTF_8).split("\n"));
      return "--- " + output.toAbsolutePath() + " (last 40 lines) ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the node if it still runs; a test that wants a graceful stop calls {@link #terminate} first. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill9();
    }
  }
}
