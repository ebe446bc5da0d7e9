package io.dynaccel.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;

/**
 * Write latency with a concurrent reader that looks for stale reads. A few closed-loop writers
 * alternate a PutItem of one of their own keys (carrying a version that grows with every write of
 * the writer, so a key's versions only grow) and a counter increment ({@code ADD n :one}, answered
 * with the new value) of one of ten counters they share. Every acknowledged write raises its key's
 * floor: the highest value acknowledged so far. One reader keeps reading (eventually consistent
 * GetItem, the read a cache serves) the key some writer had acknowledged last; a read that answers
 * less than the key's floor when the read was sent is stale: it missed a write acknowledged before
 * it began. The reader pauses a millisecond between reads, so that it does not take a core from the
 * writers of the strategies that answer reads fastest.
 *
 * <p>Each writer cycles through few keys so that, after the warm-up, write-back finds them in memory:
 * the first write of a key it does not hold reads the item from DynamoDB first.
 */
final class WriteLatencyRun {

  static final int COUNTERS = 10;
  private static final int KEYS_PER_WRITER = 20;
  private static final String PAYLOAD = "x".repeat(200);
  /** The reader's pause between reads (see above). */
  private static final long READ_PAUSE_MILLIS = 1;

  private final Vertx vertx;
  private final ApiClient writes;
  private final ApiClient reads;
  private final String table;
  private final int writers;
  private final Histogram puts = new Histogram(3_600_000_000L, 3);
  private final Histogram updates = new Histogram(3_600_000_000L, 3);
  private final Map<String, Long> floors = new ConcurrentHashMap<>();
  private final AtomicReferenceArray<String> lastAcknowledged;
  private final AtomicLong writeErrors = new AtomicLong();
  private final AtomicLong answeredReads = new AtomicLong();
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong readErrors = new AtomicLong();
  private long measureFrom;
  private long end;

  private WriteLatencyRun(Vertx vertx, ApiClient writes, ApiClient reads, String table, int writers) {
    this.vertx = vertx;
    this.writes = writes;
    this.reads = reads;
    this.table = table;
    this.writers = writers;
    this.lastAcknowledged = new AtomicReferenceArray<>(writers);
  }

  /**
   * Runs the writers and the reader.
   *
   * @param writes the writers' endpoint, with at least {@code writers} connections
   * @param reads the reader's endpoint: the same as the writers' except for a control run
   * @param table an empty table with a string hash key {@code pk}
   * @param warmUp time before latencies are recorded (stale reads are counted throughout)
   * @param measured time during which latencies are recorded
   */
  static Result run(Vertx vertx, ApiClient writes, ApiClient reads, String table, int writers, Duration warmUp, Duration measured) {
    WriteLatencyRun run = new WriteLatencyRun(vertx, writes, reads, table, writers);
    long start = System.nanoTime();
    run.measureFrom = start + warmUp.toNanos();
    run.end = run.measureFrom + measured.toNanos();
    List<Future<Void>> loops = new ArrayList<>();
    for (int writer = 0; writer < writers; writer++) {
      Promise<Void> done = Promise.promise();
      int w = writer;
      vertx.runOnContext(v -> run.write(w, 0, done));
      loops.add(done.future());
    }
    Promise<Void> reader = Promise.promise();
    vertx.runOnContext(v -> run.read(reader));
    loops.add(reader.future());
    LoadGenerator.await(Future.all(loops));
    return new Result(
        new LoadResult(run.puts.getTotalCount(), 0, measured.toNanos() / 1e9, run.puts),
        new LoadResult(run.updates.getTotalCount(), 0, measured.toNanos() / 1e9, run.updates),
        run.writeErrors.get(), run.answeredReads.get(), run.stale.get(), run.readErrors.get());
  }

  private void write(int writer, long n, Promise<Void> done) {
    long sent = System.nanoTime();
    if (sent >= end) {
      done.complete();
      return;
    }
    boolean put = n % 2 == 0;
    String key = put ? "p-" + writer + "-" + (n / 2) % KEYS_PER_WRITER : "c-" + ThreadLocalRandom.current().nextInt(COUNTERS);
    ApiCall call = put
        ? ApiCall.of("PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"v\":{\"N\":\"" + n
            + "\"},\"payload\":{\"S\":\"" + PAYLOAD + "\"}}}")
        : increment(table, key);
    writes.call(call).onComplete(answer -> {
      long now = System.nanoTime();
      if (answer.succeeded() && answer.result().ok()) {
        long value = put ? n : counterValue(answer.result().body().getJsonObject("Attributes"));
        floors.merge(key, value, Math::max);
        lastAcknowledged.set(writer, key);
        if (sent >= measureFrom && now <= end) {
          Histogram histogram = put ? puts : updates;
          synchronized (histogram) {
            histogram.recordValue(Math.max(1, (now - sent) / 1000));
          }
        }
      } else {
        writeErrors.incrementAndGet();
      }
      write(writer, n + 1, done);
    });
  }

  private void read(Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    String key = lastAcknowledged.get(ThreadLocalRandom.current().nextInt(writers));
    if (key == null) {
      vertx.setTimer(1, id -> read(done));
      return;
    }
    // The floor is taken before the read is sent: every write it counts was acknowledged before the read began.
    long floor = floors.get(key);
    reads.call(ApiCall.of("GetItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}}}")).onComplete(answer -> {
      if (answer.succeeded() && answer.result().ok()) {
        answeredReads.incrementAndGet();
        JsonObject item = answer.result().body().getJsonObject("Item");
        long value = item == null ? -1 : Long.parseLong(item.getJsonObject(key.startsWith("p-") ? "v" : "n").getString("N"));
        if (value < floor) {
          stale.incrementAndGet();
        }
      } else {
        readErrors.incrementAndGet();
      }
      vertx.setTimer(READ_PAUSE_MILLIS, id -> read(done));
    });
  }

  /** {@code ADD n :one} on a counter, answered with the new value. */
  static ApiCall increment(String table, String key) {
    return ApiCall.of("UpdateItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}},"
        + "\"UpdateExpression\":\"ADD n :one\",\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}},\"ReturnValues\":\"UPDATED_NEW\"}");
  }

  /** The {@code n} of an item or of UPDATED_NEW attributes. */
  static long counterValue(JsonObject attributes) {
    return Long.parseLong(attributes.getJsonObject("n").getString("N"));
  }

  /**
   * What one run measured.
   *
   * @param puts PutItem latencies of the measured period
   * @param updates counter UpdateItem latencies of the measured period
   * @param writeErrors writes not acknowledged (whole run)
   * @param reads reads answered (whole run)
   * @param stale reads that answered less than a write acknowledged before they began
   * @param readErrors reads not answered with 200
   */
  record Result(LoadResult puts, LoadResult updates, long writeErrors, long reads, long stale, long readErrors) {}
}
