package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OwnershipMapsTest {

  private static final URI A = URI.create("http://a:1");
  private static final URI B = URI.create("http://b:1");
  private static final URI C = URI.create("http://c:1");

  /** A node's {@code "clustered": false} answer, which the source reports as null. */
  private static final Object ALONE = new Object();

  /** Answers per endpoint (a map, {@link #ALONE}, or an exception to throw), and records who was asked. */
  private final Map<URI, Object> answers = new ConcurrentHashMap<>();
  private final List<URI> asked = new CopyOnWriteArrayList<>();
  private final Set<URI> down = ConcurrentHashMap.newKeySet();
  private final List<OwnershipMap> installed = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  private final MapSource source = endpoint -> {
    asked.add(endpoint);
    Object answer = answers.getOrDefault(endpoint, new ConnectException("Connection refused"));
    if (answer instanceof IOException e) {
      throw e;
    }
    if (answer instanceof RuntimeException e) {
      throw e;
    }
    return answer == ALONE ? null : (OwnershipMap) answer;
  };

  private final AtomicLong clock = new AtomicLong();
  private final OwnershipMaps maps = new OwnershipMaps(List.of(A, B), source, down::contains, installed::add, clock::get);

  @AfterEach
  void stop() {
    maps.close();
    scheduler.shutdownNow();
  }

  /** A map of the members, every partition owned by {@code owner}. */
  static OwnershipMap mapOf(List<URI> members, int owner) {
    int[] owners = new int[Partitions.COUNT];
    Arrays.fill(owners, owner);
    return new OwnershipMap("m", members, owners);
  }

  @Test
  void start_whenFirstSeedDown_learnsFromTheNext() {
    OwnershipMap map = mapOf(List.of(B, C), 1);
    answers.put(B, map);

    maps.start(scheduler, Duration.ofHours(1));

    assertThat(maps.current()).isSameAs(map);
    assertThat(asked).containsExactly(A, B);
    assertThat(installed).containsExactly(map);
  }

  @Test
  void refresh_asksTheMapsMembersFirstAndNodesHeldDownLast() {
    answers.put(A, mapOf(List.of(C, A, B), 0));
    maps.start(scheduler, Duration.ofHours(1));
    asked.clear();
    down.add(C);
    answers.remove(A);
    answers.remove(C);

    maps.refresh();

    // C is down and asked last; A refuses; B is asked second.
    assertThat(asked).containsExactly(A, B, C);
  }

  @Test
  void refresh_whenNoNodeAnswers_keepsTheMap() {
    OwnershipMap map = mapOf(List.of(A, B), 0);
    answers.put(A, map);
    maps.start(scheduler, Duration.ofHours(1));
    answers.clear();

    maps.refresh();

    assertThat(maps.current()).isSameAs(map);
  }

  @Test
  void refresh_whenNodeAnswersNoMap_asksTheNext() {
    answers.put(A, new IllegalArgumentException("not a Dynaccel cluster map"));
    answers.put(B, mapOf(List.of(A, B), 1));

    maps.start(scheduler, Duration.ofHours(1));

    assertThat(maps.current()).isNotNull();
  }

  @Test
  void refresh_whenNodesRunAlone_noMap() {
    answers.put(A, mapOf(List.of(A, B), 0));
    maps.start(scheduler, Duration.ofHours(1));
    answers.remove(A);
    answers.put(B, ALONE);

    maps.refresh();

    assertThat(maps.current()).isNull();
    assertThat(installed).hasSize(2).last().isNull();
  }

  @Test
  void refresh_whenSameMapAgain_notInstalledAgain() {
    answers.put(A, mapOf(List.of(A, B), 0));
    maps.start(scheduler, Duration.ofHours(1));
    answers.put(A, mapOf(List.of(A, B), 0));

    maps.refresh();

    assertThat(installed).hasSize(1);
  }

  @Test
  void refreshSoon_readsTheMapAgainAtOnce() {
    answers.put(A, mapOf(List.of(A, B), 0));
    maps.start(scheduler, Duration.ofHours(1));
    OwnershipMap moved = mapOf(List.of(A, B), 1);
    answers.put(A, moved);

    maps.refreshSoon();

    await().atMost(Duration.ofSeconds(5)).until(() -> maps.current() == moved);
  }

  @Test
  void start_everyInterval_readsTheMapAgain() {
    answers.put(A, mapOf(List.of(A, B), 0));
    maps.start(scheduler, Duration.ofMillis(20));

    await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() >= 3);
    assertThat(new ArrayList<>(asked)).containsOnly(A);
  }

  @Test
  void refreshSoon_whileMapNamesADownMember_readsAgainUntilItDropsIt() {
    answers.put(A, mapOf(List.of(A, B), 1));
    maps.start(scheduler, Duration.ofSeconds(2));
    down.add(B); // the cluster has not dropped B yet

    maps.refreshSoon();
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() >= 4);
    OwnershipMap dropped = mapOf(List.of(A), 0);
    answers.put(A, dropped);

    await().atMost(Duration.ofSeconds(5)).until(() -> maps.current() == dropped);
    int after = asked.size();
    await().during(Duration.ofMillis(4 * OwnershipMaps.FOLLOW_UP_MILLIS)).atMost(Duration.ofSeconds(2))
        .until(() -> asked.size() <= after + 1);
  }

  @Test
  void refreshSoon_whenMemberStaysDown_followsOneIntervalOnly() {
    answers.put(A, mapOf(List.of(A, B), 1));
    maps.start(scheduler, Duration.ofSeconds(2));
    down.add(B);

    maps.refreshSoon();
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() >= 3);
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    int after = asked.size();

    await().during(Duration.ofMillis(4 * OwnershipMaps.FOLLOW_UP_MILLIS)).atMost(Duration.ofSeconds(2))
        .until(() -> asked.size() <= after + 1);
  }

  @Test
  void refreshSoon_whenNoMemberDown_readsOnce() {
    answers.put(A, mapOf(List.of(A, B), 1));
    maps.start(scheduler, Duration.ofSeconds(2));

    maps.refreshSoon();

    await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 2);
    await().during(Duration.ofMillis(3 * OwnershipMaps.FOLLOW_UP_MILLIS)).atMost(Duration.ofSeconds(2)).until(() -> asked.size() == 2);
  }
}
