package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.NodeProcess.Exit;
import io.dynaccel.server.it.NodeProcess.Launch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SIGTERM and SIGINT are a graceful shutdown: the node stops accepting, answers every request it
 * had accepted completely (within {@code server.shutdownTimeout}), flushes every dirty write to
 * DynamoDB within {@code writeBack.shutdownTimeout} and exits 0; a second signal during the drain
 * exits at once with 128 + the signal. What it cannot flush in time (no time given, or DynamoDB
 * down) stays in the log, and the next start replays it, serves it and flushes it.
 *
 * <p>The flush interval is an hour, so nothing reaches DynamoDB by time: what DynamoDB holds
 * after the exit was flushed by the shutdown, or by the next start. The slow requests come from a
 * {@link DelayingProxy} between the node and DynamoDB that holds the answers while the signal is
 * sent.
 */
class GracefulShutdownIT {

  private static final String TABLE = "Shutdown";
  private static final int ITEMS = 200;
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);
  /** The exit status of a complete graceful stop. */
  private static final int STOPPED = 0;
  /** The exit status after a second SIGTERM: 128 + 15, as a shell reports a process the signal ended. */
  private static final int SECOND_SIGTERM_STATUS = 143;
  private static final int BURST = 40;

  /** What a JVM on a busy 2-core machine may take beyond the shutdown deadline to exit. */
  private static final Duration EXIT_SLACK = Duration.ofSeconds(15);

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static DirectTable table;

  @BeforeAll
  static void createTable() {
    table = DirectTable.create(upstream.emulator(), TABLE);
  }

  @AfterAll
  static void close() {
    table.close();
  }

  private static Launch launch(String name, String... settings) {
    Path logDir = Path.of("target", "it-wal", name + "-" + System.currentTimeMillis());
    return Launch.of(name, upstream.emulator())
        .with(NodeProcess.STRATEGY.settings(logDir))
        .with("writeBack.fsync=always", "writeBack.flushInterval=1h", "writeBack.shutdownTimeout=" + SHUTDOWN_TIMEOUT.toSeconds() + "s")
        .with(settings);
  }

  @Test
  void sigterm_withDirtyWrites_flushesThemAllAndExitsZeroWithinTheDeadline() throws Exception {
    Exit exit;
    try (NodeProcess node = NodeProcess.start(launch("shutdown-flushes"))) {
      writeItems(node, "flushed");
      assertHeldByDynamoDb("flushed", NodeProcess.STRATEGY.writesBack() ? 0 : ITEMS);
      exit = node.terminate(SHUTDOWN_TIMEOUT.plus(EXIT_SLACK));
    }
    System.out.printf("GracefulShutdownIT: strategy %s, %d dirty items, exited %d after %d ms, DynamoDB holds %d%n",
        NodeProcess.STRATEGY, ITEMS, exit.status(), exit.took().toMillis(), heldByDynamoDb("flushed"));
    assertHeldByDynamoDb("flushed", ITEMS);
    // 0, not the 143 of a JVM that the signal ended: the stop was the one asked for, and complete.
    assertThat(exit.status()).as("exit status after a complete flush").isEqualTo(STOPPED);
  }

  @Test
  void sigterm_withNoTimeToFlush_leavesTheWritesInTheLogAndTheNextStartServesAndFlushesThem() throws Exception {
    Launch launch = launch("shutdown-no-time", "writeBack.shutdownTimeout=0s");
    try (NodeProcess node = NodeProcess.start(launch)) {
      writeItems(node, "left");
      Exit exit = node.terminate(EXIT_SLACK);
      System.out.printf("GracefulShutdownIT: strategy %s, shutdownTimeout 0s: exited %d after %d ms, DynamoDB holds %d of %d%n",
          NodeProcess.STRATEGY, exit.status(), exit.took().toMillis(), heldByDynamoDb("left"), ITEMS);
    }
    if (NodeProcess.STRATEGY.writesBack()) {
      assertThat(heldByDynamoDb("left")).as("items flushed with no time to flush").isLessThan(ITEMS);
    }
    assertReplayedServedAndFlushed(launch.named("shutdown-no-time-next").with("writeBack.shutdownTimeout=" + SHUTDOWN_TIMEOUT.toSeconds() + "s"), "left");
  }

  @Test
  void sigterm_whileDynamoDbIsDown_exitsByTheDeadlineAndTheNextStartFlushesEverything() throws Exception {
    Duration shortTimeout = Duration.ofSeconds(3);
    Launch launch = launch("shutdown-upstream-down", "writeBack.shutdownTimeout=" + shortTimeout.toSeconds() + "s");
    try (NodeProcess node = NodeProcess.start(launch)) {
      writeItems(node, "stranded");
      upstream.emulator().stop();
      Exit exit;
      try {
        exit = node.terminate(shortTimeout.plus(EXIT_SLACK));
      } finally {
        upstream.emulator().start();
      }
      System.out.printf("GracefulShutdownIT: strategy %s, DynamoDB down, shutdownTimeout %d s: exited %d after %d ms%n",
          NodeProcess.STRATEGY, shortTimeout.toSeconds(), exit.status(), exit.took().toMillis());
    }
    if (NodeProcess.STRATEGY.writesBack()) {
      assertThat(heldByDynamoDb("stranded")).as("items flushed while DynamoDB was down").isZero();
    }
    assertReplayedServedAndFlushed(launch.named("shutdown-upstream-down-next"), "stranded");
  }

  @Test
  void sigterm_underConcurrentWrites_everyAcknowledgedWriteIsInDynamoDb() throws Exception {
    int writers = 4;
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicInteger failures = new AtomicInteger();
    Exit exit;
    try (NodeProcess node = NodeProcess.start(launch("shutdown-under-load"));
        DynamoDbClient client = DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(30))) {
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          String prefix = "load-w" + w + "-";
          futures.add(pool.submit(() -> {
            // Each key is written once, so an acknowledged key must end up in DynamoDB as written.
            for (int n = 0; failures.get() < 20 * writers; n++) {
              String key = prefix + n;
              try {
                client.putItem(b -> b.tableName(TABLE).item(item(key)));
                acknowledged.add(key);
              } catch (SdkException e) {
                failures.incrementAndGet();
              } catch (RuntimeException e) {
                unexpected.add(key + ": " + e);
                return;
              }
            }
          }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 100);
        exit = node.terminate(SHUTDOWN_TIMEOUT.plus(EXIT_SLACK));
        for (Future<?> future : futures) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    List<String> missing = acknowledged.stream().filter(key -> !item(key).equals(table.read(key))).toList();
    System.out.printf("GracefulShutdownIT: strategy %s, SIGTERM under %d writers: %d acknowledged, %d failed, exited %d after %d ms, %d missing%n",
        NodeProcess.STRATEGY, writers, acknowledged.size(), failures.get(), exit.status(), exit.took().toMillis(), missing.size());
    assertThat(unexpected).isEmpty();
    assertThat(missing).as("acknowledged writes not in DynamoDB after a graceful shutdown").isEmpty();
    assertThat(exit.status()).as("exit status after a complete flush").isEqualTo(STOPPED);
  }

  @Test
  void sigterm_duringABurstOfSlowRequests_answersEveryAcceptedOneCompletelyRefusesNewConnectionsAndExitsZero() throws Exception {
    putDirectly("slow", BURST);
    try (DelayingProxy proxy = DelayingProxy.start(upstream.emulator().endpoint(), Duration.ZERO, Duration.ZERO);
        NodeProcess node = NodeProcess.start(launch("shutdown-burst").via(proxy.endpoint()));
        DynamoDbClient client = DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(60))) {
      warmUp(client);
      double missesBefore = node.metric("dynaccel_item_cache_misses_total");
      proxy.holdResponses();
      ExecutorService pool = Executors.newFixedThreadPool(BURST);
      try {
        List<Future<Map<String, AttributeValue>>> answers = new ArrayList<>();
        for (int i = 0; i < BURST - 1; i++) {
          String key = "slow" + i;
          answers.add(pool.submit(() -> client.getItem(b -> b.tableName(TABLE).key(DirectTable.key(key))).item()));
        }
        // One more on a raw keep-alive connection, to read the headers of its answer.
        try (Socket keepAlive = new Socket(InetAddress.getLoopbackAddress(), node.endpoint().getPort())) {
          keepAlive.getOutputStream().write(rawGetItem("slow" + (BURST - 1)));
          // Every request of the burst has been read and sent upstream: each one is a cache miss.
          await().atMost(Duration.ofSeconds(30)).until(() -> node.metric("dynaccel_item_cache_misses_total") - missesBefore >= BURST);

          long signalled = System.nanoTime();
          node.signal("TERM");
          await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> refusesConnections(node));
          long refusedAfter = System.nanoTime() - signalled;
          // Now slow: each answer comes back after up to 1.5 s.
          proxy.delays(Duration.ZERO, Duration.ofMillis(1500));
          proxy.releaseResponses();
          Exit exit = node.awaitExit("TERM", signalled, SHUTDOWN_TIMEOUT.plus(EXIT_SLACK));

          int complete = 0;
          for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).get(60, TimeUnit.SECONDS)).as("answer to request %d of the burst", i).isEqualTo(item("slow" + i));
            complete++;
          }
          keepAlive.setSoTimeout(10_000);
          RawHttp.Answer raw = RawHttp.read(keepAlive.getInputStream());
          System.out.printf("GracefulShutdownIT: SIGTERM during a burst of %d slow requests: new connections refused after %d ms,"
              + " %d of %d answered 200, exited %d after %d ms%n", BURST, refusedAfter / 1_000_000, complete + (raw.status() == 200 ? 1 : 0),
              BURST, exit.status(), exit.took().toMillis());
          assertThat(raw.status()).isEqualTo(200);
          assertThat(raw.text()).contains("slow" + (BURST - 1));
          // The answer tells a keep-alive client not to send its next call on this connection.
          assertThat(raw.header("Connection")).isEqualToIgnoringCase("close");
          assertThat(keepAlive.getInputStream().read()).as("connection closed after the answer").isEqualTo(-1);
          assertThat(exit.status()).isEqualTo(STOPPED);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void sigint_whenIdle_stopsGracefullyAndExitsZero() throws Exception {
    try (NodeProcess node = NodeProcess.start(launch("shutdown-sigint"))) {
      writeItems(node, "interrupted");
      Exit exit = node.stop("INT", SHUTDOWN_TIMEOUT.plus(EXIT_SLACK));
      System.out.printf("GracefulShutdownIT: SIGINT: exited %d after %d ms%n", exit.status(), exit.took().toMillis());
      assertThat(exit.status()).isEqualTo(STOPPED);
    }
    assertHeldByDynamoDb("interrupted", ITEMS);
  }

  @Test
  void secondSigterm_duringALongDrain_exitsAtOnceWith143() throws Exception {
    putDirectly("stuck", 1);
    try (DelayingProxy proxy = DelayingProxy.start(upstream.emulator().endpoint(), Duration.ZERO, Duration.ZERO);
        NodeProcess node = NodeProcess.start(launch("shutdown-second-signal", "server.shutdownTimeout=60s").via(proxy.endpoint()));
        DynamoDbClient client = DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(90))) {
      warmUp(client);
      double missesBefore = node.metric("dynaccel_item_cache_misses_total");
      proxy.holdResponses();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        pool.submit(() -> client.getItem(b -> b.tableName(TABLE).key(DirectTable.key("stuck0"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> node.metric("dynaccel_item_cache_misses_total") - missesBefore >= 1);
        long first = System.nanoTime();
        node.signal("TERM");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.printed("Dynaccel stopping on SIGTERM"));
        // The drain would last up to 60 s: the held answer never comes.
        long second = System.nanoTime();
        node.signal("TERM");
        Exit exit = node.awaitExit("TERM", second, EXIT_SLACK);
        System.out.printf("GracefulShutdownIT: second SIGTERM %d ms into the drain: exited %d after %d ms%n",
            (second - first) / 1_000_000, exit.status(), exit.took().toMillis());
        assertThat(exit.status()).isEqualTo(SECOND_SIGTERM_STATUS);
        assertThat(exit.took()).isLessThan(Duration.ofSeconds(5));
      } finally {
        pool.shutdownNow();
        proxy.releaseResponses();
      }
    }
  }

  /** Loads the table's schema and accepts the default read shape, so that the next reads are cache misses that go upstream. */
  private static void warmUp(DynamoDbClient client) {
    for (int i = 0; i < 2; i++) {
      client.getItem(b -> b.tableName(TABLE).key(DirectTable.key("warm-up")));
    }
  }

  private static void putDirectly(String prefix, int count) {
    try (DynamoDbClient direct = DirectTable.noRetryClient(upstream.emulator().endpoint(), Duration.ofSeconds(30))) {
      for (int i = 0; i < count; i++) {
        String key = prefix + i;
        direct.putItem(b -> b.tableName(TABLE).item(item(key)));
      }
    }
  }

  private static byte[] rawGetItem(String key) {
    String body = "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"id\":{\"S\":\"" + key + "\"}}}";
    return ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        + "X-Amz-Target: " + RawHttp.TARGET_PREFIX + "GetItem\r\nX-Amz-Date: " + RawHttp.DATE + "\r\nAuthorization: " + RawHttp.AUTHORIZATION
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean refusesConnections(NodeProcess node) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.endpoint().getPort()), 1_000);
      return false;
    } catch (IOException refused) {
      return true;
    }
  }

  /** A meter of the node, from its admin listener's Prometheus text (summed over tags). */
  /** Starts the next node on the same log: it must answer every item at once, and flush them all. */
  private static void assertReplayedServedAndFlushed(Launch next, String prefix) throws Exception {
    try (NodeProcess node = NodeProcess.start(next);
        DynamoDbClient client = DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(30))) {
      for (int i = 0; i < ITEMS; i++) {
        String key = prefix + i;
        Map<String, AttributeValue> served = client.getItem(b -> b.tableName(TABLE).key(DirectTable.key(key)).consistentRead(true)).item();
        assertThat(served).as("%s served by the next start", key).isEqualTo(item(key));
      }
      if (NodeProcess.STRATEGY.writesBack()) {
        node.flush();
      }
      assertHeldByDynamoDb(prefix, ITEMS);
      node.terminate(SHUTDOWN_TIMEOUT.plus(EXIT_SLACK));
    }
  }

  private static void writeItems(NodeProcess node, String prefix) {
    try (DynamoDbClient client = DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(30))) {
      for (int i = 0; i < ITEMS; i++) {
        String key = prefix + i;
        client.putItem(b -> b.tableName(TABLE).item(item(key)));
      }
    }
  }

  private static int heldByDynamoDb(String prefix) {
    int held = 0;
    for (int i = 0; i < ITEMS; i++) {
      String key = prefix + i;
      Map<String, AttributeValue> stored = table.read(key);
      if (stored != null) {
        assertThat(stored).as("%s in DynamoDB", key).isEqualTo(item(key));
        held++;
      }
    }
    return held;
  }

  private static void assertHeldByDynamoDb(String prefix, int expected) {
    assertThat(heldByDynamoDb(prefix)).as("items with prefix %s in DynamoDB", prefix).isEqualTo(expected);
  }

  private static Map<String, AttributeValue> item(String key) {
    return Map.of("id", AttributeValue.fromS(key), "v", AttributeValue.fromS("value of " + key));
  }
}
