package io.dynaccel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.localstack.Dynalite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one forwarding hop costs on the hit path: cache-hit GetItem sent to one member of a cluster for
 * keys it owns, against the same member for keys another member owns (it forwards each call to the
 * owner and relays the answer), in the same run, in interleaved rounds (the median round of each
 * stands). Latency is measured with one connection, throughput with many. Target: the hop adds at most
 * 0.3 ms p50.
 *
 * <p>Which member owns a key is learnt from the entry member's own hit counter: a key it owns is a hit
 * there on its second read, a key it forwards never is.
 *
 * <p>Run with {@code bench/run.sh cluster [--nodes N] [--seconds N] [--connections N]} (about two minutes).
 */
final class ClusterHopRun {

  private static final String TABLE = "ClusterHopBench";
  private static final int KEYS_PER_SIDE = 100;
  private static final String HITS = "dynaccel_item_cache_hits_total";
  private static final int MAX_CANDIDATES = 3_000;
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);
  /** Longer than a takeover's fresh window: the upstream request timeout (10 s by default) plus a lag. */
  private static final Duration CACHING_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern VIEW_LINE = Pattern.compile("Cluster view: (\\d+) serving member\\(s\\)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ClusterHopRun() {
  }

  /** Runs the cluster, measures both paths and prints their rows, the ratio and the target. */
  public static void main(String[] args) throws Exception {
    int nodes = 3;
    double seconds = 5;
    int connections = 32;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (nodes < 2) {
      throw new IllegalArgumentException("--nodes: a hop needs at least 2 members, got " + nodes);
    }
    Duration warmUp = LoadGenerator.seconds(Math.max(2, seconds / 2));
    Duration measured = LoadGenerator.seconds(seconds);
    Path logs = Files.createTempDirectory("dynaccel-cluster-bench");
    List<Integer> hazelcastPorts = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      hazelcastPorts.add(NodeProcess.freePort());
    }
    String members = hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<NodeProcess> cluster = new ArrayList<>();
    try (Dynalite upstream = Dynalite.onFreePort(); LoadGenerator load = new LoadGenerator(connections);
        LoadGenerator single = new LoadGenerator(1)) {
      upstream.start();
      for (int i = 0; i < nodes; i++) {
        cluster.add(NodeProcess.start(List.of("-Xms256m", "-Xmx256m"), upstream.endpoint(),
            List.of("cluster.name=hop-bench", "cluster.host=127.0.0.1", "cluster.port=" + hazelcastPorts.get(i), "cluster.members=" + members),
            logs.resolve("node-" + i + ".log")));
      }
      awaitFormed(cluster, logs);
      NodeProcess entry = cluster.get(0);
      SignedCalls direct = new SignedCalls(upstream.endpoint(), upstream.region());
      direct.createTable(TABLE);
      long cachingDeadline = System.nanoTime() + CACHING_TIMEOUT.toNanos();
      List<Integer> owned = new ArrayList<>();
      List<Integer> forwarded = new ArrayList<>();
      for (int key = 0; key < MAX_CANDIDATES && (owned.size() < KEYS_PER_SIDE || forwarded.size() < KEYS_PER_SIDE); key++) {
        direct.call("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"key-" + key + "\"},\"payload\":{\"S\":\""
            + "x".repeat(900) + "\"}}}");
        ServedBy served = servedBy(cluster, key);
        // Members install nothing in partitions they took over lately (all of them, after the start): wait that out.
        while (served == ServedBy.NONE && System.nanoTime() < cachingDeadline) {
          served = servedBy(cluster, key);
        }
        List<Integer> side = switch (served) {
          case ENTRY -> owned;
          case OTHER -> forwarded;
          case NONE -> throw new IllegalStateException("key-" + key + " read twice through member 0 was a cache hit on no member: "
              + "member 0 neither owns it nor forwards it to its owner (see " + logs + ")");
        };
        if (side.size() < KEYS_PER_SIDE) {
          side.add(key);
        }
      }
      if (forwarded.size() < KEYS_PER_SIDE || owned.size() < KEYS_PER_SIDE) {
        throw new IllegalStateException("of the first " + MAX_CANDIDATES + " keys, member 0 owns " + owned.size() + " and forwards "
            + forwarded.size() + "; both need " + KEYS_PER_SIDE + " (a member that caches every key does not forward; see " + logs + ")");
      }
      URI target = entry.endpoint();
      Workload toOwner = () -> ApiCall.of("GetItem", getItemBody(owned.get(ThreadLocalRandom.current().nextInt(owned.size()))));
      Workload hop = () -> ApiCall.of("GetItem", getItemBody(forwarded.get(ThreadLocalRandom.current().nextInt(forwarded.size()))));
      System.out.printf(Locale.ROOT, "Cluster hop: cache-hit GetItem to member 0 of %d, for %d keys it owns and %d another member owns; "
              + "%s warm-up + %s measured per round, latency with 1 connection, throughput with %d, %d cores%n",
          nodes, owned.size(), forwarded.size(), warmUp, measured, connections, Runtime.getRuntime().availableProcessors());
      // Warm-up fills the owners' caches and the JIT of every member and of the generators.
      load.run(target, toOwner, warmUp, warmUp);
      load.run(target, hop, warmUp, warmUp);
      List<LoadResult> ownerLatency = new ArrayList<>();
      List<LoadResult> hopLatency = new ArrayList<>();
      List<LoadResult> ownerThroughput = new ArrayList<>();
      List<LoadResult> hopThroughput = new ArrayList<>();
      long hopCalls = 0;
      double hopHits = 0;
      for (int round = 0; round < 3; round++) {
        ownerLatency.add(single.run(target, toOwner, warmUp, measured));
        double before = hitsOfOthers(cluster);
        hopLatency.add(single.run(target, hop, warmUp, measured));
        hopThroughput.add(load.run(target, hop, warmUp, measured));
        hopHits += hitsOfOthers(cluster) - before;
        hopCalls += hopLatency.get(round).requests() + hopThroughput.get(round).requests();
        ownerThroughput.add(load.run(target, toOwner, warmUp, measured));
      }
      LoadResult ownerL = LoadResult.median(ownerLatency);
      LoadResult hopL = LoadResult.median(hopLatency);
      LoadResult ownerT = LoadResult.median(ownerThroughput);
      LoadResult hopT = LoadResult.median(hopThroughput);
      String format = "%-22s %12s %9s %9s %14s %9s %9s %7s%n";
      System.out.printf(format, "path", "req/s (1)", "p50 ms", "p99 ms", "req/s (" + connections + ")", "p50 ms", "p99 ms", "errors");
      row(format, "owner (no hop)", ownerL, ownerT);
      row(format, "non-owner (one hop)", hopL, hopT);
      System.out.printf(Locale.ROOT, "Rounds, req/s with %d connections: owner %s, one hop %s%n", connections,
          LoadResult.throughputs(ownerThroughput), LoadResult.throughputs(hopThroughput));
      // Warm-up calls are hits too, so the owners' hits exceed the measured calls when every hop is a hit.
      System.out.printf(Locale.ROOT, "Hop rounds: %,.0f hits at the owners for %,d measured calls through member 0 (every hop a hit: %s)%n",
          hopHits, hopCalls, hopHits >= hopCalls ? "yes" : "NO");
      double added = hopL.millis(50) - ownerL.millis(50);
      System.out.printf(Locale.ROOT, "Hop: p50 %.3fx (+%.3f ms), p99 %.2fx, throughput %.3fx; target: the hop adds at most 0.300 ms p50: %s%n",
          hopL.millis(50) / ownerL.millis(50), added, hopL.millis(99) / ownerL.millis(99), hopT.throughput() / ownerT.throughput(),
          added <= 0.3 ? "met" : "NOT met");
    } finally {
      for (NodeProcess node : cluster) {
        node.close();
      }
    }
  }

  private static void row(String format, String name, LoadResult latency, LoadResult throughput) {
    System.out.printf(format, name, String.format(Locale.ROOT, "%,.0f", latency.throughput()),
        String.format(Locale.ROOT, "%.3f", latency.millis(50)), String.format(Locale.ROOT, "%.3f", latency.millis(99)),
        String.format(Locale.ROOT, "%,.0f", throughput.throughput()), String.format(Locale.ROOT, "%.3f", throughput.millis(50)),
        String.format(Locale.ROOT, "%.3f", throughput.millis(99)), latency.failures() + throughput.failures());
  }

  /** Which member's cache answered the second of two reads of a key through member 0. */
  private enum ServedBy {
    ENTRY, OTHER, NONE
  }

  /** Reads the key twice through member 0: the second read is a hit at its owner, member 0 itself or the one it forwards to. */
  private static ServedBy servedBy(List<NodeProcess> cluster, int key) throws IOException, InterruptedException {
    NodeProcess entry = cluster.get(0);
    SignedCalls plain = new SignedCalls(entry.endpoint(), "us-east-1");
    plain.call("GetItem", getItemBody(key));
    double entryBefore = entry.metric(HITS);
    double othersBefore = hitsOfOthers(cluster);
    plain.call("GetItem", getItemBody(key));
    if (entry.metric(HITS) - entryBefore >= 1) {
      return ServedBy.ENTRY;
    }
    return hitsOfOthers(cluster) - othersBefore >= 1 ? ServedBy.OTHER : ServedBy.NONE;
  }

  private static double hitsOfOthers(List<NodeProcess> cluster) throws IOException, InterruptedException {
    double sum = 0;
    for (NodeProcess node : cluster.subList(1, cluster.size())) {
      sum += node.metric(HITS);
    }
    return sum;
  }

  /**
   * Waits until every member sees them all: the {@code members} of its {@code GET /cluster} (admin),
   * or while it has no such endpoint the last view line its ownership printed.
   */
  private static void awaitFormed(List<NodeProcess> cluster, Path logs) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
    for (int i = 0; i < cluster.size(); i++) {
      while (servingMembers(cluster.get(i), logs.resolve("node-" + i + ".log")) != cluster.size()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("member " + i + " did not see " + cluster.size() + " members within " + FORM_TIMEOUT + "; see " + logs);
        }
        // Other processes with nothing to notify us by: poll them, gently on two shared cores.
        Thread.sleep(100);
      }
    }
  }

  private static int servingMembers(NodeProcess node, Path log) throws IOException, InterruptedException {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(node.adminEndpoint().resolve("/cluster")).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() == 200) {
      JsonNode members = JSON.readTree(answer.body()).path("members");
      return members.isArray() ? members.size() : -1;
    }
    Matcher m = VIEW_LINE.matcher(Files.readString(log));
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  private static String getItemBody(int key) {
    return "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"key-" + key + "\"}}}";
  }
}
