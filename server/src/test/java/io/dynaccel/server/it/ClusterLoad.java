package io.dynaccel.server.it;

import static io.dynaccel.server.it.StaleReadChecker.ABSENT;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A mixed load on a small table of {@code pk}/{@code sk} items through a cluster, recorded for
 * {@link StaleReadChecker}: writers Put, Update, Delete and BatchWriteItem random keys; readers
 * GetItem, BatchGetItem, Query one partition and Scan the table. Every call goes through the client
 * that {@code via} picks for it (a random node's stock client, the Dynaccel client), so writes and the
 * reads that must see them cross nodes.
 *
 * <p>A Query or Scan is a read of every key it could return: a key it did not return was read as
 * {@link StaleReadChecker#ABSENT}. Failed calls are kept with their time, for failover windows; a
 * failed write is recorded with an unknown outcome, a failed read not at all.
 */
final class ClusterLoad {

  /** A client a call goes through, and what to call it in the figures ("stock", "dynaccel"). */
  record Via(String kind, DynamoDbClient client) {
  }

  /** A call that failed, at {@link System#nanoTime()} {@code at}, after {@code tookMillis}. */
  record Failure(long at, long tookMillis, String kind, String call, String error) {
    /** A call begun at {@code begin} that failed just now. */
    static Failure since(long begin, String kind, String call, String error) {
      long now = System.nanoTime();
      return new Failure(now, (now - begin) / 1_000_000, kind, call, error);
    }
  }

  /** The operations, for the counts. */
  enum Call {
    PUT, UPDATE, DELETE, BATCH_WRITE, GET, BATCH_GET, QUERY, SCAN
  }

  private final String table;
  private final int partitions;
  private final int sortKeys;
  private final Supplier<Via> via;
  private final StaleReadChecker history = new StaleReadChecker();
  private final AtomicLong writeSeq = new AtomicLong();
  private final Map<Call, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> callsByKind = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
  /** Which call made each recorded read, so that violations can be told apart by call. */
  private final Map<StaleReadChecker.Read, Call> readCalls = new ConcurrentHashMap<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final List<Future<?>> workers = new ArrayList<>();
  private ExecutorService pool;

  /**
   * @param partitions how many partition key values; each holds {@code sortKeys} items
   */
  ClusterLoad(String table, int partitions, int sortKeys, Supplier<Via> via) {
    this.table = table;
    this.partitions = partitions;
    this.sortKeys = sortKeys;
    this.via = via;
    for (Call call : Call.values()) {
      counts.put(call, new AtomicLong());
    }
  }

  /** Creates the table in DynamoDB (through {@code direct}) and waits until it is ACTIVE. */
  static void createTable(DynamoDbClient direct, String table) {
    direct.createTable(b -> b.tableName(table)
        .attributeDefinitions(
            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    direct.waiter().waitUntilTableExists(b -> b.tableName(table));
  }

  /** Writes a first value of every key through {@code direct}, recorded like any other write. */
  void seed(DynamoDbClient direct) {
    for (int p = 0; p < partitions; p++) {
      for (int s = 0; s < sortKeys; s++) {
        String value = "seed-" + p + "-" + s;
        int pk = p;
        int sk = s;
        long begin = System.nanoTime();
        direct.putItem(b -> b.tableName(table).item(item(pk, sk, value)));
        history.write(name(p, s), value, begin, System.nanoTime());
      }
    }
  }

  /** The keys of every item the load writes. */
  List<Map<String, AttributeValue>> keys() {
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      for (int s = 0; s < sortKeys; s++) {
        keys.add(key(p, s));
      }
    }
    return keys;
  }

  /** Starts {@code writers} writer and {@code readers} reader threads; they run until {@link #stop}. */
  void start(int writers, int readers) {
    pool = Executors.newFixedThreadPool(writers + readers);
    for (int i = 0; i < writers; i++) {
      workers.add(pool.submit(() -> {
        while (!stopping.get()) {
          writeOne();
        }
      }));
    }
    for (int i = 0; i < readers; i++) {
      workers.add(pool.submit(() -> {
        while (!stopping.get()) {
          readOne();
        }
      }));
    }
  }

  /** Stops the workers and waits for their calls in flight. */
  void stop() throws Exception {
    stopping.set(true);
    try {
      for (Future<?> worker : workers) {
        worker.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Lets the workers run for {@code time} while the caller waits. */
  static void keepRunning(Duration time) {
    long end = System.nanoTime() + time.toNanos();
    Awaitility.await().atMost(time.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() - end >= 0);
  }

  StaleReadChecker.Result check() {
    return history.check();
  }

  /** The stale reads of a check by the call that made them (reads of one Query or Scan count one each). */
  Map<Call, Long> staleByCall(StaleReadChecker.Result result) {
    Map<Call, Long> byCall = new EnumMap<>(Call.class);
    result.stale().forEach(v -> byCall.merge(readCalls.get(v.read()), 1L, Long::sum));
    return byCall;
  }

  List<Failure> failures() {
    return List.copyOf(failures);
  }

  long count(Call call) {
    return counts.get(call).get();
  }

  /** The counts of calls by operation and by kind of client, for the figures. */
  String counts() {
    Map<Call, Long> byCall = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> byCall.put(e.getKey(), e.getValue().get()));
    Map<String, Long> byKind = new HashMap<>();
    callsByKind.forEach((k, v) -> byKind.put(k, v.get()));
    return byCall + " through " + byKind;
  }

  private static String name(int p, int s) {
    return "p" + p + "/s" + s;
  }

  private static Map<String, AttributeValue> key(int p, int s) {
    return Map.of("pk", AttributeValue.fromS("p" + p), "sk", AttributeValue.fromS("s" + s));
  }

  private static Map<String, AttributeValue> item(int p, int s, String value) {
    return Map.of("pk", AttributeValue.fromS("p" + p), "sk", AttributeValue.fromS("s" + s), "v", AttributeValue.fromS(value),
        "n", AttributeValue.fromN(Integer.toString(ThreadLocalRandom.current().nextInt(1000))));
  }

  private static String nameOf(Map<String, AttributeValue> item) {
    return item.get("pk").s() + "/" + item.get("sk").s();
  }

  private static String valueOf(Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return ABSENT;
    }
    AttributeValue v = item.get("v");
    return v == null ? "<no v: " + item + ">" : v.s();
  }

  private Via pick() {
    Via chosen = via.get();
    callsByKind.computeIfAbsent(chosen.kind(), k -> new AtomicLong()).incrementAndGet();
    return chosen;
  }

  private void writeOne() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int dice = random.nextInt(100);
    if (dice >= 75) {
      batchWrite();
      return;
    }
    int p = random.nextInt(partitions);
    int s = random.nextInt(sortKeys);
    String value = dice < 10 ? ABSENT : "w-" + writeSeq.incrementAndGet();
    Via v = pick();
    Call call = dice < 10 ? Call.DELETE : dice < 50 ? Call.PUT : Call.UPDATE;
    long begin = System.nanoTime();
    long ack = StaleReadChecker.UNKNOWN;
    try {
      switch (call) {
        case DELETE -> v.client().deleteItem(b -> b.tableName(table).key(key(p, s)));
        case PUT -> v.client().putItem(b -> b.tableName(table).item(item(p, s, value)));
        default -> v.client().updateItem(b -> b.tableName(table).key(key(p, s)).updateExpression("SET v = :v")
            .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value))));
      }
      ack = System.nanoTime();
      counts.get(call).incrementAndGet();
    } catch (RuntimeException e) {
      failures.add(Failure.since(begin, v.kind(), call + " " + name(p, s), e.toString()));
    }
    history.write(name(p, s), value, begin, ack);
  }

  private void batchWrite() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Map<String, String> values = new LinkedHashMap<>();
    List<WriteRequest> requests = new ArrayList<>();
    // Keys of several partitions in one call, so that a split by owner has work to do.
    while (values.size() < 3) {
      int p = random.nextInt(partitions);
      int s = random.nextInt(sortKeys);
      if (values.containsKey(name(p, s))) {
        continue;
      }
      boolean delete = random.nextInt(100) < 20;
      String value = delete ? ABSENT : "w-" + writeSeq.incrementAndGet();
      values.put(name(p, s), value);
      requests.add(delete
          ? WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key(p, s)).build()).build()
          : WriteRequest.builder().putRequest(PutRequest.builder().item(item(p, s, value)).build()).build());
    }
    Via v = pick();
    long begin = System.nanoTime();
    try {
      BatchWriteItemResponse answer = v.client().batchWriteItem(b -> b.requestItems(Map.of(table, requests)));
      long ack = System.nanoTime();
      List<String> unprocessed = answer.unprocessedItems().getOrDefault(table, List.of()).stream()
          .map(r -> r.putRequest() != null ? nameOf(r.putRequest().item()) : nameOf(r.deleteRequest().key()))
          .toList();
      // DynamoDB did not apply an unprocessed request: it is no write at all.
      values.forEach((key, value) -> {
        if (!unprocessed.contains(key)) {
          history.write(key, value, begin, ack);
        }
      });
      counts.get(Call.BATCH_WRITE).incrementAndGet();
    } catch (RuntimeException e) {
      failures.add(Failure.since(begin, v.kind(), "BATCH_WRITE " + values.keySet(), e.toString()));
      values.forEach((key, value) -> history.write(key, value, begin, StaleReadChecker.UNKNOWN));
    }
  }

  private void readOne() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int dice = random.nextInt(100);
    Via v = pick();
    Call call = dice < 40 ? Call.GET : dice < 60 ? Call.BATCH_GET : dice < 85 ? Call.QUERY : Call.SCAN;
    long begin = System.nanoTime();
    try {
      switch (call) {
        case GET -> get(v.client(), random.nextInt(partitions), random.nextInt(sortKeys));
        case BATCH_GET -> batchGet(v.client());
        case QUERY -> query(v.client(), random.nextInt(partitions));
        default -> scan(v.client());
      }
      counts.get(call).incrementAndGet();
    } catch (RuntimeException e) {
      failures.add(Failure.since(begin, v.kind(), call.toString(), e.toString()));
    }
  }

  private void get(DynamoDbClient client, int p, int s) {
    long begin = System.nanoTime();
    Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key(p, s))).item();
    read(Call.GET, name(p, s), valueOf(item), begin, System.nanoTime());
  }

  private void read(Call call, String key, String value, long begin, long end) {
    history.read(key, value, begin, end);
    readCalls.put(new StaleReadChecker.Read(key, value, begin, end), call);
  }

  private void batchGet(DynamoDbClient client) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
    while (keys.size() < 4) {
      int p = random.nextInt(partitions);
      int s = random.nextInt(sortKeys);
      keys.put(name(p, s), key(p, s));
    }
    long begin = System.nanoTime();
    BatchGetItemResponse answer = client.batchGetItem(b -> b.requestItems(
        Map.of(table, KeysAndAttributes.builder().keys(List.copyOf(keys.values())).build())));
    long end = System.nanoTime();
    Map<String, String> found = new HashMap<>();
    answer.responses().getOrDefault(table, List.of()).forEach(item -> found.put(nameOf(item), valueOf(item)));
    List<String> unprocessed = answer.unprocessedKeys().containsKey(table)
        ? answer.unprocessedKeys().get(table).keys().stream().map(ClusterLoad::nameOf).toList()
        : List.of();
    // An unprocessed key was not read; every other key is present or absent.
    keys.keySet().stream().filter(k -> !unprocessed.contains(k))
        .forEach(k -> read(Call.BATCH_GET, k, found.getOrDefault(k, ABSENT), begin, end));
  }

  private void query(DynamoDbClient client, int p) {
    long begin = System.nanoTime();
    Map<String, String> found = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      QueryResponse page = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("p" + p))).exclusiveStartKey(from));
      page.items().forEach(item -> found.put(nameOf(item), valueOf(item)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    long end = System.nanoTime();
    for (int s = 0; s < sortKeys; s++) {
      read(Call.QUERY, name(p, s), found.getOrDefault(name(p, s), ABSENT), begin, end);
    }
  }

  private void scan(DynamoDbClient client) {
    long begin = System.nanoTime();
    Map<String, String> found = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      ScanResponse page = client.scan(b -> b.tableName(table).exclusiveStartKey(from));
      page.items().forEach(item -> found.put(nameOf(item), valueOf(item)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    long end = System.nanoTime();
    for (int p = 0; p < partitions; p++) {
      for (int s = 0; s < sortKeys; s++) {
        read(Call.SCAN, name(p, s), found.getOrDefault(name(p, s), ABSENT), begin, end);
      }
    }
  }
}
