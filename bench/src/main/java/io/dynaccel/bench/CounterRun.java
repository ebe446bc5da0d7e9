package io.dynaccel.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counter workload: a fixed number of increments ({@code ADD n :one}) spread round-robin over
 * ten counters, sent by a few closed-loop writers until every increment is acknowledged. A call that
 * is refused (throttled, say) is counted and sent again, so exactly the given number is acknowledged.
 */
final class CounterRun {

  private final ApiClient client;
  private final String table;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final long increments;

  private CounterRun(ApiClient client, String table, long increments) {
    this.client = client;
    this.table = table;
    this.increments = increments;
  }

  /**
   * Sends the increments and returns once all are acknowledged.
   *
   * @return the calls that were refused and sent again
   */
  static Result run(Vertx vertx, ApiClient client, String table, int writers, long increments) {
    CounterRun run = new CounterRun(client, table, increments);
    long began = System.nanoTime();
    List<Future<Void>> loops = new ArrayList<>();
    for (int writer = 0; writer < writers; writer++) {
      Promise<Void> done = Promise.promise();
      vertx.runOnContext(v -> run.increment(run.next.getAndIncrement(), done));
      loops.add(done.future());
    }
    LoadGenerator.await(Future.all(loops));
    return new Result(run.refused.get(), (System.nanoTime() - began) / 1e9);
  }

  /** The counter an increment goes to. */
  static String counter(long increment) {
    return "c-" + increment % WriteLatencyRun.COUNTERS;
  }

  private void increment(long n, Promise<Void> done) {
    if (n >= increments) {
      done.complete();
      return;
    }
    client.call(WriteLatencyRun.increment(table, counter(n))).onComplete(answer -> {
      if (answer.succeeded() && answer.result().ok()) {
        increment(next.getAndIncrement(), done);
      } else if (answer.succeeded()) {
        refused.incrementAndGet();
        increment(n, done);
      } else {
        // No answer: the increment may or may not have been applied, and the sum check below could not tell.
        done.fail(answer.cause());
      }
    });
  }

  /**
   * What the run saw.
   *
   * @param refused calls answered with an error and sent again
   * @param seconds time until the last increment was acknowledged
   */
  record Result(long refused, double seconds) {}
}
