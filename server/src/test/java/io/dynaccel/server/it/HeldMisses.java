package io.dynaccel.server.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends many concurrent calls of one read to a node while its proxy holds DynamoDB's answers, until the
 * node has counted every call as a miss, then lets the answers go: every call is then a miss while
 * the first one's fill is in flight, which is what single flight is about.
 */
final class HeldMisses {

  private HeldMisses() {}

  /**
   * The answers of {@code calls} calls, in the order sent.
   *
   * @param missMeter the node's meter that counts the calls as misses, e.g. {@code dynaccel_item_cache_misses_total}
   */
  static <T> List<T> send(ProxiedAccelerator node, String missMeter, int calls, Supplier<CompletableFuture<T>> call) throws Exception {
    double missesBefore = node.metric(missMeter);
    node.proxy().holdResponses();
    List<CompletableFuture<T>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < calls; i++) {
        answers.add(call.get());
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> node.metric(missMeter) - missesBefore >= calls);
    } finally {
      node.proxy().releaseResponses();
    }
    List<T> results = new ArrayList<>();
    for (CompletableFuture<T> answer : answers) {
      results.add(answer.get(30, TimeUnit.SECONDS));
    }
    return results;
  }
}
