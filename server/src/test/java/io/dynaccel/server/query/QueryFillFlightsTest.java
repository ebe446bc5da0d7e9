package io.dynaccel.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.SettableFence;
import io.dynaccel.server.read.FillFlights;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Single flight of Query and Scan misses: when a miss may take the answer of a fill of its request in flight. */
class QueryFillFlightsTest {

  private static final QueryScope PARTITION_A = new QueryScope("Orders", "S1:a");
  private static final String QUERY_A = "Query{\"KeyConditionExpression\":\"pk = :a\",\"TableName\":\"Orders\"}";
  private static final QueryScope TABLE = QueryScope.wholeTable("Orders");
  private static final String SCAN = "Scan{\"TableName\":\"Orders\"}";

  private final AtomicLong now = new AtomicLong();
  private final SettableFence fence = new SettableFence();
  private final QueryCache cache = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(11),
      Duration.ofSeconds(1), now::get, fence);
  private final AtomicInteger merged = new AtomicInteger();
  private final FillFlights<String, QueryFillTicket, String> flights = new FillFlights<>(cache::unwrittenSince, merged::incrementAndGet);
  /** The upstream calls sent, in order: each is answered when the test likes. */
  private final List<Promise<String>> calls = new ArrayList<>();

  /** A miss as the handler makes it: the key with the generations current as it arrives, the flight by request. */
  private Future<String> miss(QueryScope scope, String request) {
    QueryCache.Key key = cache.keyOf(scope, request);
    return flights.fill(request, () -> cache.beginFill(key), ticket -> {
      Promise<String> call = Promise.promise();
      calls.add(call);
      return call.future();
    });
  }

  private Future<String> missA() {
    return miss(PARTITION_A, QUERY_A);
  }

  @Test
  void fill_whenAHundredMissesOfOneQueryArriveWhileItsFillIsInFlight_sendsOneCallAndAnswersThemAllWithIt() {
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      answers.add(missA());
    }

    assertThat(calls).hasSize(1);
    calls.get(0).complete("a1");

    assertThat(answers).allSatisfy(answer -> assertThat(answer.result()).isEqualTo("a1"));
    assertThat(merged).hasValue(99);
  }

  @Test
  void fill_whenAWriteOfThePartitionBeganSinceTheFillBeganAndIsInFlight_aLaterMissSendsItsOwnCall() {
    missA();
    cache.beginWrite("Orders", "S1:a");

    missA();

    assertThat(calls).hasSize(2);
    assertThat(merged).hasValue(0);
  }

  @Test
  void fill_whenAWriteOfThePartitionEndedSinceTheFillBegan_aLaterMissSendsItsOwnCallWhichLaterMissesJoin() {
    Future<String> first = missA();
    cache.endWrite(cache.beginWrite("Orders", "S1:a"), false);

    Future<String> afterWrite = missA();
    Future<String> joinsTheSecond = missA();

    // The first fill may have read what the acknowledged write replaced: a miss after the write may not take it.
    assertThat(calls).hasSize(2);
    calls.get(0).complete("a1");
    calls.get(1).complete("a2");
    assertThat(first.result()).isEqualTo("a1");
    assertThat(afterWrite.result()).isEqualTo("a2");
    assertThat(joinsTheSecond.result()).isEqualTo("a2");
    assertThat(merged).hasValue(1);
  }

  @Test
  void fill_whenAWriteOfThePartitionWasInFlightBeforeTheFillBegan_aLaterMissJoins() {
    cache.beginWrite("Orders", "S1:a");
    missA();

    missA();

    // Unacknowledged when the miss arrived: the miss is concurrent with the write, either answer is correct.
    assertThat(calls).hasSize(1);
    assertThat(merged).hasValue(1);
  }

  @Test
  void fill_whenAWriteOfAnotherPartitionEnded_aLaterMissOfThePartitionStillJoins() {
    missA();
    cache.endWrite(cache.beginWrite("Orders", "S1:b"), false);

    missA();

    assertThat(calls).hasSize(1);
    assertThat(merged).hasValue(1);
  }

  @Test
  void fill_whenAWriteOfAnotherTableEnded_aLaterScanStillJoins() {
    miss(TABLE, SCAN);
    cache.endWrite(cache.beginWrite("Customers", "S1:a"), false);

    miss(TABLE, SCAN);

    assertThat(calls).hasSize(1);
    assertThat(merged).hasValue(1);
  }

  @Test
  void fill_whenAWriteOfAnyPartitionEndedSinceAScanBegan_aLaterScanSendsItsOwnCall() {
    miss(TABLE, SCAN);
    cache.endWrite(cache.beginWrite("Orders", "S1:b"), false);

    miss(TABLE, SCAN);

    assertThat(calls).hasSize(2);
    assertThat(merged).hasValue(0);
  }

  @Test
  void fill_whenAWholeTableWriteEndedSinceTheFillBegan_aLaterMissOfAPartitionSendsItsOwnCall() {
    missA();
    cache.endWrite(cache.beginTableWrite("Orders"), false);

    missA();

    assertThat(calls).hasSize(2);
  }

  @Test
  void fill_whenAWriteThatMayTouchEveryTableEndedSinceTheFillBegan_aLaterMissSendsItsOwnCall() {
    missA();
    cache.endWrite(cache.beginTableWrite(ItemCache.ALL_TABLES), false);

    missA();

    assertThat(calls).hasSize(2);
  }

  @Test
  void fill_whenTheScopesEpochMovedOnSinceTheFillBegan_aLaterMissSendsItsOwnCall() {
    missA();
    fence.partitionEpoch.set(2);

    missA();

    assertThat(calls).hasSize(2);
  }

  @Test
  void fill_whenTheScopeIsNotHeld_noMissJoins() {
    fence.partitionEpoch.set(0);
    missA();

    // Writes of a scope this node does not hold go through its owner, unseen here.
    missA();

    assertThat(calls).hasSize(2);
    assertThat(merged).hasValue(0);
  }

  @Test
  void fill_whenTheFillHasEnded_theNextMissSendsANewCall() {
    missA();
    calls.get(0).complete("a1");

    missA();

    assertThat(calls).hasSize(2);
  }

  @Test
  void fill_whenTheCallFails_everyJoinedMissFailsAndTheNextMissSendsANewCall() {
    Future<String> first = missA();
    Future<String> joined = missA();
    calls.get(0).fail(new IllegalStateException("connection reset"));

    assertThat(first.failed()).isTrue();
    assertThat(joined.cause()).hasMessage("connection reset");
    missA();
    assertThat(calls).hasSize(2);
  }
}
