package io.dynaccel.server.write.back.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.server.cache.ItemKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyLanesTest {

  private static final ItemKey A = new ItemKey("T", "a", null);
  private static final ItemKey B = new ItemKey("T", "b", null);
  private static final ItemKey C = new ItemKey("T", "c", null);

  private Vertx vertx;
  private Context context;
  private KeyLanes lanes;
  /** Names of the operations that started, in the order they started. */
  private final List<String> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    lanes = new KeyLanes(new Sequencer(context));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void run_whenOneKey_startsEachOperationOnlyAfterTheOneBeforeEnded() {
    Promise<Void> first = Promise.promise();
    Promise<Void> second = Promise.promise();
    Promise<Void> third = Promise.promise();
    onContext(() -> {
      lanes.run(List.of(A), operation("1", first));
      lanes.run(List.of(A), operation("2", second));
      lanes.run(List.of(A), operation("3", third));
    });
    assertThat(started).containsExactly("1");

    onContext(first::complete);
    await().until(() -> started.size() == 2);
    onContext(second::complete);
    await().until(() -> started.size() == 3);

    assertThat(started).containsExactly("1", "2", "3");
  }

  @Test
  void run_whenKeysDiffer_operationsRunAtTheSameTime() {
    onContext(() -> {
      lanes.run(List.of(A), operation("a", Promise.promise()));
      lanes.run(List.of(B), operation("b", Promise.promise()));
    });

    assertThat(started).containsExactly("a", "b");
    assertThat(fromContext(lanes::busyItems)).isEqualTo(2);
  }

  @Test
  void run_whenMultiKeyOperation_waitsForEveryLaneItNames() {
    Promise<Void> onA = Promise.promise();
    Promise<Void> onB = Promise.promise();
    onContext(() -> {
      lanes.run(List.of(A), operation("a", onA));
      lanes.run(List.of(B), operation("b", onB));
      lanes.run(List.of(A, B), operation("ab", Promise.promise()));
      lanes.run(List.of(B), operation("b2", Promise.promise()));
    });

    onContext(onA::complete);
    // The lane of A is free now, but the batch still waits for B; b2 waits behind the batch.
    fromContext(() -> null);
    assertThat(started).containsExactly("a", "b");

    onContext(onB::complete);
    await().until(() -> started.contains("ab"));
    assertThat(started).containsExactly("a", "b", "ab");
  }

  @Test
  void run_whenManyOverlappingMultiKeyOperations_allFinishInArrivalOrderPerKey() {
    List<ItemKey> keys = List.of(A, B, C, new ItemKey("T", "d", null), new ItemKey("U", "a", "1"));
    SplittableRandom random = new SplittableRandom(11);
    int operations = 500;
    List<List<Integer>> startedPerKey = new ArrayList<>();
    keys.forEach(k -> startedPerKey.add(new CopyOnWriteArrayList<>()));
    CompletableFuture<Void> allDone = new CompletableFuture<>();
    int[] finished = {0};
    onContext(() -> {
      for (int i = 0; i < operations; i++) {
        int id = i;
        List<ItemKey> named = new ArrayList<>();
        for (ItemKey key : keys) {
          if (random.nextInt(3) == 0) {
            named.add(key);
          }
        }
        if (named.isEmpty()) {
          named.add(keys.get(random.nextInt(keys.size())));
        }
        // Operations end later, on their own timers, in an order unrelated to their start.
        long delay = 1 + random.nextInt(3);
        lanes.run(named, () -> {
          named.forEach(key -> startedPerKey.get(keys.indexOf(key)).add(id));
          Promise<Void> done = Promise.promise();
          vertx.setTimer(delay, t -> {
            done.complete();
            if (++finished[0] == operations) {
              allDone.complete(null);
            }
          });
          return done.future();
        });
      }
    });

    allDone.orTimeout(30, TimeUnit.SECONDS).join();

    for (List<Integer> perKey : startedPerKey) {
      assertThat(perKey).isSorted();
    }
    await().until(() -> fromContext(lanes::busyItems) == 0);
  }

  @Test
  void run_whenOperationFails_releasesItsLanes() {
    Promise<Void> failing = Promise.promise();
    onContext(() -> {
      lanes.run(List.of(A, B), operation("failing", failing));
      lanes.run(List.of(A), operation("next on a", Promise.promise()));
      lanes.run(List.of(B), operation("next on b", Promise.promise()));
    });

    onContext(() -> failing.fail(new IllegalStateException("upstream said no")));

    await().until(() -> started.size() == 3);
    assertThat(started).containsExactly("failing", "next on a", "next on b");
  }

  @Test
  void run_whenOperationThrows_releasesItsLanes() {
    onContext(() -> {
      lanes.run(List.of(A, B), () -> {
        started.add("throwing");
        throw new IllegalStateException("a bug in the step");
      });
      lanes.run(List.of(B), operation("next", Promise.promise()));
    });

    await().until(() -> started.size() == 2);
    assertThat(started).containsExactly("throwing", "next");
  }

  @Test
  void run_whenOperationNamesAKeyTwice_joinsItsLaneOnce() {
    Promise<Void> twice = Promise.promise();
    onContext(() -> {
      lanes.run(List.of(A, A), operation("twice", twice));
      lanes.run(List.of(A), operation("after", Promise.promise()));
    });

    onContext(twice::complete);

    await().until(() -> started.size() == 2);
    assertThat(started).containsExactly("twice", "after");
  }

  @Test
  void busyItems_whenEveryOperationEnded_isZero() {
    Promise<Void> one = Promise.promise();
    onContext(() -> lanes.run(List.of(A, B), operation("one", one)));
    assertThat(fromContext(lanes::busyItems)).isEqualTo(2);

    onContext(one::complete);

    await().until(() -> fromContext(lanes::busyItems) == 0);
  }

  private Supplier<Future<?>> operation(String name, Promise<Void> done) {
    return () -> {
      started.add(name);
      return done.future();
    };
  }

  private void onContext(Runnable action) {
    fromContext(() -> {
      action.run();
      return null;
    });
  }

  /** Runs {@code action} on the lanes' context and waits for it. */
  private <T> T fromContext(Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.orTimeout(10, TimeUnit.SECONDS).join();
  }
}
