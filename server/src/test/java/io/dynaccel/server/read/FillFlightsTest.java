package io.dynaccel.server.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.TableWriteTicket;
import io.dynaccel.server.cache.WriteTicket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FillFlightsTest {

  private static final ItemKey KEY = new ItemKey("Orders", "S1:a", "");

  private final AtomicLong now = new AtomicLong();
  private final ItemCache cache = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(11), now::get);
  private final AtomicInteger merged = new AtomicInteger();
  private final FillFlights<ItemKey, FillTicket, String> flights = new FillFlights<>(cache::unwrittenSince, merged::incrementAndGet);
  /** The fills sent, in order: each is an upstream read the test answers when it likes. */
  private final List<Promise<String>> reads = new ArrayList<>();
  private final List<FillTicket> tickets = new ArrayList<>();

  private Future<String> miss() {
    return flights.fill(KEY, () -> cache.beginFill(KEY), ticket -> {
      tickets.add(ticket);
      Promise<String> read = Promise.promise();
      reads.add(read);
      return read.future();
    });
  }

  @Test
  void fill_whenAHundredMissesOfOneKeyArriveWhileItsFillIsInFlight_sendsOneReadAndAnswersThemAllWithIt() {
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      answers.add(miss());
    }

    assertThat(reads).hasSize(1);
    reads.get(0).complete("v1");

    assertThat(answers).allSatisfy(answer -> assertThat(answer.result()).isEqualTo("v1"));
    assertThat(merged).hasValue(99);
  }

  @Test
  void fill_whenAWriteOfTheKeyEndedSinceTheFillBegan_aLaterMissSendsItsOwnReadWhichLaterMissesJoin() {
    Future<String> first = miss();
    WriteTicket write = cache.beginWrite(KEY);
    cache.completeWrite(write, null);

    Future<String> afterWrite = miss();
    Future<String> joinsTheSecond = miss();

    // The first fill may have read the value the acknowledged write replaced: a read after the write may not take it.
    assertThat(reads).hasSize(2);
    reads.get(0).complete("v1");
    reads.get(1).complete("v2");
    assertThat(first.result()).isEqualTo("v1");
    assertThat(afterWrite.result()).isEqualTo("v2");
    assertThat(joinsTheSecond.result()).isEqualTo("v2");
    assertThat(merged).hasValue(1);
  }

  @Test
  void fill_whenAWriteBeganSinceTheFillBeganAndIsInFlight_aLaterMissSendsItsOwnRead() {
    miss();
    cache.beginWrite(KEY);

    miss();

    assertThat(reads).hasSize(2);
    assertThat(merged).hasValue(0);
  }

  @Test
  void fill_whenATableWriteEndedSinceTheFillBegan_aLaterMissSendsItsOwnRead() {
    miss();
    TableWriteTicket write = cache.beginTableWrite(KEY.table());
    cache.endTableWrite(write, false);

    miss();

    assertThat(reads).hasSize(2);
  }

  @Test
  void fill_whenAWriteOfAnotherKeyEnded_aLaterMissStillJoins() {
    miss();
    WriteTicket other = cache.beginWrite(new ItemKey("Orders", "S1:b", ""));
    cache.completeWrite(other, null);

    miss();

    assertThat(reads).hasSize(1);
    assertThat(merged).hasValue(1);
  }

  @Test
  void fill_whenTheFillHasEnded_theNextMissSendsANewRead() {
    miss();
    reads.get(0).complete("v1");

    miss();

    assertThat(reads).hasSize(2);
    assertThat(tickets.get(1).sequence()).isGreaterThan(tickets.get(0).sequence());
  }

  @Test
  void fill_whenTheReadFails_everyJoinedMissFailsAndTheNextMissSendsANewRead() {
    Future<String> first = miss();
    Future<String> joined = miss();
    reads.get(0).fail(new IllegalStateException("connection reset"));

    assertThat(first.failed()).isTrue();
    assertThat(joined.cause()).hasMessage("connection reset");
    miss();
    assertThat(reads).hasSize(2);
  }

  @Test
  void fill_whenSendingThrows_theMissFailsAndTheKeyIsNotLeftInFlight() {
    Future<String> thrown = flights.fill(KEY, () -> cache.beginFill(KEY), ticket -> {
      throw new IllegalArgumentException("cannot encode");
    });

    assertThat(thrown.cause()).hasMessage("cannot encode");
    miss();
    assertThat(reads).hasSize(1);
    assertThat(merged).hasValue(0);
  }
}
