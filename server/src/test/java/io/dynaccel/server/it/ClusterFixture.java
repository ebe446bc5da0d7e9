package io.dynaccel.server.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.localstack.DynamoDbEmulator;
import io.dynaccel.server.it.NodeProcess.Launch;
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
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A Dynaccel cluster of real server processes on loopback, all in front of one emulator: each node a
 * {@link NodeProcess} with its own API, admin and Hazelcast ports, every node listing every member's
 * Hazelcast address in {@code cluster.members} (tcp-ip join, never multicast).
 *
 * <p>A test can kill a node with SIGKILL, restart it at the same addresses, add a node, and read each
 * node's metrics. {@link #awaitFormed} waits until every live node sees every live member.
 *
 * <p>Membership is read from the node's {@code GET /cluster} (admin port), its {@code members} array
 * while its {@code quorum} is not false;
 * a node without that endpoint (404) is asked through the last {@code Cluster view: N serving member(s)}
 * line its ownership printed, which says the same thing.
 */
final class ClusterFixture implements AutoCloseable {

  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern VIEW_LINE = Pattern.compile("Cluster view: (\\d+) serving member\\(s\\)");
  private static final String LISTENER_BIND_FAILED = "Dynaccel failed to start: Address already in use";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  /** One member's place in the cluster: its Hazelcast port stays when the process behind it changes. */
  private static final class Slot {
    final String name;
    final int hazelcastPort;
    NodeProcess process;
    int restarts;

    Slot(String name, int hazelcastPort) {
      this.name = name;
      this.hazelcastPort = hazelcastPort;
    }

    boolean alive() {
      return process != null && process.health() == 200;
    }
  }

  private final DynamoDbEmulator emulator;
  private final String clusterName;
  private final List<String> settings;
  private final List<Slot> slots = new ArrayList<>();
  private final Path logDirs;

  private ClusterFixture(DynamoDbEmulator emulator, String clusterName, List<String> settings) throws IOException {
    this.emulator = emulator;
    this.clusterName = clusterName;
    this.settings = settings;
    Path parent = Files.createDirectories(Path.of("target", "it-nodes"));
    // Fresh per fixture: a log left by an earlier run would be replayed into this one.
    this.logDirs = Files.createTempDirectory(parent, clusterName + "-wal-");
  }

  /**
   * Starts {@code nodes} members with the same extra {@code --set} settings, and waits until the
   * cluster is formed.
   *
   * @param clusterName the {@code cluster.name}, also the prefix of the node log files
   */
  static ClusterFixture start(DynamoDbEmulator emulator, String clusterName, int nodes, String... settings) throws Exception {
    ClusterFixture cluster = new ClusterFixture(emulator, clusterName, List.of(settings));
    try {
      for (int i = 0; i < nodes; i++) {
        cluster.slots.add(new Slot(clusterName + "-" + i, NodeProcess.freePort()));
      }
      // The first member forms the cluster alone; the others then join it together rather than
      // forming clusters of their own that Hazelcast would only merge seconds later.
      cluster.launch(0);
      cluster.launchAll(IntStream.range(1, nodes).boxed().toList());
      cluster.awaitFormed();
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private Launch launchOf(Slot slot) {
    String members = slots.stream().map(s -> "127.0.0.1:" + s.hazelcastPort).collect(Collectors.joining(","));
    List<String> all = new ArrayList<>(List.of("cluster.name=" + clusterName, "cluster.host=127.0.0.1",
        "cluster.port=" + slot.hazelcastPort, "cluster.members=" + members,
        // Each member its own write-back log: two processes must never share one directory.
        "writeBack.logDir=" + logDirs.resolve(slot.name).toAbsolutePath()));
    all.addAll(settings);
    return Launch.of(slot.name, emulator).with(all);
  }

  private void launch(int i) throws IOException {
    Slot slot = slots.get(i);
    for (int attempt = 1; ; attempt++) {
      try {
        slot.process = NodeProcess.start(launchOf(slot));
        return;
      } catch (IllegalStateException e) {
        // A port picked free before the start can be taken by the time the node binds it (the event
        // bus and every other process take ephemeral ports too): a new start picks new API and admin ports.
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains(LISTENER_BIND_FAILED)) {
          throw e;
        }
      }
    }
  }

  private void launchAll(List<Integer> indexes) throws Exception {
    ExecutorService starters = Executors.newFixedThreadPool(Math.max(1, indexes.size()));
    try {
      List<Future<?>> started = new ArrayList<>();
      for (int i : indexes) {
        started.add(starters.submit(() -> {
          launch(i);
          return null;
        }));
      }
      for (Future<?> f : started) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      starters.shutdownNow();
    }
  }

  /** The number of members, live or not. */
  int size() {
    return slots.size();
  }

  /** The indexes of the members whose process answers {@code /health/ready}. */
  List<Integer> live() {
    return IntStream.range(0, slots.size()).filter(i -> slots.get(i).alive()).boxed().toList();
  }

  NodeProcess node(int i) {
    return slots.get(i).process;
  }

  URI endpoint(int i) {
    return node(i).endpoint();
  }

  /** Every member's API endpoint, in member order. */
  List<URI> endpoints() {
    return IntStream.range(0, slots.size()).mapToObj(this::endpoint).toList();
  }

  /** SIGKILL of member {@code i}: it answers nothing more, and flushes and hands over nothing. */
  void kill9(int i) {
    node(i).kill9();
  }

  /**
   * SIGSTOP of member {@code i}: it hears and sends nothing, as if cut off from every other member,
   * until {@link #resume}; to the others it is a member gone silent.
   */
  void pause(int i) {
    node(i).signal("STOP");
  }

  /** SIGCONT of member {@code i} after {@link #pause}: it runs on from where it stopped, with what it held then. */
  void resume(int i) {
    node(i).signal("CONT");
  }

  /**
   * Starts member {@code i} again at its addresses after {@link #kill9}, with its log in a new file,
   * and waits until the cluster is formed again.
   */
  void restart(int i) throws IOException {
    Slot slot = slots.get(i);
    slot.restarts++;
    slot.process = slot.process.restartedAs(slot.name + "-restart" + slot.restarts);
    awaitFormed();
  }

  /**
   * Adds a member: its members list names every member, the old ones list what they listed (a
   * tcp-ip member admits a joiner it did not list). Waits until the cluster is formed with it.
   *
   * @return the new member's index
   */
  int add() throws IOException {
    slots.add(new Slot(clusterName + "-" + slots.size(), NodeProcess.freePort()));
    int i = slots.size() - 1;
    launch(i);
    awaitFormed();
    return i;
  }

  /**
   * Waits until every live member sees exactly the live members.
   *
   * @throws AssertionError if they do not within a minute, with what each member answered and printed last
   */
  void awaitFormed() {
    try {
      await("cluster " + clusterName + " formed").atMost(FORM_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
        List<Integer> live = live();
        return live.stream().allMatch(i -> servingMembers(i).orElse(-1) == live.size());
      });
    } catch (ConditionTimeoutException e) {
      // The first line is what a build's summary shows: each member's view in short, then its details.
      StringBuilder summary = new StringBuilder();
      StringBuilder details = new StringBuilder();
      for (Slot slot : slots) {
        if (slot.process == null) {
          continue;
        }
        int health = slot.process.health();
        HttpResponse<String> cluster = get(slot.process.adminEndpoint(), "/cluster");
        String view = cluster == null ? "no answer" : cluster.statusCode() != 200 ? String.valueOf(cluster.statusCode()) : viewOf(cluster.body());
        summary.append("; ").append(slot.name).append(" health ").append(health).append(' ').append(view);
        details.append(slot.name).append(" GET /cluster: ").append(cluster == null ? "no answer" : cluster.body()).append('\n')
            .append(slot.process.outputTail()).append('\n');
      }
      throw new AssertionError("cluster " + clusterName + " not formed within " + FORM_TIMEOUT.toSeconds() + " s" + summary + "\n" + details, e);
    }
  }

  /** A {@code GET /cluster} body in short: how many members, and whether it has a quorum. */
  private static String viewOf(String body) {
    try {
      JsonNode state = JSON.readTree(body);
      return "members " + state.path("members").size() + " quorum " + state.path("quorum").asText("?");
    } catch (IOException e) {
      return "not JSON";
    }
  }

  /**
   * Waits until the members answer from their caches. A partition just taken over (every partition,
   * after a start) is filled without installing until writes begun under its previous owner are over
   * (the upstream request timeout plus a lag), so a test that measures caching starts after that:
   * rounds read every probe key twice through every member, until a round has at least one cache hit
   * per probe key (its owner's).
   *
   * @param clientOf a client of member {@code i}
   */
  void awaitCaching(IntFunction<DynamoDbClient> clientOf, String table, List<Map<String, AttributeValue>> probes) {
    await("members of " + clusterName + " answer from their caches").atMost(FORM_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
      double before = metricSum("dynaccel_item_cache_hits_total");
      for (int i : live()) {
        DynamoDbClient client = clientOf.apply(i);
        for (Map<String, AttributeValue> key : probes) {
          client.getItem(b -> b.tableName(table).key(key));
          client.getItem(b -> b.tableName(table).key(key));
        }
      }
      return metricSum("dynaccel_item_cache_hits_total") - before >= probes.size();
    });
  }

  /**
   * How many serving members member {@code i} sees: the length of {@code members} in its
   * {@code GET /cluster}, or, while it has no such endpoint, what its last view line said.
   */
  OptionalInt servingMembers(int i) {
    HttpResponse<String> answer = get(node(i).adminEndpoint(), "/cluster");
    if (answer == null) {
      return OptionalInt.empty();
    }
    if (answer.statusCode() == 200) {
      try {
        JsonNode state = JSON.readTree(answer.body());
        JsonNode members = state.path("members");
        // A member that says it lacks a quorum is not part of the formed cluster, whatever it lists.
        boolean quorum = state.path("quorum").asBoolean(true);
        return members.isArray() && quorum ? OptionalInt.of(members.size()) : OptionalInt.empty();
      } catch (IOException e) {
        throw new AssertionError("GET /cluster of " + slots.get(i).name + " is not JSON: " + answer.body(), e);
      }
    }
    if (answer.statusCode() == 404) {
      return lastViewLine(node(i));
    }
    return OptionalInt.empty();
  }

  /** The body of member {@code i}'s {@code GET /cluster}; fails unless it answers 200. */
  JsonNode clusterState(int i) {
    HttpResponse<String> answer = get(node(i).adminEndpoint(), "/cluster");
    if (answer == null || answer.statusCode() != 200) {
      throw new AssertionError("GET /cluster of " + slots.get(i).name + " answered "
          + (answer == null ? "nothing" : answer.statusCode() + " " + answer.body()));
    }
    try {
      return JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static OptionalInt lastViewLine(NodeProcess node) {
    Matcher m = VIEW_LINE.matcher(node.output());
    OptionalInt last = OptionalInt.empty();
    while (m.find()) {
      last = OptionalInt.of(Integer.parseInt(m.group(1)));
    }
    return last;
  }

  /** The first few warnings each member's Dynaccel code logged, on one line, for failure messages. */
  String warnings() {
    StringBuilder all = new StringBuilder();
    for (Slot slot : slots) {
      if (slot.process != null) {
        slot.process.warnings().stream().limit(3).forEach(line -> all.append(" | ").append(slot.name).append(": ").append(line));
      }
    }
    return all.length() == 0 ? "none" : all.substring(3);
  }

  /** The value of a meter in member {@code i}'s {@code /metrics} (summed over tags), 0 if absent. */
  double metric(int i, String name) {
    return node(i).metric(name);
  }

  /** The sum of a meter over the live members. */
  double metricSum(String name) {
    return live().stream().mapToDouble(i -> metric(i, name)).sum();
  }

  private static HttpResponse<String> get(URI base, String path) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills every member still running. */
  @Override
  public void close() {
    for (Slot slot : slots) {
      if (slot.process != null) {
        slot.process.close();
      }
    }
  }
}
