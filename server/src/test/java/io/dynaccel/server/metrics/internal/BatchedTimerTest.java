package io.dynaccel.server.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchedTimerTest {

  private final Timer timer = Timer.builder("t").register(new SimpleMeterRegistry());
  private final BatchedTimer batched = new BatchedTimer(timer);

  @Test
  void record_whenTheBatchIsNotFull_isSeenOnlyAfterAFlush() {
    batched.record(1_000);
    batched.record(3_000);
    assertThat(timer.count()).isZero();

    batched.flush();

    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(4_000);
    batched.flush();
    assertThat(timer.count()).as("handed over once").isEqualTo(2);
  }

  @Test
  void record_whenTheBatchFills_handsItOverWithoutAFlush() {
    for (int i = 0; i < BatchedTimer.BATCH; i++) {
      batched.record(10);
    }

    assertThat(timer.count()).isEqualTo(BatchedTimer.BATCH);
  }

  @Test
  void flush_whenOtherThreadsRecorded_handsOverTheirBatchesToo() throws InterruptedException {
    int threads = 4;
    int calls = 1_000;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < calls; i++) {
          batched.record(5);
        }
        done.countDown();
      });
      thread.start();
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(timer.count()).as("only full batches so far").isLessThan((long) threads * calls);

    batched.flush();

    assertThat(timer.count()).isEqualTo((long) threads * calls);
  }
}
