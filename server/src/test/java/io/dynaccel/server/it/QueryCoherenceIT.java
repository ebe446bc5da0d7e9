package io.dynaccel.server.it;

import static io.dynaccel.server.it.StaleReadChecker.ABSENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Contract 1 for Query and Scan: readers query a partition (and scan the table) through an
 * accelerator whose upstream answers come back in shuffled order, while writers put, update and
 * delete the partition's items with a unique value per write. For every item key, the value a result
 * shows (or "absent" when the key is missing from it) must not be superseded by a write acknowledged
 * before the read began; {@link StaleReadChecker} judges each key of each result as one read.
 *
 * <p>Each partition alternates a short hot phase (its writers write) and a quiet phase longer than
 * the node's guard retention, in which its writers query instead; with a short query TTL, results are
 * cached and refilled during the quiet phase, so the first writes of a hot phase meet cached results
 * and fills in flight. The two partitions' phases are offset, so a partition's cached Query results
 * live on while the other partition (and with it every Scan) is being written.
 *
 * <p>{@link WriteBackQueryCoherenceIT} runs the same history with every table written back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCoherenceIT {

  private static final String TABLE = "QueryCoherence";
  private static final List<String> PARTITIONS = List.of("P0", "P1");
  private static final int KEYS_PER_PARTITION = 4;
  private static final int WRITERS_PER_KEY = 2;
  private static final int READERS = 6;
  private static final Duration RUN_TIME = Duration.ofSeconds(Long.getLong("querycoherence.seconds", 15));
  private static final int MAX_OPS_PER_WORKER = 50_000;
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
    return new String[] {"upstream.requestTimeout=500ms", "breaker.enabled=false",
        "cache.itemTtl=150ms", "cache.negativeTtl=150ms", "cache.queryTtl=150ms"};
  }

  /** How many calls may fail because DynamoDB did not answer within the node's 500 ms request timeout: none here (see CoherenceIT). */
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
    direct.createTable(b -> b.tableName(TABLE)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
        .keySchema(
            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> direct.describeTable(b -> b.tableName(TABLE)).table().tableStatus() == TableStatus.ACTIVE);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** The checker's name of an item key. */
  private static String key(String partition, String sortKey) {
    return partition + "/" + sortKey;
  }

  private static String sortKey(int i) {
    return "k" + i;
  }

  private static Map<String, AttributeValue> keyOf(String partition, String sortKey) {
    return Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(sortKey));
  }

  /** The requests readers send: each returns every item of one partition (or of the table) in one page. */
  private static QueryRequest query(String partition, int shape) {
    QueryRequest.Builder query = QueryRequest.builder().tableName(TABLE)
        .expressionAttributeValues(shape == 2 ? Map.of(":p", AttributeValue.fromS(partition), ":k", AttributeValue.fromS("k"))
            : Map.of(":p", AttributeValue.fromS(partition)));
    return switch (shape) {
      case 0 -> query.keyConditionExpression("pk = :p").build();
      case 1 -> query.keyConditionExpression("pk = :p").projectionExpression("v, sk, pk").build();
      case 2 -> query.keyConditionExpression("pk = :p AND begins_with(sk, :k)").build();
      default -> query.keyConditionExpression("pk = :p").scanIndexForward(false).build();
    };
  }

  private static ScanRequest scan(int shape) {
    return shape == 0 ? ScanRequest.builder().tableName(TABLE).build()
        : ScanRequest.builder().tableName(TABLE).projectionExpression("pk, sk, v").build();
  }

  /** Records, for every key of {@code partitions}, what the result showed (absent if it did not show the key). */
  private static void record(StaleReadChecker history, List<String> partitions, List<Map<String, AttributeValue>> items,
      boolean more, long begin, long end) {
    assertThat(more).as("a reader's result fits one page").isFalse();
    Map<String, String> found = new HashMap<>();
    for (Map<String, AttributeValue> item : items) {
      AttributeValue v = item.get("v");
      String previous = found.put(key(item.get("pk").s(), item.get("sk").s()), v == null ? "<no v: " + item + ">" : v.s());
      assertThat(previous).as("the same key twice in one result: %s", items).isNull();
    }
    for (String partition : partitions) {
      for (int k = 0; k < KEYS_PER_PARTITION; k++) {
        String key = key(partition, sortKey(k));
        history.read(key, found.getOrDefault(key, ABSENT), begin, end);
      }
    }
    found.keySet().removeIf(key -> partitions.stream().anyMatch(p -> key.startsWith(p + "/")));
    assertThat(found).as("items outside the partitions read").isEmpty();
  }

  private static void queryOne(StaleReadChecker history, String partition, AtomicLong queries, ConcurrentLinkedQueue<String> errors) {
    QueryRequest request = query(partition, ThreadLocalRandom.current().nextInt(4));
    try {
      long begin = System.nanoTime();
      var answer = client.query(request).join();
      long end = System.nanoTime();
      record(history, List.of(partition), answer.items(), answer.hasLastEvaluatedKey() && !answer.lastEvaluatedKey().isEmpty(), begin, end);
      queries.incrementAndGet();
    } catch (RuntimeException | AssertionError e) {
      errors.add("query " + request + ": " + e);
    }
  }

  private static void scanOne(StaleReadChecker history, AtomicLong scans, ConcurrentLinkedQueue<String> errors) {
    ScanRequest request = scan(ThreadLocalRandom.current().nextInt(2));
    try {
      long begin = System.nanoTime();
      var answer = client.scan(request).join();
      long end = System.nanoTime();
      record(history, PARTITIONS, answer.items(), answer.hasLastEvaluatedKey() && !answer.lastEvaluatedKey().isEmpty(), begin, end);
      scans.incrementAndGet();
    } catch (RuntimeException | AssertionError e) {
      errors.add("scan " + request + ": " + e);
    }
  }

  @Test
  void queriesAndScans_whenWritesRaceThroughShuffledUpstream_neverReturnSupersededValues() throws Exception {
    StaleReadChecker history = new StaleReadChecker();
    for (String partition : PARTITIONS) {
      for (int k = 0; k < KEYS_PER_PARTITION; k++) {
        String sortKey = sortKey(k);
        String value = "seed-" + partition + "-" + k;
        long begin = System.nanoTime();
        Map<String, AttributeValue> item = new HashMap<>(keyOf(partition, sortKey));
        item.put("v", AttributeValue.fromS(value));
        direct.putItem(b -> b.tableName(TABLE).item(item));
        history.write(key(partition, sortKey), value, begin, System.nanoTime());
      }
    }
    node.proxy().delays(Duration.ofMillis(5), Duration.ofMillis(40));

    AtomicLong writeSeq = new AtomicLong();
    AtomicLong puts = new AtomicLong();
    AtomicLong updates = new AtomicLong();
    AtomicLong deletes = new AtomicLong();
    AtomicLong batches = new AtomicLong();
    AtomicLong queries = new AtomicLong();
    AtomicLong scans = new AtomicLong();
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    Supplier<Double> hits = () -> node.metric("dynaccel_query_cache_hits_total") + node.metric("dynaccel_scan_cache_hits_total");
    Supplier<Double> misses = () -> node.metric("dynaccel_query_cache_misses_total") + node.metric("dynaccel_scan_cache_misses_total");
    double hitsBefore = hits.get();
    double missesBefore = misses.get();
    long origin = System.nanoTime();
    long deadline = origin + RUN_TIME.toNanos();

    int writers = PARTITIONS.size() * KEYS_PER_PARTITION * WRITERS_PER_KEY;
    ExecutorService workers = Executors.newFixedThreadPool(writers + READERS);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        int partitionIndex = i % PARTITIONS.size();
        String partition = PARTITIONS.get(partitionIndex);
        String sortKey = sortKey(i / PARTITIONS.size() % KEYS_PER_PARTITION);
        String key = key(partition, sortKey);
        running.add(workers.submit(() -> {
          for (int n = 0; n < MAX_OPS_PER_WORKER && System.nanoTime() - deadline < 0; n++) {
            long phase = Math.floorMod(System.nanoTime() - origin + partitionIndex * PERIOD_NANOS / PARTITIONS.size(), PERIOD_NANOS);
            if (phase >= HOT_NANOS) {
              queryOne(history, partition, queries, errors);
              continue;
            }
            int dice = ThreadLocalRandom.current().nextInt(100);
            boolean delete = dice < 10 || (dice >= 90 && dice < 95);
            String value = delete ? ABSENT : "w-" + writeSeq.incrementAndGet();
            Map<String, AttributeValue> item = new HashMap<>(keyOf(partition, sortKey));
            item.put("v", AttributeValue.fromS(value));
            long begin = System.nanoTime();
            long ack = StaleReadChecker.UNKNOWN;
            try {
              if (dice < 10) {
                client.deleteItem(b -> b.tableName(TABLE).key(keyOf(partition, sortKey))).join();
                deletes.incrementAndGet();
              } else if (dice < 50) {
                client.putItem(b -> b.tableName(TABLE).item(item)).join();
                puts.incrementAndGet();
              } else if (dice < 90) {
                client.updateItem(b -> b.tableName(TABLE).key(keyOf(partition, sortKey)).updateExpression("SET v = :v")
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))).join();
                updates.incrementAndGet();
              } else {
                WriteRequest write = delete
                    ? WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(keyOf(partition, sortKey)).build()).build()
                    : WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
                BatchWriteItemResponse answer = client.batchWriteItem(b -> b.requestItems(Map.of(TABLE, List.of(write)))).join();
                if (answer.hasUnprocessedItems() && !answer.unprocessedItems().isEmpty()) {
                  throw new IllegalStateException("unprocessed: " + answer.unprocessedItems());
                }
                batches.incrementAndGet();
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
            if (ThreadLocalRandom.current().nextInt(100) < 70) {
              queryOne(history, PARTITIONS.get(ThreadLocalRandom.current().nextInt(PARTITIONS.size())), queries, errors);
            } else {
              scanOne(history, scans, errors);
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

    double hitCount = hits.get() - hitsBefore;
    double missCount = misses.get() - missesBefore;
    StaleReadChecker.Result result = history.check();
    System.out.printf(
        "QueryCoherenceIT: %d writes (%d put, %d update, %d delete, %d batch), %d Query and %d Scan calls (%d key reads), "
            + "%d errors, %d stale, %d phantom; query+scan cache hits %.0f misses %.0f hit ratio %.3f "
            + "(dynaccel_query_cache_hits_total %.0f, dynaccel_scan_cache_hits_total %.0f); proxy connections %d%n",
        result.writes() - PARTITIONS.size() * KEYS_PER_PARTITION, puts.get(), updates.get(), deletes.get(), batches.get(),
        queries.get(), scans.get(), result.reads(), errors.size(), result.stale().size(), result.phantoms().size(),
        hitCount, missCount, hitCount / Math.max(1, hitCount + missCount),
        node.metric("dynaccel_query_cache_hits_total"), node.metric("dynaccel_scan_cache_hits_total"), node.proxy().acceptedConnections());

    List<String> timeouts = errors.stream().filter(QueryCoherenceIT::isUpstreamTimeout).toList();
    assertThat(errors.stream().filter(e -> !isUpstreamTimeout(e)).toList()).as("errors during the run").isEmpty();
    assertThat(timeouts).as("upstream timeouts during the run").hasSizeLessThanOrEqualTo(toleratedUpstreamTimeouts());
    assertThat(puts.get() + updates.get() + deletes.get() + batches.get()).isGreaterThan(300);
    assertThat(queries.get()).isGreaterThan(300);
    assertThat(scans.get()).isGreaterThan(50);
    assertThat(missCount).as("the run must exercise fills, not only hits").isGreaterThan(100);
    assertThat(result.stale()).as(result.summary(10)).isEmpty();
    assertThat(result.phantoms()).as(result.summary(10)).isEmpty();

    // At rest (write-back changes flushed), the accelerator answers what DynamoDB holds.
    assertThat(node.flushWriteBack(Duration.ofSeconds(30)).statusCode()).isEqualTo(200);
    for (String partition : PARTITIONS) {
      QueryRequest request = query(partition, 0);
      var stored = direct.query(request.toBuilder().consistentRead(true).build()).items();
      assertThat(client.query(request).join().items()).as(partition).isEqualTo(stored);
    }
    var storedTable = direct.scan(b -> b.tableName(TABLE).consistentRead(true)).items();
    assertThat(client.scan(scan(0)).join().items()).isEqualTo(storedTable);
  }
}
