package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.NodeProcess.Launch;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * No acknowledged write is lost when the node is killed with SIGKILL at random points under
 * concurrent write load, cycle after cycle on the same log, and no write is ever half-applied
 * inside one item.
 *
 * <p>Each writer thread owns its keys, so what each key may hold at the end follows from the
 * writer's own record: every write it sent, in order, with what it learnt of it (acknowledged,
 * refused, or unknown because the node died with the write in flight). Items may end as the last
 * acknowledged write left them or as a later write of unknown outcome left them; counters, raised
 * by one UpdateItem that sets {@code a} and {@code b} together, must have {@code a == b} and lie
 * between the acknowledged increments and those plus the unknown ones. DynamoDB is read directly,
 * with consistent reads, after a last node has flushed and shut down.
 *
 * <p>The seed is printed; {@code -Ddynaccel.it.crashLoop.seed=N} replays a run's choices (the
 * interleaving of the writers still varies).
 */
class WriteBackCrashLoopIT {

  private static final String TABLE = "CrashLoop";
  private static final int CYCLES = 20;
  private static final int ITEM_KEYS_PER_WRITER = 6;
  private static final int COUNTER_KEYS_PER_WRITER = 3;
  private static final int MAX_WRITERS = 8;
  /** Refusals that DynamoDB documents as "not applied, try again later". */
  private static final Set<String> THROTTLING = Set.of("ThrottlingException", "ProvisionedThroughputExceededException",
      "RequestLimitExceeded");
  private static final String INCREMENT = "SET a = if_not_exists(a, :z) + :one, b = if_not_exists(b, :z) + :one";
  private static final Map<String, AttributeValue> INCREMENT_VALUES = Map.of(":z", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1"));

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static DirectTable table;
  private static ScheduledExecutorService killer;

  @BeforeAll
  static void createTable() {
    table = DirectTable.create(upstream.emulator(), TABLE);
    killer = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void close() {
    killer.shutdownNow();
    table.close();
  }

  /** What the client learnt of one write. */
  enum Outcome {
    /** HTTP 200: the write must survive anything. */
    ACKNOWLEDGED,
    /** The node died with the write in flight (or answered 5xx): it may or may not have been applied. */
    UNKNOWN,
    /** Refused with a 4xx, left unprocessed by BatchWriteItem, or never sent (connection refused). */
    NOT_APPLIED
  }

  /** One write to an item key: the item it leaves (null when it deletes), and its outcome. */
  record Attempt(Map<String, AttributeValue> item, Outcome outcome) {
  }

  /** The counts of one counter key's increments by outcome. */
  static final class CounterRecord {
    long acknowledged;
    long unknown;
  }

  /** What all writers learnt, over all cycles. */
  static final class Tally {
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong notApplied = new AtomicLong();
    final AtomicLong serverErrors = new AtomicLong();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    void count(Outcome outcome) {
      switch (outcome) {
        case ACKNOWLEDGED -> acknowledged.incrementAndGet();
        case UNKNOWN -> unknown.incrementAndGet();
        case NOT_APPLIED -> notApplied.incrementAndGet();
      }
    }
  }

  // Written only by the writer that owns the key; cycles are joined before the next one starts.
  private final Map<String, List<Attempt>> items = new HashMap<>();
  private final Map<String, CounterRecord> counters = new HashMap<>();
  private final Tally tally = new Tally();

  @Test
  void writes_whenNodeIsKilledNineAtRandomPointsUnderLoad_everyAcknowledgedWriteReachesDynamoDbAndNoItemIsHalfApplied() throws Exception {
    long seed = Long.getLong("dynaccel.it.crashLoop.seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.printf("WriteBackCrashLoopIT: seed %d (-Ddynaccel.it.crashLoop.seed=%d replays it), strategy %s%n", seed, seed, NodeProcess.STRATEGY);
    for (int w = 0; w < MAX_WRITERS; w++) {
      for (int i = 0; i < ITEM_KEYS_PER_WRITER; i++) {
        items.put(itemKey(w, i), new ArrayList<>());
      }
      for (int i = 0; i < COUNTER_KEYS_PER_WRITER; i++) {
        counters.put(counterKey(w, i), new CounterRecord());
      }
    }
    Path logDir = Path.of("target", "it-wal", "crash-loop-" + System.currentTimeMillis());
    Launch launch = Launch.of("crash-loop", upstream.emulator())
        .with(NodeProcess.STRATEGY.settings(logDir))
        .with("writeBack.fsync=always", "writeBack.flushInterval=200ms");

    long began = System.nanoTime();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      runCycle(cycle, launch.named("crash-loop-" + cycle), random);
    }
    try (NodeProcess last = NodeProcess.start(launch.named("crash-loop-final"))) {
      if (NodeProcess.STRATEGY.writesBack()) {
        last.flush();
      }
      last.terminate(Duration.ofSeconds(60));
    }

    List<String> lost = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    items.forEach((key, attempts) -> checkItem(key, attempts, lost, wrong));
    counters.forEach((key, record) -> checkCounter(key, record, lost, wrong));
    System.out.printf("WriteBackCrashLoopIT: strategy %s, %d cycles, %d acknowledged writes, %d unknown-outcome writes, "
            + "%d not applied, %d 5xx answers, %d lost writes, %d wrong items, run time %d ms%n",
        NodeProcess.STRATEGY, CYCLES, tally.acknowledged.get(), tally.unknown.get(), tally.notApplied.get(), tally.serverErrors.get(),
        lost.size(), wrong.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    assertThat(tally.unexpected).as("answers no write in this workload may get").isEmpty();
    assertThat(lost).as("acknowledged writes DynamoDB does not reflect").isEmpty();
    assertThat(wrong).as("items half-applied or holding a value never written").isEmpty();
    assertThat(tally.acknowledged.get()).as("acknowledged writes").isGreaterThan(CYCLES * 10L);
    // Proof that the kills hit writes in flight, which is what the test is about.
    assertThat(tally.unknown.get()).as("writes in flight at a kill").isPositive();
  }

  private void runCycle(int cycle, Launch launch, Random random) throws Exception {
    int writers = 4 + random.nextInt(MAX_WRITERS - 3);
    long runMillis = 300 + random.nextInt(1201);
    long[] writerSeeds = random.longs(writers).toArray();
    long acknowledgedBefore = tally.acknowledged.get();
    long unknownBefore = tally.unknown.get();
    long starting = System.nanoTime();
    NodeProcess node = NodeProcess.start(launch);
    long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting);
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (node; DynamoDbClient client = DirectTable.noRetryClient(node.endpoint(), Duration.ofSeconds(10))) {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        Random writerRandom = new Random(writerSeeds[w]);
        futures.add(pool.submit(() -> write(cycle, writer, writerRandom, running, client)));
      }
      killer.schedule(node::kill9, runMillis, TimeUnit.MILLISECONDS).get(runMillis + 60_000, TimeUnit.MILLISECONDS);
      // Only now: kill9() returns once the process is gone.
      running.set(false);
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      running.set(false);
      pool.shutdownNow();
    }
    System.out.printf("WriteBackCrashLoopIT: cycle %d: ready in %d ms, %d writers, killed after %d ms: %d acknowledged, %d unknown%n",
        cycle, startMillis, writers, runMillis, tally.acknowledged.get() - acknowledgedBefore, tally.unknown.get() - unknownBefore);
  }

  private void write(int cycle, int writer, Random random, AtomicBoolean running, DynamoDbClient client) {
    long sequence = 0;
    while (running.get()) {
      sequence++;
      int choice = random.nextInt(100);
      if (choice < 35) {
        String key = itemKey(writer, random.nextInt(ITEM_KEYS_PER_WRITER));
        Map<String, AttributeValue> item = newItem(key, cycle, writer, sequence);
        record(key, item, send(running, () -> client.putItem(b -> b.tableName(TABLE).item(item))).outcome());
      } else if (choice < 65) {
        String key = counterKey(writer, random.nextInt(COUNTER_KEYS_PER_WRITER));
        Outcome outcome = send(running, () -> client.updateItem(b -> b.tableName(TABLE).key(DirectTable.key(key))
            .updateExpression(INCREMENT).expressionAttributeValues(INCREMENT_VALUES))).outcome();
        CounterRecord counter = counters.get(key);
        if (outcome == Outcome.ACKNOWLEDGED) {
          counter.acknowledged++;
        } else if (outcome == Outcome.UNKNOWN) {
          counter.unknown++;
        }
        tally.count(outcome);
      } else if (choice < 75) {
        String key = itemKey(writer, random.nextInt(ITEM_KEYS_PER_WRITER));
        record(key, null, send(running, () -> client.deleteItem(b -> b.tableName(TABLE).key(DirectTable.key(key)))).outcome());
      } else {
        batch(cycle, writer, sequence, random, running, client);
      }
    }
  }

  /** A BatchWriteItem of puts and deletes on 2 to 4 distinct keys (DynamoDB refuses a key twice in one batch). */
  private void batch(int cycle, int writer, long sequence, Random random, AtomicBoolean running, DynamoDbClient client) {
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < ITEM_KEYS_PER_WRITER; i++) {
      indexes.add(i);
    }
    Collections.shuffle(indexes, random);
    Map<String, Map<String, AttributeValue>> writes = new LinkedHashMap<>();
    List<WriteRequest> requests = new ArrayList<>();
    for (int index : indexes.subList(0, 2 + random.nextInt(3))) {
      String key = itemKey(writer, index);
      if (random.nextInt(5) == 0) {
        writes.put(key, null);
        requests.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(DirectTable.key(key)).build()).build());
      } else {
        Map<String, AttributeValue> item = newItem(key, cycle, writer, sequence);
        writes.put(key, item);
        requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
      }
    }
    Sent<BatchWriteItemResponse> sent = send(running, () -> client.batchWriteItem(b -> b.requestItems(Map.of(TABLE, requests))));
    List<String> unprocessed = new ArrayList<>();
    if (sent.outcome() == Outcome.ACKNOWLEDGED) {
      for (WriteRequest left : sent.response().unprocessedItems().getOrDefault(TABLE, List.of())) {
        Map<String, AttributeValue> key = left.putRequest() != null ? left.putRequest().item() : left.deleteRequest().key();
        unprocessed.add(key.get("id").s());
      }
    }
    writes.forEach((key, item) -> record(key, item, unprocessed.contains(key) ? Outcome.NOT_APPLIED : sent.outcome()));
  }

  private void record(String key, Map<String, AttributeValue> item, Outcome outcome) {
    items.get(key).add(new Attempt(item, outcome));
    tally.count(outcome);
  }

  /** A write's outcome, and the answer when it was acknowledged. */
  record Sent<T>(Outcome outcome, T response) {
  }

  /**
   * Sends one write and classifies what the answer (or its absence) says about it. {@code running}
   * turns false only once the killed node is gone, so a write sent after that reached no node.
   */
  private <T> Sent<T> send(AtomicBoolean running, Supplier<T> call) {
    boolean sentAfterKill = !running.get();
    try {
      return new Sent<>(Outcome.ACKNOWLEDGED, call.get());
    } catch (DynamoDbException e) {
      if (e.statusCode() >= 500) {
        tally.serverErrors.incrementAndGet();
        return new Sent<>(Outcome.UNKNOWN, null);
      }
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (!THROTTLING.contains(code)) {
        tally.unexpected.add(e.statusCode() + " " + code + ": " + e.getMessage());
      }
      return new Sent<>(Outcome.NOT_APPLIED, null);
    } catch (RuntimeException e) {
      // No connection means no request was sent; any other failure may have hit a write in flight.
      boolean reachedNoNode = sentAfterKill || causedBy(e, ConnectException.class);
      return new Sent<>(reachedNoNode ? Outcome.NOT_APPLIED : Outcome.UNKNOWN, null);
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The item must be what the last acknowledged write left (nothing before any), or what a later
   * write of unknown outcome left; anything else is a lost write when an acknowledged write came
   * before, and a value never written otherwise.
   */
  private void checkItem(String key, List<Attempt> attempts, List<String> lost, List<String> wrong) {
    Map<String, AttributeValue> actual = table.read(key);
    int lastAcknowledged = -1;
    for (int i = 0; i < attempts.size(); i++) {
      if (attempts.get(i).outcome() == Outcome.ACKNOWLEDGED) {
        lastAcknowledged = i;
      }
    }
    List<Map<String, AttributeValue>> allowed = new ArrayList<>();
    allowed.add(lastAcknowledged < 0 ? null : attempts.get(lastAcknowledged).item());
    for (int i = lastAcknowledged + 1; i < attempts.size(); i++) {
      if (attempts.get(i).outcome() == Outcome.UNKNOWN) {
        allowed.add(attempts.get(i).item());
      }
    }
    if (allowed.stream().noneMatch(item -> Objects.equals(item, actual))) {
      String description = key + ": DynamoDB holds " + describe(actual) + ", allowed "
          + allowed.stream().map(WriteBackCrashLoopIT::describe).toList() + " (after " + attempts.size() + " writes)";
      (lastAcknowledged >= 0 ? lost : wrong).add(description);
    }
  }

  private void checkCounter(String key, CounterRecord record, List<String> lost, List<String> wrong) {
    Map<String, AttributeValue> actual = table.read(key);
    long a = actual == null ? 0 : Long.parseLong(actual.get("a").n());
    if (actual != null && (!actual.keySet().equals(Set.of("id", "a", "b")) || !actual.get("a").equals(actual.get("b")))) {
      wrong.add(key + ": half-applied increment, DynamoDB holds " + actual);
    }
    if (a < record.acknowledged) {
      lost.add(key + ": " + (record.acknowledged - a) + " acknowledged increments lost, DynamoDB holds " + actual
          + " after " + record.acknowledged + " acknowledged and " + record.unknown + " unknown");
    } else if (a > record.acknowledged + record.unknown) {
      wrong.add(key + ": increments never sent, DynamoDB holds " + actual + " after " + record.acknowledged
          + " acknowledged and " + record.unknown + " unknown");
    }
  }

  private static String describe(Map<String, AttributeValue> item) {
    if (item == null) {
      return "no item";
    }
    Map<String, AttributeValue> shown = new LinkedHashMap<>(item);
    shown.computeIfPresent("pad", (name, pad) -> AttributeValue.fromS(pad.s().length() + " x"));
    return shown.toString();
  }

  private static Map<String, AttributeValue> newItem(String key, int cycle, int writer, long sequence) {
    // Values are unique per write and vary in size, so a torn log record can fall anywhere in one.
    return Map.of("id", AttributeValue.fromS(key),
        "v", AttributeValue.fromS("c" + cycle + "-w" + writer + "-" + sequence),
        "pad", AttributeValue.fromS("x".repeat(1 + (int) (sequence * 37 % 400))));
  }

  private static String itemKey(int writer, int index) {
    return "w" + writer + "-item" + index;
  }

  private static String counterKey(int writer, int index) {
    return "w" + writer + "-counter" + index;
  }
}
