package io.dynaccel.bench;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.localstack.Dynalite;
import io.dynaccel.server.DynaccelServer;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The load benchmark: starts dynalite (the upstream), the accelerator and a baseline server on this
 * machine, drives each with the same closed-loop load, and prints every figure beside the baseline
 * measured in the same run. Absolute numbers drift on shared machines; the ratios are the result.
 *
 * <p>Run with {@code bench/run.sh} from the repository root (it builds first). Options:
 * {@code --seconds N} measured seconds per scenario (default 5), {@code --connections N} (32).
 */
public final class LoadBenchmark {

  private static final String TABLE = "Bench";
  private static final int HOT_KEYS = 1_000;
  private static final int ALL_KEYS = 10_000;
  private static final String PAYLOAD = "x".repeat(900);

  private final List<String[]> rows = new ArrayList<>();
  private final LoadGenerator load;
  private final Duration warmUp;
  private final Duration measured;

  private LoadBenchmark(LoadGenerator load, Duration warmUp, Duration measured) {
    this.load = load;
    this.warmUp = warmUp;
    this.measured = measured;
  }

  /** Runs the benchmark and prints the table. */
  public static void main(String[] args) throws Exception {
    double seconds = 5;
    int connections = 32;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    try (Dynalite upstream = Dynalite.onFreePort(); LoadGenerator load = new LoadGenerator(connections)) {
      upstream.start();
      new LoadBenchmark(load, LoadGenerator.seconds(Math.max(2, seconds / 2)), LoadGenerator.seconds(seconds)).run(upstream, connections);
    }
  }

  private void run(Dynalite upstream, int connections) throws Exception {
    int instances = Runtime.getRuntime().availableProcessors();
    DynaccelServer node = LoadGenerator.await(DynaccelServer.start(
        ConfigLoader.load(new String[] {"--port", "0", "--host", "127.0.0.1", "--instances", Integer.toString(instances),
            "--upstream", upstream.endpoint().toString(), "--region", upstream.region(), "--set", "admin.port=0"}, Map.of()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"))));
    URI accelerator = URI.create("http://127.0.0.1:" + node.port());
    URI direct = upstream.endpoint();
    System.out.printf(Locale.ROOT, "Dynaccel load benchmark: %d connections, %s warm-up + %s measured per run, %d cores%n",
        connections, warmUp, measured, instances);
    setUp(accelerator);
    String hotItem = getItem(accelerator, key(0));
    try (BaselineServer baseline = BaselineServer.start(hotItem.getBytes(), instances)) {
      URI base = URI.create("http://127.0.0.1:" + baseline.port());
      System.out.printf("GetItem answer used by the baseline: %d bytes%n%n", hotItem.length());

      Workload hits = () -> ApiCall.of("GetItem", getItemBody(key(ThreadLocalRandom.current().nextInt(HOT_KEYS))));
      // Warm the JIT of the load generator and both servers before the first measured run.
      load.run(base, hits, warmUp, warmUp);
      load.run(accelerator, hits, warmUp, warmUp);
      // Three interleaved rounds; the round with the median throughput stands for each server, so
      // one noisy moment on a shared machine does not decide a ratio.
      List<LoadResult> baselineRounds = new ArrayList<>();
      List<LoadResult> acceleratedRounds = new ArrayList<>();
      List<LoadResult> directRounds = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        baselineRounds.add(load.run(base, hits, warmUp, measured));
        acceleratedRounds.add(load.run(accelerator, hits, warmUp, measured));
        directRounds.add(load.run(direct, hits, warmUp, measured));
      }
      LoadResult baselineHits = LoadResult.median(baselineRounds);
      LoadResult acceleratedHits = LoadResult.median(acceleratedRounds);
      LoadResult directHits = LoadResult.median(directRounds);
      System.out.printf(Locale.ROOT, "GetItem hits, req/s per round: baseline %s, accelerator %s, upstream %s%n%n",
          LoadResult.throughputs(baselineRounds), LoadResult.throughputs(acceleratedRounds), LoadResult.throughputs(directRounds));
      row("GetItem hits (median of 3)", "baseline server", baselineHits, null);
      row("GetItem hits (median of 3)", "accelerator", acceleratedHits, baselineHits);
      row("GetItem hits (median of 3)", "upstream direct", directHits, baselineHits);
      row("GetItem hits vs upstream", "accelerator", acceleratedHits, directHits);

      AtomicLong misses = new AtomicLong();
      Workload missing = () -> ApiCall.of("GetItem", getItemBody("miss-" + misses.incrementAndGet()));
      compare("GetItem misses", accelerator, direct, missing);

      AtomicLong puts = new AtomicLong();
      Workload putItems = () -> ApiCall.of("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item("put-" + puts.incrementAndGet()) + "}");
      compare("PutItem write-through", accelerator, direct, putItems);

      Workload updates = () -> ApiCall.of("UpdateItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\""
          + key(ThreadLocalRandom.current().nextInt(ALL_KEYS)) + "\"}},\"UpdateExpression\":\"SET n = :n\",\"ExpressionAttributeValues\":{\":n\":{\"N\":\""
          + ThreadLocalRandom.current().nextInt() + "\"}}}");
      compare("UpdateItem write-through", accelerator, direct, updates);

      Workload batches = () -> ApiCall.of("BatchGetItem", batchGetBody());
      compare("BatchGetItem 25 hits", accelerator, direct, batches);

      Zipf zipf = new Zipf(ALL_KEYS, 0.99);
      Workload mixed = () -> {
        String key = key(zipf.next());
        if (ThreadLocalRandom.current().nextInt(10) == 0) {
          return ApiCall.of("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item(key) + "}");
        }
        return ApiCall.of("GetItem", getItemBody(key));
      };
      double hitsBefore = counter(node, "dynaccel_item_cache_hits_total");
      double missesBefore = counter(node, "dynaccel_item_cache_misses_total");
      LoadResult mixedAccelerated = load.run(accelerator, mixed, warmUp, measured);
      double hitsDelta = counter(node, "dynaccel_item_cache_hits_total") - hitsBefore;
      double missesDelta = counter(node, "dynaccel_item_cache_misses_total") - missesBefore;
      LoadResult mixedDirect = load.run(direct, mixed, warmUp, measured);
      row("Mixed 90/10 Zipf", "upstream direct", mixedDirect, null);
      row("Mixed 90/10 Zipf", "accelerator", mixedAccelerated, mixedDirect);
      print();
      System.out.printf(Locale.ROOT, "%nMixed 90/10 Zipf (10,000 keys, s=0.99): item cache hit ratio %.3f (%.0f hits, %.0f misses, warm-up included)%n",
          hitsDelta / Math.max(1, hitsDelta + missesDelta), hitsDelta, missesDelta);
      System.out.printf(Locale.ROOT, "Targets: hit throughput >= 0.80x baseline: %.2fx; hit p99 <= 1.5x baseline: %.2fx; PutItem >= 0.85x direct: see row above%n",
          acceleratedHits.throughput() / baselineHits.throughput(), acceleratedHits.millis(99) / baselineHits.millis(99));
    } finally {
      LoadGenerator.await(node.close());
    }
    readiness(upstream.endpoint());
  }

  private void compare(String scenario, URI accelerator, URI direct, Workload workload) {
    LoadResult straight = load.run(direct, workload, warmUp, measured);
    LoadResult accelerated = load.run(accelerator, workload, warmUp, measured);
    row(scenario, "upstream direct", straight, null);
    row(scenario, "accelerator", accelerated, straight);
  }

  private void row(String scenario, String target, LoadResult result, LoadResult against) {
    String ratio = against == null ? "" : String.format(Locale.ROOT, "%.2fx / %.2fx / %.2fx",
        result.throughput() / against.throughput(), result.millis(50) / against.millis(50), result.millis(99) / against.millis(99));
    rows.add(new String[] {scenario, target,
        String.format(Locale.ROOT, "%,.0f", result.throughput()),
        String.format(Locale.ROOT, "%.3f", result.millis(50)),
        String.format(Locale.ROOT, "%.3f", result.millis(99)),
        String.format(Locale.ROOT, "%.3f", result.millis(99.9)),
        Long.toString(result.failures()),
        ratio});
  }

  private void print() {
    String format = "%-28s %-16s %12s %9s %9s %9s %7s  %s%n";
    System.out.printf(format, "scenario", "target", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "vs row above it: req/s / p50 / p99");
    rows.forEach(r -> System.out.printf(format, (Object[]) r));
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

  private static double counter(DynaccelServer node, String name) {
    return node.metrics().scrape().lines().filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** Starts the server jar as its own process, three times, and reports the time until /health answers. */
  private static void readiness(URI upstream) throws Exception {
    Path jar = Path.of("server/target/dynaccel-server.jar");
    if (!Files.exists(jar)) {
      System.out.println("\nReadiness: server/target/dynaccel-server.jar not found; run from the repository root after packaging");
      return;
    }
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int port;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      long began = System.nanoTime();
      Process process = new ProcessBuilder("java", "-jar", jar.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1",
          "--upstream", upstream.toString(), "--set", "admin.port=0").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        while (true) {
          try {
            if (HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofMillis(200)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              break;
            }
          } catch (IOException notYet) {
            if (!process.isAlive()) {
              throw new IllegalStateException("server process exited with " + process.exitValue());
            }
          }
        }
        millis.add((System.nanoTime() - began) / 1_000_000);
      } finally {
        process.destroy();
        process.waitFor();
      }
    }
    System.out.printf("%nReadiness (java -jar until GET /health answers 200, 3 starts): %s ms (target 1500 ms)%n", millis);
  }
}
