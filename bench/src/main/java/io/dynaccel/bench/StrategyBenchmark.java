package io.dynaccel.bench;

import io.dynaccel.localstack.Dynalite;
import io.vertx.core.Vertx;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The write-strategy comparison: direct DynamoDB (the baseline), write-through, invalidate, and
 * write-back with {@code fsync: always} and {@code fsync: interval}, measured in one run against the
 * same upstream, dynalite behind a proxy that adds a network's latency each way. For each it prints
 * write latency (PutItem and counter UpdateItem from a few concurrent writers) beside the direct
 * baseline's, stale reads seen by a concurrent reader ({@link WriteLatencyRun}), acknowledged writes
 * lost after kill -9 of the node ({@link KillRun}) and the writes that reach DynamoDB for 10,000
 * increments of 10 counters, counted at the proxy after a final flush ({@link CounterRun}).
 *
 * <p>Each strategy gets its own node, a JVM process of its own started from the benchmark's class
 * path, so that it can be killed like a crashed server; its heap settings are printed with the
 * results. Latency is measured in interleaved rounds (each strategy in turn, repeated) and the median
 * round of each stands, so that load from elsewhere on a shared machine does not decide a ratio.
 * Run with {@code bench/run.sh strategies} from the repository root (it builds first). Options:
 * {@code --seconds N} measured seconds per latency round (default 3), {@code --rounds N} (5),
 * {@code --writers N} concurrent writers (4), {@code --kills N} kill cycles per node (3).
 */
public final class StrategyBenchmark {

  private static final List<String> NODE_JVM = List.of("-Xms512m", "-Xmx512m");
  private static final Duration MIN_DELAY = Duration.ofMillis(1);
  private static final Duration MAX_DELAY = Duration.ofMillis(2);
  private static final long INCREMENTS = 10_000;
  private static final Duration LOAD_BEFORE_KILL = Duration.ofSeconds(1);
  /** Load before the first round, for the JIT of every node and of the client. */
  private static final Duration WARM_UP = Duration.ofSeconds(3);
  /** Load before each round's measured period, after the other nodes had the machine. */
  private static final Duration ROUND_WARM_UP = Duration.ofSeconds(1);

  private final Dynalite dynamoDb;
  private final UpstreamProxy proxy;
  private final Vertx vertx;
  private final Path workDirectory;
  private final int writers;
  private final int kills;
  private final int rounds;
  private final Duration warmUp;
  private final Duration measured;

  private StrategyBenchmark(Dynalite dynamoDb, UpstreamProxy proxy, Vertx vertx, Path workDirectory, int writers, int kills,
      int rounds, Duration warmUp, Duration measured) {
    this.dynamoDb = dynamoDb;
    this.proxy = proxy;
    this.vertx = vertx;
    this.workDirectory = workDirectory;
    this.writers = writers;
    this.kills = kills;
    this.rounds = rounds;
    this.warmUp = warmUp;
    this.measured = measured;
  }

  /** Runs every strategy and prints the table. */
  public static void main(String[] args) throws Exception {
    double seconds = 3;
    int writers = 4;
    int kills = 3;
    int rounds = 5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--writers" -> writers = Integer.parseInt(args[i + 1]);
        case "--kills" -> kills = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("option without a value: " + args[args.length - 1]);
    }
    Path target = Files.createDirectories(Path.of("bench", "target"));
    Path workDirectory = Files.createTempDirectory(target, "strategies-");
    Vertx vertx = Vertx.vertx();
    try (Dynalite dynamoDb = Dynalite.onFreePort()) {
      dynamoDb.start();
      try (UpstreamProxy proxy = UpstreamProxy.start(dynamoDb.endpoint(), MIN_DELAY, MAX_DELAY)) {
        new StrategyBenchmark(dynamoDb, proxy, vertx, workDirectory, writers, kills, rounds, WARM_UP, LoadGenerator.seconds(seconds)).run();
      }
    } finally {
      LoadGenerator.await(vertx.close());
    }
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "Dynaccel write strategies: %d writers + 1 reader; latency: %s warm-up, then %d interleaved rounds of %s + %s measured "
            + "per strategy, the median round (by PutItem p99 + UpdateItem p99) stands; %d cores%n",
        writers, warmUp, rounds, ROUND_WARM_UP, measured, Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "Upstream for every row: dynalite behind a proxy holding each request and each answer %s%n",
        proxy.delays());
    System.out.printf(Locale.ROOT, "Node: its own JVM per strategy: java %s -cp <bench jar> io.dynaccel.server.DynaccelServer (JDK %s, default GC)%n",
        String.join(" ", NODE_JVM), Runtime.version());
    System.out.printf(Locale.ROOT, "Write-back logs and node output: %s (file system %s)%n%n",
        workDirectory.toAbsolutePath(), Files.getFileStore(workDirectory).type());
    System.out.printf("Load average (1, 5, 15 min) at the start: %s%n", loadAverage());
    List<Contender> contenders = new ArrayList<>();
    try {
      contenders.add(contender("direct DynamoDB (baseline)", "direct", null));
      contenders.add(contender("write-through", "write-through", List.of("tables.*.writeStrategy=write-through")));
      contenders.add(contender("invalidate", "invalidate", List.of("tables.*.writeStrategy=invalidate")));
      contenders.add(contender("write-back fsync always", "wb-always", List.of("tables.*.writeStrategy=write-back", "writeBack.fsync=always")));
      contenders.add(contender("write-back fsync interval", "wb-interval", List.of("tables.*.writeStrategy=write-back", "writeBack.fsync=interval")));
      System.out.println("latency: warming up every node and the client ...");
      for (Contender contender : contenders) {
        WriteLatencyRun.run(vertx, contender.client, contender.client, contender.latencyTable(), writers, Duration.ZERO, warmUp);
      }
      // Interleaved rounds: a moment of load from elsewhere on the machine hits one round of one
      // strategy, and the median round keeps it from deciding a ratio.
      List<String> roundLoads = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        System.out.printf("latency: round %d of %d ...%n", round, rounds);
        roundLoads.add(loadAverage().split(" ")[0]);
        for (Contender contender : contenders) {
          contender.rounds.add(WriteLatencyRun.run(vertx, contender.client, contender.client, contender.latencyTable(), writers, ROUND_WARM_UP, measured));
        }
      }
      List<Row> rows = new ArrayList<>();
      for (Contender contender : contenders) {
        rows.add(measureWrites(contender));
      }
      WriteLatencyRun.Result control = control();
      print(rows);
      System.out.printf("%nLoad average (1 min) at the start of each latency round: %s%n", roundLoads);
      System.out.printf(Locale.ROOT, "%nControl (the stale-read check finds stale reads where there are some): writers straight to DynamoDB, the reader%n"
          + "  through a write-through node whose cache they bypass: %,d of %,d reads stale%n", control.stale(), control.reads());
      System.out.printf("%nLoad average (1, 5, 15 min) at the end: %s%n", loadAverage());
    } finally {
      for (Contender contender : contenders) {
        contender.close();
      }
    }
  }

  private Contender contender(String label, String name, List<String> strategy) throws Exception {
    for (String table : List.of(name + "-latency", name + "-counters", name + "-kill")) {
      BlockingCalls.createTable(dynamoDb.endpoint(), table);
    }
    if (strategy == null) {
      return new Contender(label, name, null, new ApiClient(vertx, proxy.endpoint(), writers + 1));
    }
    System.out.printf("starting the %s node ...%n", label);
    List<String> settings = new ArrayList<>(strategy);
    settings.add("writeBack.logDir=" + workDirectory.resolve(name + "-wal").toAbsolutePath());
    NodeProcess node = NodeProcess.start(NODE_JVM, proxy.endpoint(), settings, workDirectory.resolve(name + ".log"));
    return new Contender(label, name, node, new ApiClient(vertx, node.endpoint(), writers + 1));
  }

  /** The counter workload, then the kill cycles. */
  private Row measureWrites(Contender contender) throws Exception {
    System.out.printf("counters and kill -9: %s ...%n", contender.label);
    String counterTable = contender.name + "-counters";
    CounterRun.Result counters = CounterRun.run(vertx, contender.client, counterTable, writers, INCREMENTS);
    NodeProcess node = contender.node;
    if (node != null) {
      node.flush();
    }
    long counted = BlockingCalls.consistentNumbers(dynamoDb.endpoint(), counterTable,
        IntStream.range(0, WriteLatencyRun.COUNTERS).mapToObj(CounterRun::counter).toList(), key -> "n").values().stream()
        .mapToLong(Long::longValue).sum();
    String fsyncs = node == null ? null : fsyncs(node.adminEndpoint());
    KillRun.Result killed = node == null ? null
        : KillRun.run(vertx, node, contender.client, dynamoDb.endpoint(), contender.name + "-kill", writers, kills, LOAD_BEFORE_KILL);
    return new Row(contender.label, contender.rounds, counters, counted, proxy.writeItems(counterTable), proxy.writeCalls(counterTable), killed, fsyncs);
  }

  /** A short latency run whose writes bypass the node the reader reads through: its stale reads show that the check can fail. */
  private WriteLatencyRun.Result control() throws Exception {
    System.out.println("measuring the control ...");
    String table = "control-latency";
    BlockingCalls.createTable(dynamoDb.endpoint(), table);
    try (NodeProcess node = NodeProcess.start(NODE_JVM, proxy.endpoint(), List.of("tables.*.writeStrategy=write-through"), workDirectory.resolve("control.log"));
        ApiClient direct = new ApiClient(vertx, proxy.endpoint(), writers);
        ApiClient cached = new ApiClient(vertx, node.endpoint(), 1)) {
      return WriteLatencyRun.run(vertx, direct, cached, table, writers, Duration.ofSeconds(1), Duration.ofSeconds(3));
    }
  }

  /**
   * The node's fsyncs so far from its Prometheus meters: count, mean, the histogram bucket that holds
   * the 99th percentile, and the maximum; null if it has no write-back log.
   */
  private static String fsyncs(URI admin) throws IOException, InterruptedException {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String prefix = "dynaccel_writeback_fsync_seconds";
    double count = 0;
    double sum = 0;
    double max = 0;
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (String line : metrics.lines().filter(l -> l.startsWith(prefix)).toList()) {
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.startsWith(prefix + "_count")) {
        count = value;
      } else if (line.startsWith(prefix + "_sum")) {
        sum = value;
      } else if (line.startsWith(prefix + "_max")) {
        max = value;
      } else if (line.startsWith(prefix + "_bucket") && !line.contains("le=\"+Inf\"")) {
        int le = line.indexOf("le=\"") + 4;
        buckets.put(Double.parseDouble(line.substring(le, line.indexOf('"', le))), value);
      }
    }
    if (count == 0) {
      return null;
    }
    double p99 = max;
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      if (bucket.getValue() >= 0.99 * count) {
        p99 = Math.min(max, bucket.getKey());
        break;
      }
    }
    return String.format(Locale.ROOT, "%,.0f fsyncs, mean %.3f ms, p99 <= %.3f ms (histogram bucket), max %.3f ms",
        count, sum / count * 1000, p99 * 1000, max * 1000);
  }

  /** The load average of the machine, which two shared cores make part of every figure. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private void print(List<Row> rows) {
    Row direct = rows.get(0);
    String format = "%-27s  %17s  %13s  %19s  %13s  %18s  %20s  %20s%n";
    System.out.printf("%n" + format, "", "PutItem p50/p99", "vs direct", "UpdateItem p50/p99", "vs direct", "stale reads, all", "acknowledged writes", "upstream writes for");
    System.out.printf(format, "strategy", "ms", "p50 / p99", "ms", "p50 / p99", "rounds (of reads)", "lost after kill -9", "10,000 increments");
    for (Row row : rows) {
      WriteLatencyRun.Result latency = row.latency();
      System.out.printf(format, row.label(),
          millis(latency.puts()), ratio(latency.puts(), direct.latency().puts()),
          millis(latency.updates()), ratio(latency.updates(), direct.latency().updates()),
          String.format(Locale.ROOT, "%,d of %,d", row.stale(), row.reads()),
          row.killed() == null ? "n/a (no node)" : String.format(Locale.ROOT, "%,d of %,d", row.killed().lost(), row.killed().acknowledged()),
          String.format(Locale.ROOT, "%,d (%.2f%%)", row.upstreamItems(), 100.0 * row.upstreamItems() / INCREMENTS));
    }
    System.out.printf("%nDetails%n");
    for (Row row : rows) {
      WriteLatencyRun.Result latency = row.latency();
      System.out.printf(Locale.ROOT, "  %s: median round %,d puts and %,d increments measured; PutItem/UpdateItem p99 per round %s ms; "
              + "%,d writes and %,d reads not answered 200 in all rounds%n",
          row.label(), latency.puts().requests(), latency.updates().requests(), row.p99s(),
          row.rounds().stream().mapToLong(WriteLatencyRun.Result::writeErrors).sum(), row.rounds().stream().mapToLong(WriteLatencyRun.Result::readErrors).sum());
      System.out.printf(Locale.ROOT, "    counters: %.1f s, %,d refused and resent, DynamoDB's sum %,d of %,d%s, %,d items in %,d write calls%n",
          row.counters().seconds(), row.counters().refused(), row.counterSum(), INCREMENTS, row.counterSum() == INCREMENTS ? "" : " (MISMATCH)",
          row.upstreamItems(), row.upstreamCalls());
      if (row.killed() != null) {
        KillRun.Result killed = row.killed();
        System.out.printf(Locale.ROOT, "    kill -9: %d cycles (killed after %s ms of load), %,d puts and %,d increments acknowledged, "
                + "%d writes in flight at a kill, lost %,d puts and %,d increments%n",
            killed.cycles(), killed.killedAfterMillis(), killed.puts(), killed.increments(), killed.unanswered(), killed.lostPuts(), killed.lostIncrements());
      }
      if (row.fsyncs() != null) {
        System.out.printf("    write-ahead log during the latency and counter runs: %s%n", row.fsyncs());
      }
    }
    Row always = rows.get(3);
    Row interval = rows.get(4);
    System.out.printf(Locale.ROOT, "%nTargets%n");
    double alwaysP99 = Math.max(always.latency().puts().millis(99), always.latency().updates().millis(99));
    double directP99 = Math.min(direct.latency().puts().millis(99), direct.latency().updates().millis(99));
    System.out.printf(Locale.ROOT, "  write-back ack p99 <= 2 ms while DynamoDB's own p99 is several (here: 3 or more) times higher: %s%n"
            + "    fsync always PutItem %.3f ms, UpdateItem %.3f ms; fsync interval %.3f ms, %.3f ms; direct DynamoDB %.3f ms, %.3f ms "
            + "(%.1fx / %.1fx the fsync always p99)%n",
        alwaysP99 <= 2 && directP99 >= 3 * alwaysP99 ? "met" : "NOT met",
        always.latency().puts().millis(99), always.latency().updates().millis(99),
        interval.latency().puts().millis(99), interval.latency().updates().millis(99),
        direct.latency().puts().millis(99), direct.latency().updates().millis(99),
        direct.latency().puts().millis(99) / always.latency().puts().millis(99), direct.latency().updates().millis(99) / always.latency().updates().millis(99));
    long lostWithFsync = rows.get(1).killed().lost() + rows.get(2).killed().lost() + always.killed().lost();
    System.out.printf(Locale.ROOT, "  0 acknowledged writes lost with fsync always: %s: write-through %,d, invalidate %,d, write-back %,d%n",
        lostWithFsync == 0 ? "met" : "NOT met", rows.get(1).killed().lost(), rows.get(2).killed().lost(), always.killed().lost());
    System.out.printf(Locale.ROOT, "  <= 1%% of the increments reach DynamoDB as writes (<= %,d): %s: fsync always %,d, fsync interval %,d%n",
        INCREMENTS / 100, Math.max(always.upstreamItems(), interval.upstreamItems()) <= INCREMENTS / 100 ? "met" : "NOT met",
        always.upstreamItems(), interval.upstreamItems());
    System.out.printf("%nNotes%n");
    System.out.printf("  fsync interval loses nothing here on kill -9 either: a killed process leaves what it wrote in the operating system's page cache,%n"
        + "  which survives it. Its documented loss window (writes acknowledged within writeBack.fsyncInterval before the crash) is for a power loss%n"
        + "  or a kernel crash, which this benchmark does not cause.%n");
    System.out.printf("  Direct stale reads: dynalite's reads are always consistent; DynamoDB's eventually consistent reads can lag a write by up to a second.%n");
    System.out.printf("  Upstream writes are counted at the proxy after POST /admin/write-back/flush: PutItem, UpdateItem and DeleteItem calls plus the items%n"
        + "  inside BatchWriteItem calls.%n");
  }

  private static String millis(LoadResult result) {
    return String.format(Locale.ROOT, "%.3f / %.3f", result.millis(50), result.millis(99));
  }

  private static String ratio(LoadResult result, LoadResult direct) {
    return String.format(Locale.ROOT, "%.2fx / %.2fx", result.millis(50) / direct.millis(50), result.millis(99) / direct.millis(99));
  }

  /** One benchmarked strategy: its node (none for direct DynamoDB) and a client of what is measured. */
  private static final class Contender implements AutoCloseable {
    private final String label;
    private final String name;
    private final NodeProcess node;
    private final ApiClient client;
    private final List<WriteLatencyRun.Result> rounds = new ArrayList<>();

    Contender(String label, String name, NodeProcess node, ApiClient client) {
      this.label = label;
      this.name = name;
      this.node = node;
      this.client = client;
    }

    String latencyTable() {
      return name + "-latency";
    }

    @Override
    public void close() throws InterruptedException {
      client.close();
      if (node != null) {
        node.close();
      }
    }
  }

  /**
   * One strategy's figures.
   *
   * @param rounds the latency rounds
   * @param counterSum the counters' sum in DynamoDB after the counter run (and a flush)
   * @param upstreamItems writes of the counter run that reached DynamoDB, items inside batches counted one by one
   * @param upstreamCalls write calls of the counter run that reached DynamoDB
   * @param killed the kill cycles, or null for the direct baseline
   * @param fsyncs the log's fsync figures, or null without a write-back log
   */
  private record Row(String label, List<WriteLatencyRun.Result> rounds, CounterRun.Result counters, long counterSum,
      long upstreamItems, long upstreamCalls, KillRun.Result killed, String fsyncs) {

    /** The round with the median PutItem p99 + UpdateItem p99. */
    WriteLatencyRun.Result latency() {
      List<WriteLatencyRun.Result> sorted = new ArrayList<>(rounds);
      sorted.sort(java.util.Comparator.comparingDouble(r -> r.puts().millis(99) + r.updates().millis(99)));
      return sorted.get(sorted.size() / 2);
    }

    /** Reads answered in every round. */
    long reads() {
      return rounds.stream().mapToLong(WriteLatencyRun.Result::reads).sum();
    }

    /** Stale reads in every round. */
    long stale() {
      return rounds.stream().mapToLong(WriteLatencyRun.Result::stale).sum();
    }

    /** Each round's PutItem and UpdateItem p99, for the details. */
    String p99s() {
      return rounds.stream().map(r -> String.format(Locale.ROOT, "%.3f/%.3f", r.puts().millis(99), r.updates().millis(99))).toList().toString();
    }
  }
}
