package io.dynaccel.bench;

import io.dynaccel.localstack.Dynalite;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The soak: a node with {@code auth.mode: sigv4} in a JVM process of its own, in front of dynalite,
 * under a mixed workload of SigV4-signed calls (GetItem, PutItem, UpdateItem, Query over Zipf-chosen
 * keys) for a long time at half of the capacity measured at the start of the same run. It reports the
 * errors (target 0) and the node's heap after a full GC at the start and at the end (target flat),
 * with a line per minute in between. The caches fill during the run, so beside the heap it prints the
 * bytes the item and query caches hold (from the node's metrics) and the heap outside them: that part
 * must stay flat. Not part of CI.
 *
 * <p>Run with {@code bench/run.sh soak} ({@code --minutes N}, default 10; {@code --fraction F} of the
 * measured capacity, default 0.5).
 */
final class SoakRun {

  private static final List<String> NODE_JVM = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");
  private static final String TABLE = "Soak";
  private static final int KEYS = 10_000;
  private static final String PAYLOAD = "x".repeat(400);
  private static final Duration CAPACITY_WARM_UP = Duration.ofSeconds(10);
  private static final Duration CAPACITY_MEASURED = Duration.ofSeconds(10);
  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

  private SoakRun() {
  }

  /** Runs the soak and prints its report. */
  public static void main(String[] args) throws Exception {
    double minutes = 10;
    double fraction = 0.5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
        case "--fraction" -> fraction = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("dynaccel-soak");
    Path config = SignedCalls.principalConfig(dir, TABLE);
    try (Dynalite upstream = Dynalite.onFreePort()) {
      upstream.start();
      try (NodeProcess node = NodeProcess.start(NODE_JVM, upstream.endpoint(), List.of(), config, dir.resolve("node.log"))) {
        SignedCalls calls = new SignedCalls(node.endpoint(), upstream.region());
        calls.createTable(TABLE);
        Zipf zipf = new Zipf(KEYS, 0.99);
        Workload mixed = () -> next(calls, "key-" + zipf.next());
        System.out.printf(Locale.ROOT, "Dynaccel soak: node JVM %s, auth sigv4, mixed 75%% GetItem / 10%% PutItem / 10%% UpdateItem / 5%% Query"
            + " over %,d Zipf keys, %d cores%n", NODE_JVM, KEYS, Runtime.getRuntime().availableProcessors());
        double capacity;
        try (LoadGenerator closedLoop = new LoadGenerator(32)) {
          closedLoop.run(node.endpoint(), mixed, CAPACITY_WARM_UP, CAPACITY_WARM_UP);
          LoadResult measured = closedLoop.run(node.endpoint(), mixed, Duration.ofSeconds(1), CAPACITY_MEASURED);
          capacity = measured.throughput();
          System.out.printf(Locale.ROOT, "Capacity (closed loop, 32 connections, %s): %,.0f req/s, %d errors%n",
              CAPACITY_MEASURED, capacity, measured.failures());
        }
        double rate = capacity * fraction;
        Heap start = Heap.of(node);
        System.out.printf(Locale.ROOT, "Soak at %,.0f req/s (%.2f of capacity) for %.1f min; at start %s%n", rate, fraction, minutes, start);
        Vertx vertx = Vertx.vertx();
        long sentOk;
        long errors;
        try (PacedLoad load = new PacedLoad(vertx, node.endpoint(), mixed, rate, 256)) {
          load.start();
          long end = System.nanoTime() + (long) (minutes * 60e9);
          int minute = 0;
          while (System.nanoTime() < end) {
            long wait = Math.min(TimeUnit.MINUTES.toNanos(1), end - System.nanoTime());
            TimeUnit.NANOSECONDS.sleep(wait);
            Histogram interval = load.interval();
            minute++;
            System.out.printf(Locale.ROOT, "minute %2d: %,d ok so far, %d errors so far; this interval %,.0f req/s, p50 %.3f ms, p99 %.3f ms,"
                + " max %.3f ms; %s%n", minute, load.ok(), load.errors(), interval.getTotalCount() / (wait / 1e9),
                interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0,
                Heap.of(node));
          }
          sentOk = load.ok();
          errors = load.errors();
          if (errors > 0) {
            System.out.println("Errors by kind: " + load.errorKinds());
          }
        } finally {
          vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        Heap end = Heap.of(node);
        System.out.printf(Locale.ROOT, "%nSoak result: %,d calls answered 200, %d errors (target 0); heap after GC %,d KiB at start, %,d KiB at end;"
            + " outside the caches %,d KiB at start, %,d KiB at end (%+.1f%%, target flat)%n", sentOk, errors, start.afterGcKib(),
            end.afterGcKib(), start.outsideCachesKib(), end.outsideCachesKib(),
            100.0 * (end.outsideCachesKib() - start.outsideCachesKib()) / start.outsideCachesKib());
      }
    }
  }

  private static ApiCall next(SignedCalls calls, String key) {
    int dice = ThreadLocalRandom.current().nextInt(100);
    String keyJson = "{\"pk\":{\"S\":\"" + key + "\"}}";
    if (dice < 75) {
      return calls.sign("GetItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":" + keyJson + "}");
    } else if (dice < 85) {
      return calls.sign("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"n\":{\"N\":\"1\"},"
          + "\"payload\":{\"S\":\"" + PAYLOAD + "\"}}}");
    } else if (dice < 95) {
      return calls.sign("UpdateItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":" + keyJson
          + ",\"UpdateExpression\":\"ADD n :one\",\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}}}");
    }
    return calls.sign("Query", "{\"TableName\":\"" + TABLE + "\",\"KeyConditionExpression\":\"pk = :k\","
        + "\"ExpressionAttributeValues\":{\":k\":{\"S\":\"" + key + "\"}}}");
  }

  /**
   * The node's heap after a full GC ({@code jcmd GC.run}, then {@code jcmd GC.heap_info}) and what its
   * item and query caches hold, in KiB.
   */
  private record Heap(long afterGcKib, long cachesKib) {

    static Heap of(NodeProcess node) throws IOException, InterruptedException {
      jcmd(node.pid(), "GC.run");
      String info = jcmd(node.pid(), "GC.heap_info");
      Matcher used = HEAP_USED.matcher(info);
      if (!used.find()) {
        throw new IllegalStateException("no heap figure in jcmd GC.heap_info: " + info);
      }
      long caches = (long) (node.metric("dynaccel_item_cache_size_bytes") + node.metric("dynaccel_query_cache_size_bytes")) / 1024;
      return new Heap(Long.parseLong(used.group(1)), caches);
    }

    long outsideCachesKib() {
      return afterGcKib - cachesKib;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "heap after GC %,d KiB, caches %,d KiB, outside them %,d KiB", afterGcKib, cachesKib, outsideCachesKib());
    }
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + output);
    }
    return output;
  }
}
