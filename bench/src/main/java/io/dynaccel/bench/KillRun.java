package io.dynaccel.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Acknowledged writes lost when the node is killed: a few writers alternate a PutItem of a key never
 * written before and an increment of their own counter, and keep a record of every write the node
 * acknowledged. After a random moment of load the node gets SIGKILL, the writers stop at their first
 * call without an answer, and the node is started again on the same log directory; this repeats, and
 * after the last restart {@code POST /admin/write-back/flush} returns once the node says DynamoDB
 * holds everything. Then DynamoDB itself is read with consistent reads: an acknowledged put whose
 * item is missing, and an acknowledged increment missing from its counter, are lost.
 *
 * <p>A write the node had not answered when it was killed may or may not have been applied, so a
 * counter may be ahead of its acknowledged increments; only being behind is a loss.
 */
final class KillRun {

  private final ApiClient client;
  private final String table;
  private final int writers;
  private final long[] sequence;
  private final Map<String, Long> acknowledgedPuts = new ConcurrentHashMap<>();
  private final AtomicLongArray acknowledgedIncrements;
  private final AtomicLong unanswered = new AtomicLong();

  private KillRun(ApiClient client, String table, int writers) {
    this.client = client;
    this.table = table;
    this.writers = writers;
    this.sequence = new long[writers];
    this.acknowledgedIncrements = new AtomicLongArray(writers);
  }

  /**
   * Runs the kill cycles, the final flush, and the count.
   *
   * @param node the node under load; it is running again when this returns
   * @param client a client of the node with at least {@code writers} connections
   * @param dynamoDb the upstream itself, for the consistent reads of the count
   * @param table an empty table with a string hash key {@code pk}
   * @param cycles how many times the node is killed
   * @param minLoad shortest load before a kill; the longest is twice that
   */
  static Result run(Vertx vertx, NodeProcess node, ApiClient client, URI dynamoDb, String table, int writers, int cycles, Duration minLoad)
      throws Exception {
    KillRun run = new KillRun(client, table, writers);
    List<Long> killedAfterMillis = new ArrayList<>();
    for (int cycle = 0; cycle < cycles; cycle++) {
      List<Future<Void>> loops = new ArrayList<>();
      for (int writer = 0; writer < writers; writer++) {
        Promise<Void> done = Promise.promise();
        int w = writer;
        vertx.runOnContext(v -> run.write(w, done));
        loops.add(done.future());
      }
      long loadMillis = minLoad.toMillis() + ThreadLocalRandom.current().nextLong(minLoad.toMillis() + 1);
      Thread.sleep(loadMillis);
      node.kill();
      killedAfterMillis.add(loadMillis);
      LoadGenerator.await(Future.join(loops));
      node.restart();
    }
    node.flush();
    long puts = run.acknowledgedPuts.size();
    long increments = 0;
    for (int w = 0; w < writers; w++) {
      increments += run.acknowledgedIncrements.get(w);
    }
    Map<String, Long> stored = BlockingCalls.consistentNumbers(dynamoDb, table, run.keys(), key -> key.startsWith("k-") ? "v" : "n");
    long lostPuts = run.acknowledgedPuts.entrySet().stream().filter(e -> !e.getValue().equals(stored.get(e.getKey()))).count();
    long lostIncrements = 0;
    for (int w = 0; w < writers; w++) {
      lostIncrements += Math.max(0, run.acknowledgedIncrements.get(w) - stored.getOrDefault(counter(w), 0L));
    }
    return new Result(cycles, killedAfterMillis, puts, increments, run.unanswered.get(), lostPuts, lostIncrements);
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>(acknowledgedPuts.keySet());
    for (int w = 0; w < writers; w++) {
      keys.add(counter(w));
    }
    return keys;
  }

  private static String counter(int writer) {
    return "c-" + writer;
  }

  private void write(int writer, Promise<Void> done) {
    long n = sequence[writer]++;
    boolean put = n % 2 == 0;
    String key = put ? "k-" + writer + "-" + n : counter(writer);
    ApiCall call = put
        ? ApiCall.of("PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"v\":{\"N\":\"" + n + "\"}}}")
        : WriteLatencyRun.increment(table, key);
    client.call(call).onComplete(answer -> {
      if (answer.failed()) {
        // The node is gone; this write's fate is unknown, and the writer waits for the next cycle.
        unanswered.incrementAndGet();
        done.complete();
        return;
      }
      if (answer.result().ok()) {
        if (put) {
          acknowledgedPuts.put(key, n);
        } else {
          acknowledgedIncrements.incrementAndGet(writer);
        }
      }
      write(writer, done);
    });
  }

  /**
   * What the cycles left behind.
   *
   * @param cycles kills
   * @param killedAfterMillis load before each kill
   * @param puts acknowledged puts
   * @param increments acknowledged increments
   * @param unanswered writes in flight at a kill, whose fate is unknown
   * @param lostPuts acknowledged puts whose item DynamoDB does not hold
   * @param lostIncrements acknowledged increments missing from DynamoDB's counters
   */
  record Result(int cycles, List<Long> killedAfterMillis, long puts, long increments, long unanswered, long lostPuts, long lostIncrements) {

    /** Acknowledged writes of both kinds. */
    long acknowledged() {
      return puts + increments;
    }

    /** Acknowledged writes lost, of both kinds. */
    long lost() {
      return lostPuts + lostIncrements;
    }
  }
}
