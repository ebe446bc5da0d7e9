package io.dynaccel.client.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dynaccel.localstack.DynamoDbEmulator;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.table.KeySchema;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Accelerator nodes as separate JVMs that form one cluster (Hazelcast, TCP-IP join over loopback, every member
 * listed), in front of one emulator. Trimmed from the server's {@code it/NodeProcess}: start, wait until every node
 * sees every member serving, read a node's meters, kill.
 */
final class ClusterProcesses implements AutoCloseable {

  private static final Path OUTPUT_DIR = Path.of("target", "it-nodes");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  private final List<Process> processes = new ArrayList<>();
  private final int[] ports;
  private final int[] adminPorts;

  private ClusterProcesses(int count) {
    this.ports = new int[count];
    this.adminPorts = new int[count];
  }

  /** Starts {@code count} clustered nodes and waits until each serves and sees all of them in its map. */
  static ClusterProcesses start(DynamoDbEmulator upstream, int count, String name) throws IOException {
    ClusterProcesses cluster = new ClusterProcesses(count);
    try {
      int[] hazelcastPorts = new int[count];
      for (int i = 0; i < count; i++) {
        cluster.ports[i] = freePort();
        cluster.adminPorts[i] = freePort();
        hazelcastPorts[i] = freePort();
      }
      String members = java.util.Arrays.stream(hazelcastPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      Files.createDirectories(OUTPUT_DIR);
      for (int i = 0; i < count; i++) {
        List<String> command = List.of(
            ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command for this JVM")),
            // Two cores are shared by the test JVM, dynalite and the nodes: keep each node small and quick to start.
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-cp", System.getProperty("java.class.path"),
            "io.dynaccel.server.DynaccelServer",
            "--port", Integer.toString(cluster.ports[i]), "--host", "127.0.0.1", "--instances", "1",
            "--upstream", upstream.endpoint().toString(), "--region", upstream.region(),
            "--set", "admin.port=" + cluster.adminPorts[i],
            "--set", "cluster.name=" + name,
            "--set", "cluster.members=" + members,
            "--set", "cluster.host=127.0.0.1",
            "--set", "cluster.port=" + hazelcastPorts[i]);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(OUTPUT_DIR.resolve(name + "-" + i + ".log").toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", upstream.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", upstream.secretAccessKey());
        cluster.processes.add(builder.start());
      }
      cluster.awaitFormed(name);
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void awaitFormed(String name) {
    for (int i = 0; i < ports.length; i++) {
      int node = i;
      await("node " + name + "-" + i + " serving in a cluster of " + ports.length).atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!processes.get(node).isAlive()) {
              throw new IllegalStateException("node " + name + "-" + node + " exited with " + processes.get(node).exitValue()
                  + "; see " + OUTPUT_DIR.resolve(name + "-" + node + ".log").toAbsolutePath());
            }
            String map = get(endpoint(node), "/_dynaccel/cluster");
            return map != null && map.contains("\"clustered\":true") && countOf(map, "\"endpoint\"") == ports.length;
          });
    }
  }

  private static int countOf(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  int size() {
    return ports.length;
  }

  /** Node {@code i}'s API endpoint. */
  URI endpoint(int i) {
    return URI.create("http://127.0.0.1:" + ports[i]);
  }

  /** Node {@code i}'s ownership map as it answers it, or null if it does not answer. */
  String clusterMap(int i) {
    return get(endpoint(i), "/_dynaccel/cluster");
  }

  /**
   * The index of the node that owns the partition of the string partition key {@code pk} of {@code table},
   * in the map node 0 answers now.
   */
  int ownerOf(String table, String pk) throws IOException {
    JsonNode map = new ObjectMapper().readTree(clusterMap(0));
    String canonical = new KeySchema("pk", "S", null, null).partitionOf(JsonNodeFactory.instance.objectNode().put("S", pk));
    int owner = map.get("owners").get(Partitions.ofPartitionKey(table, canonical)).intValue();
    URI endpoint = URI.create(map.get("members").get(owner).get("endpoint").textValue());
    for (int i = 0; i < size(); i++) {
      if (endpoint(i).equals(endpoint)) {
        return i;
      }
    }
    throw new AssertionError("owner " + endpoint + " is none of the nodes");
  }

  /** SIGKILL to node {@code i}: it gets no chance to leave the cluster or answer anything in flight. */
  void kill9(int i) throws InterruptedException {
    Process process = processes.get(i);
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("node " + i + " did not exit within 30 s of SIGKILL");
    }
  }

  /**
   * The sum of node {@code i}'s Prometheus samples of {@code meter} whose labels contain {@code labelPart}; 0 if none,
   * or if the node has been killed.
   */
  double meter(int i, String meter, String labelPart) {
    if (!processes.get(i).isAlive()) {
      return 0;
    }
    String metrics = get(URI.create("http://127.0.0.1:" + adminPorts[i]), "/metrics");
    if (metrics == null) {
      throw new IllegalStateException("node " + i + " does not answer /metrics");
    }
    return metrics.lines()
        .filter(line -> line.startsWith(meter + "{") || line.startsWith(meter + " "))
        .filter(line -> line.contains(labelPart))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** How many calls of {@code operation} node {@code i} has answered. */
  long requests(int i, String operation) {
    return (long) meter(i, "dynaccel_requests_seconds_count", "operation=\"" + operation + "\"");
  }

  /** {@link #requests(int, String)} for every node. */
  long[] requests(String operation) {
    long[] counts = new long[ports.length];
    for (int i = 0; i < ports.length; i++) {
      counts[i] = requests(i, operation);
    }
    return counts;
  }

  private static String get(URI base, String path) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Kills every node (SIGKILL: the test is over, nothing of theirs needs to survive). */
  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("node pid " + process.pid() + " did not exit within 30 s of SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
