package io.dynaccel.bench;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.localstack.Dynalite;
import io.dynaccel.server.DynaccelServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What authentication costs on the hit path: cache-hit GetItem throughput of a node with
 * {@code auth.mode: sigv4} against a node with {@code auth.mode: none}, both in front of the same
 * dynalite, in the same run, in interleaved rounds (the median round of each stands). The sigv4 calls
 * are signed by the AWS SDK's own signer once, before the run, so the load generator's own cost is the
 * same for both nodes; each call's signature is still verified in full by the node. Target: sigv4 at
 * least 0.90x of none.
 *
 * <p>Run with {@code bench/run.sh auth [--seconds N] [--connections N]} (about a minute).
 */
final class AuthCostRun {

  private static final String TABLE = "AuthBench";
  private static final int HOT_KEYS = 1_000;

  private AuthCostRun() {
  }

  /** Runs both nodes and prints their rows and the ratio. */
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
    Duration warmUp = LoadGenerator.seconds(Math.max(2, seconds / 2));
    Duration measured = LoadGenerator.seconds(seconds);
    Path config = SignedCalls.principalConfig(Files.createTempDirectory("dynaccel-auth-bench"), TABLE);
    try (Dynalite upstream = Dynalite.onFreePort(); LoadGenerator load = new LoadGenerator(connections)) {
      upstream.start();
      DynaccelServer open = start(upstream, List.of());
      DynaccelServer signed = start(upstream, List.of("--config", config.toString()));
      try {
        URI none = URI.create("http://127.0.0.1:" + open.port());
        URI sigv4 = URI.create("http://127.0.0.1:" + signed.port());
        SignedCalls signer = new SignedCalls(sigv4, upstream.region());
        setUp(signer);
        List<ApiCall> presigned = new ArrayList<>();
        for (int i = 0; i < HOT_KEYS; i++) {
          presigned.add(signer.sign("GetItem", getItemBody(i)));
        }
        Workload plain = () -> ApiCall.of("GetItem", getItemBody(ThreadLocalRandom.current().nextInt(HOT_KEYS)));
        Workload verified = () -> presigned.get(ThreadLocalRandom.current().nextInt(HOT_KEYS));
        System.out.printf(Locale.ROOT, "Auth cost: cache-hit GetItem, %d connections, %s warm-up + %s measured per round, %d cores%n",
            connections, warmUp, measured, Runtime.getRuntime().availableProcessors());
        // Warm-up fills both caches and the JIT of both nodes and of the generator.
        load.run(none, plain, warmUp, warmUp);
        load.run(sigv4, verified, warmUp, warmUp);
        List<LoadResult> noneRounds = new ArrayList<>();
        List<LoadResult> sigv4Rounds = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          noneRounds.add(load.run(none, plain, warmUp, measured));
          sigv4Rounds.add(load.run(sigv4, verified, warmUp, measured));
        }
        LoadResult base = LoadResult.median(noneRounds);
        LoadResult auth = LoadResult.median(sigv4Rounds);
        String format = "%-14s %12s %9s %9s %7s%n";
        System.out.printf(format, "auth.mode", "req/s", "p50 ms", "p99 ms", "errors");
        for (Map.Entry<String, LoadResult> row : Map.of("none", base, "sigv4", auth).entrySet().stream()
            .sorted(Map.Entry.comparingByKey()).toList()) {
          LoadResult r = row.getValue();
          System.out.printf(format, row.getKey(), String.format(Locale.ROOT, "%,.0f", r.throughput()),
              String.format(Locale.ROOT, "%.3f", r.millis(50)), String.format(Locale.ROOT, "%.3f", r.millis(99)), r.failures());
        }
        System.out.printf(Locale.ROOT, "Rounds, req/s: none %s, sigv4 %s%n", LoadResult.throughputs(noneRounds), LoadResult.throughputs(sigv4Rounds));
        System.out.printf(Locale.ROOT, "Target: sigv4 hit throughput >= 0.90x none: %.3fx; p99 %.2fx%n",
            auth.throughput() / base.throughput(), auth.millis(99) / base.millis(99));
      } finally {
        LoadGenerator.await(open.close());
        LoadGenerator.await(signed.close());
      }
    }
  }

  private static DynaccelServer start(Dynalite upstream, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--host", "127.0.0.1",
        "--instances", Integer.toString(Runtime.getRuntime().availableProcessors()),
        "--upstream", upstream.endpoint().toString(), "--region", upstream.region(), "--set", "admin.port=0"));
    args.addAll(extra);
    return LoadGenerator.await(DynaccelServer.start(ConfigLoader.load(args.toArray(String[]::new), Map.of()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"))));
  }

  private static String getItemBody(int key) {
    return "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"key-" + key + "\"}}}";
  }

  /** Creates the table and its hot items through the sigv4 node (the upstream is the same). */
  private static void setUp(SignedCalls signer) throws Exception {
    signer.createTable(TABLE);
    for (int batch = 0; batch < HOT_KEYS / 25; batch++) {
      StringBuilder writes = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        writes.append(i == 0 ? "" : ",").append("{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"key-").append(batch * 25 + i)
            .append("\"},\"payload\":{\"S\":\"").append("x".repeat(900)).append("\"}}}}");
      }
      String answer = signer.call("BatchWriteItem", "{\"RequestItems\":{\"" + TABLE + "\":[" + writes + "]}}");
      if (!answer.equals("{\"UnprocessedItems\":{}}")) {
        throw new IllegalStateException("set-up write failed: " + answer);
      }
    }
  }
}
