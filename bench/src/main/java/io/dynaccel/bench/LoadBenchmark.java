package io.dynaccel.bench;

import io.dynaccel.localstack.Dynalite;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load benchmark: starts dynalite (the upstream), a TCP proxy in front of it that holds every chunk of
 * bytes for a fixed delay each way ({@link DelayProxy}), the accelerator, a baseline server and a bare
 * forwarder on this machine, drives each with
 * the same closed-loop load, and prints every figure beside the baseline measured in the same run, with
 * the CPU time the answering process spent per request. Absolute numbers drift on shared machines; the
 * ratios and the CPU per request are the result.
 *
 * <p>Hits are judged against the {@link BaselineServer}, misses and writes against the upstream called
 * directly; the {@link BaselineForwarder} gets a row beside each miss and write, so that the same run shows
 * what a second HTTP exchange costs with nothing else in it.
 *
 * <p>The accelerator and the baselines run in JVMs of their own with the same fixed heap ({@link #SERVER_JVM}),
 * so that neither pays for the load generator's allocation and GC; {@code --in-process} runs both in the
 * generator's JVM instead, as the benchmark did before, and then has no CPU figure for them.
 *
 * <p>Run with {@code bench/run.sh} from the repository root (it builds first). Options:
 * {@code --seconds N} measured seconds per scenario (default 5), {@code --connections N} (32),
 * {@code --upstream-delay-ms N} the proxy's hold each way (1), {@code --delayed-connections N} connections
 * of the rows through the proxy (4), {@code --instances N} event loops of every server (the cores the load
 * generator leaves, see {@link #serverLoops}), {@code --in-process}.
 */
public final class LoadBenchmark {

  /**
   * Heap and GC of the accelerator's and the baseline's JVMs: fixed, the same for both, printed with the
   * results; every compiler thread kept alive, so that their CPU time can be told apart ({@link ProcessCpuClock}).
   */
  static final List<String> SERVER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", ProcessCpuClock.KEEP_COMPILER_THREADS);

  /** JIT compilers' CPU per second of load under which a node counts as warm: 5% of a core. */
  private static final Duration QUIET_COMPILATION = Duration.ofMillis(50);
  /** The longest a node is warmed for; a node still compiling after it shows so in its JIT us/req. */
  private static final Duration MAX_WARM_UP = Duration.ofSeconds(60);
  private static final String TABLE = "Bench";
  private static final int HOT_KEYS = 1_000;
  private static final int ALL_KEYS = 10_000;
  private static final String PAYLOAD = "x".repeat(900);
  private static final String HITS = "GetItem hits (median of 3)";
  private static final String FORWARDER = "bare forwarder";
  private static final Workload HOT_HITS = () -> ApiCall.of("GetItem", getItemBody(key(ThreadLocalRandom.current().nextInt(HOT_KEYS))));

  private final List<ResultRow> rows = new ArrayList<>();
  private final LoadGenerator load;
  private final LoadGenerator light;
  private final Duration warmUp;
  private final Duration measured;

  private LoadBenchmark(LoadGenerator load, LoadGenerator light, Duration warmUp, Duration measured) {
    this.load = load;
    this.light = light;
    this.warmUp = warmUp;
    this.measured = measured;
  }

  /** Runs the benchmark and prints the table. */
  public static void main(String[] args) throws Exception {
    double seconds = 5;
    int connections = 32;
    int delayedConnections = 4;
    long delayMillis = 1;
    boolean inProcess = false;
    int instances = serverLoops(Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--connections" -> connections = Integer.parseInt(args[++i]);
        case "--delayed-connections" -> delayedConnections = Integer.parseInt(args[++i]);
        case "--upstream-delay-ms" -> delayMillis = Long.parseLong(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        case "--in-process" -> inProcess = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Duration delay = Duration.ofMillis(delayMillis);
    Path work = Files.createTempDirectory(Files.createDirectories(Path.of("bench", "target")), "load-");
    try (Dynalite upstream = Dynalite.onFreePort(); LoadGenerator load = new LoadGenerator(connections);
        LoadGenerator light = new LoadGenerator(delayedConnections)) {
      upstream.start();
      try (DelayProxy proxy = DelayProxy.start(upstream.endpoint(), delay)) {
        new LoadBenchmark(load, light, LoadGenerator.seconds(Math.max(2, seconds / 2)), LoadGenerator.seconds(seconds))
            .run(upstream, proxy, work, inProcess, connections, delayedConnections, instances);
      }
    }
  }

  /**
   * The event loops each server gets by default: one per core the load generator leaves. The generator
   * runs every connection on one event loop of its own, which takes a core at full load, so a server with
   * one loop per core has more loops than cores left to run them: its loops share a core and wait out
   * each other's scheduler slices, a few milliseconds each, which its p99 then shows. The hit rows of a
   * server with one loop per core are measured beside, see {@link #measureOneLoopPerCore}.
   */
  static int serverLoops(int cores) {
    return Math.max(1, cores - 1);
  }

  private void run(Dynalite upstream, DelayProxy proxy, Path work, boolean inProcess, int connections, int delayedConnections,
      int instances) throws Exception {
    ProcessCpuClock dynaliteCpu = dynaliteCpu(upstream.port());
    ServerUnderTest direct = new ServerUnderTest("upstream direct", upstream.endpoint(), dynaliteCpu);
    ServerUnderTest delayedDirect = new ServerUnderTest("upstream direct", proxy.endpoint(), dynaliteCpu);
    List<String> settings = List.of("server.instances=" + instances);
    List<Duration> launches = new ArrayList<>();
    // Two nodes: one straight on dynalite, one behind the delaying proxy; the second idles until its rows.
    try (AcceleratorNode node = inProcess ? InProcessNode.start(upstream.endpoint(), upstream.region(), instances)
            : launched(NodeProcess.start(SERVER_JVM, upstream.endpoint(), settings, work.resolve("accelerator.log")), launches);
        AcceleratorNode delayedNode = inProcess ? InProcessNode.start(proxy.endpoint(), upstream.region(), instances)
            : launched(NodeProcess.start(SERVER_JVM, proxy.endpoint(), settings, work.resolve("accelerator-delayed.log")), launches)) {
      ServerUnderTest accelerator = new ServerUnderTest("accelerator", node.endpoint(), node.cpu());
      ServerUnderTest delayedAccelerator = new ServerUnderTest("accelerator", delayedNode.endpoint(), delayedNode.cpu());
      setUp(accelerator.endpoint());
      String hotItem = getItem(accelerator.endpoint(), key(0));
      Path answer = Files.writeString(work.resolve("baseline-answer.json"), hotItem);
      String belowTable;
      try (Baseline baseline = inProcess ? Baseline.inProcess(hotItem.getBytes(), instances)
              : Baseline.ownJvm(answer, instances, work.resolve("baseline.log"));
          Baseline forwarder = Baseline.forwarder(upstream.endpoint(), instances, inProcess, work.resolve("forwarder.log"));
          Baseline delayedForwarder = Baseline.forwarder(proxy.endpoint(), instances, inProcess, work.resolve("forwarder-delayed.log"))) {
        Readiness readiness = new Readiness(launches);
        printSetUp(inProcess, connections, delayedConnections, instances, proxy, dynaliteCpu, node, delayedNode, baseline, forwarder, readiness,
            hotItem);
        belowTable = measure(new Contenders(accelerator, forwarder.server(), direct),
            new Contenders(delayedAccelerator, delayedForwarder.server(), delayedDirect), baseline, node, readiness, proxy.delay());
      }
      int cores = Runtime.getRuntime().availableProcessors();
      if (instances != cores) {
        measureOneLoopPerCore(cores, upstream, inProcess, hotItem, answer, work);
      }
      System.out.print(ResultRow.headerLine());
      rows.forEach(row -> System.out.print(row.line()));
      System.out.print(belowTable);
    }
  }

  /**
   * The hit rows once more with every server at one event loop per core, the node's own default for
   * {@code server.instances}, so that the table shows what the cores the load generator takes do to
   * them: for comparison with the hit rows above, not a target.
   */
  private void measureOneLoopPerCore(int cores, Dynalite upstream, boolean inProcess, String hotItem, Path answer, Path work)
      throws Exception {
    try (AcceleratorNode node = inProcess ? InProcessNode.start(upstream.endpoint(), upstream.region(), cores)
            : NodeProcess.start(SERVER_JVM, upstream.endpoint(), List.of("server.instances=" + cores), work.resolve("accelerator-per-core.log"));
        Baseline baseline = inProcess ? Baseline.inProcess(hotItem.getBytes(), cores)
            : Baseline.ownJvm(answer, cores, work.resolve("baseline-per-core.log"))) {
      ServerUnderTest accelerator = new ServerUnderTest("accelerator", node.endpoint(), node.cpu());
      ServerUnderTest base = baseline.server();
      load.run(base.endpoint(), HOT_HITS, warmUp, warmUp);
      warmUntilCompiled(accelerator, List.of(HOT_HITS));
      List<LoadResult> baselineRounds = new ArrayList<>();
      List<LoadResult> acceleratedRounds = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        baselineRounds.add(run(load, base, HOT_HITS));
        acceleratedRounds.add(run(load, accelerator, HOT_HITS));
      }
      System.out.printf(Locale.ROOT, "GetItem hits with %d loops each (the median round is the row), req/s per round: baseline %s,"
          + " accelerator %s%n%n", cores, LoadResult.throughputs(baselineRounds), LoadResult.throughputs(acceleratedRounds));
      LoadResult baselineHits = LoadResult.median(baselineRounds);
      LoadResult hit = LoadResult.median(acceleratedRounds);
      String scenario = "GetItem hits, " + cores + " loops each";
      rows.add(new ResultRow(scenario, base.name(), baselineHits, null, null));
      rows.add(new ResultRow(scenario, accelerator.name(), hit, baselineHits, hit));
    }
  }

  /** Measures every row but those of {@link #measureOneLoopPerCore}, and returns what is printed below the table. */
  private String measure(Contenders saturated, Contenders delayedUpstream, Baseline baseline, AcceleratorNode node, Readiness readiness,
      Duration delay) throws Exception {
    ServerUnderTest base = baseline.server();
    ServerUnderTest accelerator = saturated.accelerator();
    ServerUnderTest direct = saturated.direct();
    AtomicLong misses = new AtomicLong();
    Workload missing = () -> ApiCall.of("GetItem", getItemBody("miss-" + misses.incrementAndGet()));
    AtomicLong puts = new AtomicLong();
    Workload putItems = () -> ApiCall.of("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item("put-" + puts.incrementAndGet()) + "}");
    Workload updates = () -> ApiCall.of("UpdateItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\""
        + key(ThreadLocalRandom.current().nextInt(ALL_KEYS)) + "\"}},\"UpdateExpression\":\"SET n = :n\",\"ExpressionAttributeValues\":{\":n\":{\"N\":\""
        + ThreadLocalRandom.current().nextInt() + "\"}}}");
    Workload batches = () -> ApiCall.of("BatchGetItem", batchGetBody());
    // Warm the JIT of the load generator and the servers before the first measured run; the nodes until
    // their compilers go quiet, so that no row charges them a warm-up cost (JIT us/req shows what is left).
    load.run(base.endpoint(), HOT_HITS, warmUp, warmUp);
    load.run(direct.endpoint(), HOT_HITS, warmUp, warmUp);
    Duration nodeWarmUp = warmUntilCompiled(accelerator, List.of(HOT_HITS, missing, putItems, updates, batches));
    Duration delayedWarmUp = warmUntilCompiled(delayedUpstream.accelerator(), List.of(HOT_HITS, missing, putItems, updates));
    Duration forwarderWarmUp = warmUntilCompiled(saturated.forwarder(), List.of(missing, putItems, updates));
    Duration delayedForwarderWarmUp = warmUntilCompiled(delayedUpstream.forwarder(), List.of(missing, putItems, updates));
    System.out.printf(Locale.ROOT, "warm-up until the JIT compilers used under %d ms of CPU per second of load: accelerator %.1f s,"
            + " the one behind the proxy %.1f s; bare forwarder %.1f s and %.1f s (at most %d s each)%n%n", QUIET_COMPILATION.toMillis(),
        seconds(nodeWarmUp), seconds(delayedWarmUp), seconds(forwarderWarmUp), seconds(delayedForwarderWarmUp), MAX_WARM_UP.toSeconds());
    // Three interleaved rounds; the round with the median throughput stands for each server, so
    // one noisy moment on a shared machine does not decide a ratio.
    List<LoadResult> baselineRounds = new ArrayList<>();
    List<LoadResult> acceleratedRounds = new ArrayList<>();
    List<LoadResult> directRounds = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      baselineRounds.add(run(load, base, HOT_HITS));
      acceleratedRounds.add(run(load, accelerator, HOT_HITS));
      directRounds.add(run(load, direct, HOT_HITS));
    }
    LoadResult baselineHits = LoadResult.median(baselineRounds);
    LoadResult hit = LoadResult.median(acceleratedRounds);
    LoadResult directHits = LoadResult.median(directRounds);
    System.out.printf(Locale.ROOT, "GetItem hits, req/s per round: baseline %s, accelerator %s, upstream %s%n%n",
        LoadResult.throughputs(baselineRounds), LoadResult.throughputs(acceleratedRounds), LoadResult.throughputs(directRounds));
    rows.add(new ResultRow(HITS, base.name(), baselineHits, null, null));
    rows.add(new ResultRow(HITS, accelerator.name(), hit, baselineHits, hit));
    rows.add(new ResultRow(HITS, direct.name(), directHits, baselineHits, null));
    rows.add(new ResultRow("GetItem hits vs upstream", accelerator.name(), hit, directHits, hit));

    Compared miss = compare(load, "GetItem misses", saturated, missing, hit);
    Compared put = compare(load, "PutItem write-through", saturated, putItems, hit);
    Compared update = compare(load, "UpdateItem write-through", saturated, updates, hit);
    compare(load, "BatchGetItem 25 hits", saturated.withoutForwarder(), batches, hit);

    Zipf zipf = new Zipf(ALL_KEYS, 0.99);
    Workload mixed = () -> {
      String key = key(zipf.next());
      if (ThreadLocalRandom.current().nextInt(10) == 0) {
        return ApiCall.of("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item(key) + "}");
      }
      return ApiCall.of("GetItem", getItemBody(key));
    };
    double hitsBefore = node.metric("dynaccel_item_cache_hits_total");
    double missesBefore = node.metric("dynaccel_item_cache_misses_total");
    LoadResult mixedAccelerated = run(load, accelerator, mixed);
    double hitsDelta = node.metric("dynaccel_item_cache_hits_total") - hitsBefore;
    double missesDelta = node.metric("dynaccel_item_cache_misses_total") - missesBefore;
    LoadResult mixedDirect = run(load, direct, mixed);
    rows.add(new ResultRow("Mixed 90/10 Zipf", direct.name(), mixedDirect, null, null));
    rows.add(new ResultRow("Mixed 90/10 Zipf", accelerator.name(), mixedAccelerated, mixedDirect, hit));

    // The same misses and writes with the upstream a network away and light load, so the added p50 is
    // the accelerator's own latency rather than queueing for two shared cores.
    // No CPU ratio against the hit row here: a lightly loaded server spends more CPU per request
    // (wake-ups, timers) than the saturated one of the hit row, so only rows under the same load compare.
    String delayed = ", +" + delay.toMillis() + " ms upstream";
    Compared delayedMiss = compare(light, "GetItem misses" + delayed, delayedUpstream, missing, null);
    Compared delayedPut = compare(light, "PutItem" + delayed, delayedUpstream, putItems, null);
    Compared delayedUpdate = compare(light, "UpdateItem" + delayed, delayedUpstream, updates, null);

    return String.format(Locale.ROOT, "%nMixed 90/10 Zipf (10,000 keys, s=0.99): item cache hit ratio %.3f (%.0f hits, %.0f misses, warm-up included)%n",
        hitsDelta / Math.max(1, hitsDelta + missesDelta), hitsDelta, missesDelta)
        + String.format(Locale.ROOT, "%nTargets (issue 14), with the bare forwarder's figure of the same run beside each miss and write target:%n"
            + "  GetItem hit throughput vs baseline  %.2fx   (target >= 0.95x)%n"
            + "  GetItem hit p99 vs baseline p99     %.2fx   (target <= 1.5x)%n"
            + "  GetItem miss%-22s %s%n"
            + "  PutItem%-27s %s%n"
            + "  UpdateItem%-24s %s%n"
            + "  CPU per miss vs per hit             %s%n"
            + "  CPU per PutItem vs per hit          %s%n"
            + "  CPU per UpdateItem vs per hit       %s%n"
            + "  readiness, median                   %d ms   (target <= 1500 ms; the baseline server's JVM, launched the same way: %s)%n",
        hit.throughput() / baselineHits.throughput(), hit.millis(99) / baselineHits.millis(99),
        delayed, delayedMiss.addedP50(), delayed, delayedPut.addedP50(), delayed, delayedUpdate.addedP50(),
        miss.cpuVsHit(), put.cpuVsHit(), update.cpuVsHit(), readiness.median().toMillis(),
        baseline.readiness() == null ? "n/a" : baseline.readiness().toMillis() + " ms");
  }

  /**
   * Drives a node at full load with each workload in turn, a second each, until a whole pass costs its
   * JIT compilers under {@link #QUIET_COMPILATION} per second, or {@link #MAX_WARM_UP} has passed; at
   * once where the compilers' share cannot be measured. Returns how long it took.
   */
  private Duration warmUntilCompiled(ServerUnderTest node, List<Workload> workloads) {
    long began = System.nanoTime();
    Duration elapsed;
    boolean quiet;
    do {
      Duration compiling = Duration.ZERO;
      for (Workload workload : workloads) {
        Duration used = load.run(node.endpoint(), workload, Duration.ZERO, Duration.ofSeconds(1), node.cpu()).compilation();
        compiling = used == null ? null : compiling == null ? null : compiling.plus(used);
      }
      elapsed = Duration.ofNanos(System.nanoTime() - began);
      quiet = compiling == null || compiling.compareTo(QUIET_COMPILATION.multipliedBy(workloads.size())) < 0;
    } while (!quiet && elapsed.compareTo(MAX_WARM_UP) < 0);
    return elapsed;
  }

  private LoadResult run(LoadGenerator generator, ServerUnderTest server, Workload workload) {
    return generator.run(server.endpoint(), workload, warmUp, measured, server.cpu());
  }

  /**
   * Direct first, then through the bare forwarder (where there is one), then through the accelerator;
   * adds their rows, each judged against the direct one, and returns the accelerator's and the forwarder's.
   */
  private Compared compare(LoadGenerator generator, String scenario, Contenders servers, Workload workload, LoadResult hit) {
    LoadResult straight = run(generator, servers.direct(), workload);
    rows.add(new ResultRow(scenario, servers.direct().name(), straight, null, null));
    ResultRow forwarded = null;
    if (servers.forwarder() != null) {
      forwarded = new ResultRow(scenario, servers.forwarder().name(), run(generator, servers.forwarder(), workload), straight, hit);
      rows.add(forwarded);
    }
    ResultRow accelerated = new ResultRow(scenario, servers.accelerator().name(), run(generator, servers.accelerator(), workload), straight, hit);
    rows.add(accelerated);
    return new Compared(accelerated, forwarded);
  }

  /**
   * The servers a miss or write row compares, all on one upstream: the accelerator, the bare forwarder
   * (null where it has no row) and the upstream called directly.
   */
  private record Contenders(ServerUnderTest accelerator, ServerUnderTest forwarder, ServerUnderTest direct) {
    Contenders withoutForwarder() {
      return new Contenders(accelerator, null, direct);
    }
  }

  /** The accelerator's row of a scenario and the bare forwarder's, for the printed targets. */
  private record Compared(ResultRow accelerator, ResultRow forwarder) {

    /** The accelerator's added p50 against the target, and the forwarder's beside it: the least any HTTP forward adds here. */
    String addedP50() {
      return String.format(Locale.ROOT, "%+.3f ms (target <= 0.2 ms added p50; bare forwarder %+.3f ms)", accelerator.addedP50Millis(),
          forwarder.addedP50Millis());
    }

    /** The accelerator's CPU against a hit's, and the forwarder's beside it. */
    String cpuVsHit() {
      return String.format(Locale.ROOT, "%s   (target <= 2x; bare forwarder %s)", ratio(accelerator.cpuRatio()), ratio(forwarder.cpuRatio()));
    }
  }

  private static void printSetUp(boolean inProcess, int connections, int delayedConnections, int instances, DelayProxy proxy,
      ProcessCpuClock dynalite, AcceleratorNode node, AcceleratorNode delayedNode, Baseline baseline, Baseline forwarder, Readiness readiness,
      String hotItem) {
    Runtime.Version version = Runtime.version();
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "Dynaccel load benchmark: %d connections (%d for the rows through the proxy), %d cores, java %s (%s)%n",
        connections, delayedConnections, cores, version, System.getProperty("java.vm.name"));
    System.out.printf("load generator: pid %d, JVM %s, every connection on one event loop%n", ProcessHandle.current().pid(),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    System.out.printf("event loops of every server: %d%s%n", instances, instances == serverLoops(cores)
        ? " (the cores the load generator's loop leaves; --instances N to change)" : " (--instances)");
    System.out.printf("accelerator: %s, server.instances=%d; the one in front of the proxy: %s%n", node.process(), instances, delayedNode.process());
    System.out.printf("baseline server: %s, %d fronts%s%n", baseline.process(), instances,
        baseline.readiness() == null ? "" : ", launch until GET /health/ready answered 200: " + baseline.readiness().toMillis() + " ms");
    System.out.printf("bare forwarder (passes each call to the upstream unparsed and unsigned, for the miss and write rows): %s, %d fronts;"
        + " a second one in front of the proxy%n", forwarder.process(), instances);
    System.out.println(inProcess ? "readiness: not measured in-process"
        : "readiness (node JVM launch until GET /health/ready answers 200): " + readiness.describe());
    System.out.printf("upstream: dynalite (node.js), pid %d; the rows through the proxy reach it through %s, in the generator's JVM%n",
        dynalite.pid(), proxy.describe());
    System.out.println("CPU us/req: user+system CPU of the answering process (accelerator, baseline or dynalite) over the measured"
        + " period, per successful request; 10 ms clock ticks");
    System.out.printf("GetItem answer used by the baseline: %d bytes%n%n", hotItem.length());
  }

  private static AcceleratorNode launched(NodeProcess node, List<Duration> launches) {
    launches.add(node.readiness());
    return node;
  }

  /** The CPU clock of our dynalite: the child process started with {@code --port <port>}. */
  private static ProcessCpuClock dynaliteCpu(int port) {
    ProcessHandle process = ProcessHandle.current().children()
        .filter(child -> child.info().arguments().map(arguments -> List.of(arguments).contains(Integer.toString(port))).orElse(false))
        .filter(child -> child.info().commandLine().orElse("").contains("dynalite"))
        .findFirst().orElseThrow(() -> new IllegalStateException("no dynalite child process on port " + port));
    return ProcessCpuClock.of(process.pid());
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1e3;
  }

  private static String ratio(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio);
  }

  /**
   * A baseline server or a bare forwarder, in a JVM of its own or in the load generator's.
   *
   * @param readiness from launching its JVM until it answered {@code GET /health/ready}; null in the generator's JVM
   */
  private record Baseline(ServerUnderTest server, AutoCloseable running, String process, Duration readiness) implements AutoCloseable {

    static Baseline inProcess(byte[] answer, int instances) {
      BaselineServer server = BaselineServer.start(answer, instances);
      return inThisJvm("baseline server", server.port(), server);
    }

    static Baseline ownJvm(Path answer, int instances, Path log) {
      return launched("baseline server", BaselineServer.class, instances, answer.toString(), log);
    }

    static Baseline forwarder(URI upstream, int instances, boolean inProcess, Path log) {
      if (inProcess) {
        BaselineForwarder forwarder = BaselineForwarder.start(upstream, instances, -1);
        return inThisJvm(FORWARDER, forwarder.port(), forwarder);
      }
      return launched(FORWARDER, BaselineForwarder.class, instances, upstream.toString(), log);
    }

    private static Baseline inThisJvm(String name, int port, AutoCloseable running) {
      return new Baseline(new ServerUnderTest(name, URI.create("http://127.0.0.1:" + port), null), running, InProcessNode.PROCESS, null);
    }

    /** Launches a main class that takes {@code PORT INSTANCES <argument>} and answers {@code GET /health/ready}. */
    private static Baseline launched(String name, Class<?> main, int instances, String argument, Path log) {
      int port = NodeProcess.freePort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      JvmProcess process = JvmProcess.start(SERVER_JVM, main.getName(), List.of(Integer.toString(port), Integer.toString(instances), argument),
          endpoint.resolve("/health/ready"), log);
      return new Baseline(new ServerUnderTest(name, endpoint, ProcessCpuClock.of(process.pid())), process, process.describe(),
          process.readiness());
    }

    @Override
    public void close() throws Exception {
      running.close();
    }
  }

  private static void setUp(URI accelerator) throws Exception {
    call(accelerator, "CreateTable", "{\"TableName\":\"" + TABLE + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!call(accelerator, "DescribeTable", "{\"TableName\":\"" + TABLE + "\"}").contains("\"ACTIVE\"")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("table did not become ACTIVE");
      }
    }
    for (int batch = 0; batch < ALL_KEYS / 25; batch++) {
      StringBuilder writes = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        writes.append(i == 0 ? "" : ",").append("{\"PutRequest\":{\"Item\":").append(item(key(batch * 25 + i))).append("}}");
      }
      String answer = call(accelerator, "BatchWriteItem", "{\"RequestItems\":{\"" + TABLE + "\":[" + writes + "]}}");
      if (!answer.equals("{\"UnprocessedItems\":{}}")) {
        throw new IllegalStateException("set-up write failed: " + answer);
      }
    }
  }

  private static String key(int n) {
    return "key-" + n;
  }

  private static String item(String key) {
    return "{\"pk\":{\"S\":\"" + key + "\"},\"n\":{\"N\":\"42\"},\"payload\":{\"S\":\"" + PAYLOAD + "\"}}";
  }

  private static String getItemBody(String key) {
    return "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}}}";
  }

  private static String batchGetBody() {
    int first = ThreadLocalRandom.current().nextInt(HOT_KEYS - 25);
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      keys.append(i == 0 ? "" : ",").append("{\"pk\":{\"S\":\"").append(key(first + i)).append("\"}}");
    }
    return "{\"RequestItems\":{\"" + TABLE + "\":{\"Keys\":[" + keys + "]}}}";
  }

  private static String getItem(URI endpoint, String key) throws Exception {
    return call(endpoint, "GetItem", getItemBody(key));
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String call(URI endpoint, String operation, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
