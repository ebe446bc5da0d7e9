package io.dynaccel.server.it;

import static io.dynaccel.server.it.StaleReadChecker.ABSENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Contract 1 under load: many readers and overlapping writers of a few keys, through an accelerator
 * whose upstream answers come back in shuffled order, never see a value older than a write that was
 * acknowledged before the read began.
 *
 * <p>{@link WriteBackCoherenceIT} runs the same history with every table written back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoherenceIT {

  private static final String TABLE = "Coherence";
  private static final int KEYS = 6;
  private static final int WRITERS_PER_KEY = 2;
  private static final int READERS = 6;
  private static final Duration RUN_TIME = Duration.ofSeconds(Long.getLong("coherence.seconds", 16));
  private static final int MAX_OPS_PER_WORKER = 50_000;
  /**
   * Each key alternates a short hot phase (its writers write) and a quiet phase longer than the
   * node's guard retention (request timeout 500 ms + 1 s), in which its writers read instead. In the
   * quiet phase the guard expires and, with a short item TTL, readers keep filling the key with
   * eventually consistent, unguarded reads: the first writes of the next hot phase race with fills
   * in flight, whose answers the proxy delays.
   */
  private static final long PERIOD_NANOS = Duration.ofMillis(2_700).toNanos();
  private static final long HOT_NANOS = Duration.ofMillis(800).toNanos();

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static ProxiedAccelerator node;
  private static DynamoDbAsyncClient client;
  private static DynamoDbClient direct;

  /**
   * The node's {@code --set} settings: a short request timeout, so write guards expire within a quiet
   * phase, and short TTLs, so readers keep filling. The circuit breaker is off: the shuffling proxy's
   * bursts of slow answers would open it, which is CircuitBreakerIT's subject, not this test's.
   */
  String[] nodeSettings() {
    return new String[] {"upstream.requestTimeout=500ms", "breaker.enabled=false", "cache.itemTtl=150ms", "cache.negativeTtl=150ms"};
  }

  /**
   * How many calls may fail because DynamoDB (through the shuffling proxy) did not answer within
   * the node's 500 ms request timeout: none here. Such a call is no coherence violation (a write
   * that failed so is recorded with an unknown outcome, a read so is not recorded), but it is
   * counted and capped, so that a run that mostly fails cannot pass.
   */
  int toleratedUpstreamTimeouts() {
    return 0;
  }

  private static boolean isUpstreamTimeout(String error) {
    return error.contains("did not answer within 500 ms");
  }

  @BeforeAll
  void start() throws Exception {
    node = ProxiedAccelerator.start(upstream.emulator(), nodeSettings());
    client = node.asyncClient(node.endpoint(), 64, Duration.ofSeconds(30));
    direct = node.syncClient(upstream.endpoint(), Duration.ofSeconds(30));
    ProxiedAccelerator.createTable(direct, TABLE);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static String key(int i) {
    return "key-" + i;
  }

  private static Map<String, AttributeValue> keyOf(String key) {
    return Map.of("pk", AttributeValue.fromS(key));
  }

  private static String valueOf(Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return ABSENT;
    }
    AttributeValue v = item.get("v");
    return v == null ? "<no v: " + item + ">" : v.s();
  }

  private static void readOne(StaleReadChecker history, String key, AtomicLong gets, ConcurrentLinkedQueue<String> errors) {
    try {
      long begin = System.nanoTime();
      Map<String, AttributeValue> item = client.getItem(b -> b.tableName(TABLE).key(keyOf(key))).join().item();
      history.read(key, valueOf(item), begin, System.nanoTime());
      gets.incrementAndGet();
    } catch (RuntimeException e) {
      errors.add("read " + key + ": " + e);
    }
  }

  @Test
  void reads_whenWritesRaceThroughShuffledUpstream_neverReturnSupersededValues() throws Exception {
    StaleReadChecker history = new StaleReadChecker();
    for (int i = 0; i < KEYS; i++) {
      String key = key(i);
      String value = "seed-" + i;
      long begin = System.nanoTime();
      direct.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(key), "v", AttributeValue.fromS(value))));
      history.write(key, value, begin, System.nanoTime());
    }
    node.proxy().delays(Duration.ofMillis(5), Duration.ofMillis(40));

    AtomicLong writeSeq = new AtomicLong();
    AtomicLong puts = new AtomicLong();
    AtomicLong updates = new AtomicLong();
    AtomicLong deletes = new AtomicLong();
    AtomicLong gets = new AtomicLong();
    AtomicLong batchGets = new AtomicLong();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    double hitsBefore = node.metric("dynaccel_item_cache_hits_total");
    double missesBefore = node.metric("dynaccel_item_cache_misses_total");
    long origin = System.nanoTime();
    long deadline = origin + RUN_TIME.toNanos();

    ExecutorService workers = Executors.newFixedThreadPool(KEYS * WRITERS_PER_KEY + READERS);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int i = 0; i < KEYS * WRITERS_PER_KEY; i++) {
        int keyIndex = i % KEYS;
        String key = key(keyIndex);
        running.add(workers.submit(() -> {
          for (int n = 0; n < MAX_OPS_PER_WORKER && System.nanoTime() - deadline < 0; n++) {
            long phase = Math.floorMod(System.nanoTime() - origin + keyIndex * PERIOD_NANOS / KEYS, PERIOD_NANOS);
            if (phase >= HOT_NANOS) {
              readOne(history, key, gets, errors);
              continue;
            }
            int dice = ThreadLocalRandom.current().nextInt(100);
            String value = dice < 8 ? ABSENT : "w-" + writeSeq.incrementAndGet();
            long begin = System.nanoTime();
            long ack = StaleReadChecker.UNKNOWN;
            try {
              if (dice < 8) {
                client.deleteItem(b -> b.tableName(TABLE).key(keyOf(key))).join();
                deletes.incrementAndGet();
              } else if (dice < 55) {
                client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(key), "v", AttributeValue.fromS(value),
                    "n", AttributeValue.fromN(Integer.toString(ThreadLocalRandom.current().nextInt(1000)))))).join();
                puts.incrementAndGet();
              } else {
                client.updateItem(b -> b.tableName(TABLE).key(keyOf(key)).updateExpression("SET v = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))).join();
                updates.incrementAndGet();
              }
              ack = System.nanoTime();
            } catch (RuntimeException e) {
              errors.add("write " + key + "=" + value + ": " + e);
            }
            history.write(key, value, begin, ack);
          }
        }));
      }
      for (int i = 0; i < READERS; i++) {
        running.add(workers.submit(() -> {
          for (int n = 0; n < MAX_OPS_PER_WORKER && System.nanoTime() - deadline < 0; n++) {
            try {
              if (ThreadLocalRandom.current().nextInt(100) < 70) {
                readOne(history, key(ThreadLocalRandom.current().nextInt(KEYS)), gets, errors);
              } else {
                List<Map<String, AttributeValue>> keys = new ArrayList<>();
                for (int k = 0; k < KEYS; k++) {
                  keys.add(keyOf(key(k)));
                }
                long begin = System.nanoTime();
                BatchGetItemResponse answer = client.batchGetItem(b -> b.requestItems(Map.of(TABLE, KeysAndAttributes.builder().keys(keys).build()))).join();
                long end = System.nanoTime();
                assertThat(answer.unprocessedKeys()).isEmpty();
                Map<String, String> found = new java.util.HashMap<>();
                answer.responses().getOrDefault(TABLE, List.of()).forEach(item -> found.put(item.get("pk").s(), valueOf(item)));
                for (int k = 0; k < KEYS; k++) {
                  history.read(key(k), found.getOrDefault(key(k), ABSENT), begin, end);
                }
                batchGets.incrementAndGet();
              }
            } catch (RuntimeException | AssertionError e) {
              errors.add("read: " + e);
            }
          }
        }));
      }
      for (Future<?> worker : running) {
        worker.get(RUN_TIME.toSeconds() + 120, TimeUnit.SECONDS);
      }
    } finally {
      workers.shutdownNow();
      node.proxy().delays(Duration.ZERO, Duration.ZERO);
    }

    double hits = node.metric("dynaccel_item_cache_hits_total") - hitsBefore;
    double misses = node.metric("dynaccel_item_cache_misses_total") - missesBefore;
    StaleReadChecker.Result result = history.check();
    System.out.printf(
        "CoherenceIT: %d writes (%d put, %d update, %d delete), %d reads (%d GetItem, %d BatchGetItem calls), "
            + "%d errors, %d stale, %d phantom; item cache hits %.0f misses %.0f hit ratio %.3f; proxy connections %d%n",
        result.writes() - KEYS, puts.get(), updates.get(), deletes.get(), result.reads(), gets.get(), batchGets.get(),
        errors.size(), result.stale().size(), result.phantoms().size(), hits, misses, hits / Math.max(1, hits + misses),
        node.proxy().acceptedConnections());

    List<String> timeouts = errors.stream().filter(CoherenceIT::isUpstreamTimeout).toList();
    assertThat(errors.stream().filter(e -> !isUpstreamTimeout(e)).toList()).as("errors during the run").isEmpty();
    assertThat(timeouts).as("upstream timeouts during the run").hasSizeLessThanOrEqualTo(toleratedUpstreamTimeouts());
    assertThat(puts.get() + updates.get() + deletes.get()).isGreaterThan(300);
    assertThat(result.reads()).isGreaterThan(1000);
    assertThat(misses).as("the run must exercise fills, not only hits").isGreaterThan(100);
    assertThat(result.stale()).as(result.summary(10)).isEmpty();
    assertThat(result.phantoms()).as(result.summary(10)).isEmpty();

    // At rest (write-back changes flushed), the accelerator answers what DynamoDB holds.
    assertThat(node.flushWriteBack(Duration.ofSeconds(30)).statusCode()).isEqualTo(200);
    for (int i = 0; i < KEYS; i++) {
      String key = key(i);
      String stored = valueOf(direct.getItem(b -> b.tableName(TABLE).key(keyOf(key)).consistentRead(true)).item());
      assertThat(valueOf(client.getItem(b -> b.tableName(TABLE).key(keyOf(key))).join().item())).as(key).isEqualTo(stored);
    }
  }
}
