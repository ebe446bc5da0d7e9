package io.dynaccel.server.streams;

import static io.dynaccel.server.streams.FakeStreams.TABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dynaccel.config.ConfigLoader;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.query.CachedResult;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryScope;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.upstream.UpstreamTrust;
import io.dynaccel.server.write.TableWrites;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamStatus;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;

class StreamInvalidationTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final KeySchema SCHEMA = new KeySchema("pk", "S", "sk", "N");

  private final AtomicLong nanos = new AtomicLong();
  private final ItemCache items = new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(11), nanos::get);
  private final QueryCache queries = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(11),
      Duration.ofSeconds(1), nanos::get);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeStreams fake = new FakeStreams();
  private final List<Duration> delays = new ArrayList<>();
  private final List<Runnable> due = new ArrayList<>();
  private final Scheduling scheduling = new Scheduling(Runnable::run, (delay, task) -> {
    delays.add(delay);
    due.add(task);
  }, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.0);

  private StreamInvalidation follow() {
    return follow(fake, scheduling);
  }

  private StreamInvalidation follow(FakeStreams stream, Scheduling at) {
    StreamInvalidation streams = new StreamInvalidation(stream, Set.of(TABLE), false, table -> false,
        table -> CompletableFuture.completedFuture(SCHEMA),
        new CacheInvalidator(items, queries, new TableWrites(items, queries, null)::drop, partition -> true),
        StreamMeters.register(registry, Set.of(TABLE)), at);
    streams.start();
    return streams;
  }

  /** Writes a new key to shard-1 every {@code every}, in virtual time. */
  private static void writeEvery(FakeTime time, FakeStreams stream, Duration every, AtomicInteger written) {
    time.schedule(every, () -> {
      stream.write("shard-1", "k", written.incrementAndGet(), time.instant());
      writeEvery(time, stream, every, written);
    });
  }

  private static int readsOf(FakeStreams stream, String shard) {
    return (int) stream.calls().stream().filter(call -> call.equals("GetRecords " + shard)).count();
  }

  private static List<Duration> gaps(List<Instant> times) {
    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(Duration.between(times.get(i - 1), times.get(i)));
    }
    return gaps;
  }

  /** Runs what is due now: the pauses and retries scheduled so far, each once. */
  private void tick() {
    List<Runnable> now = List.copyOf(due);
    due.clear();
    now.forEach(Runnable::run);
  }

  private static ItemKey key(String pk, int sk) {
    return SCHEMA.keyOf(TABLE, JsonCodec.object().<com.fasterxml.jackson.databind.node.ObjectNode>set("pk", JsonCodec.object().put("S", pk))
        .set("sk", JsonCodec.object().put("N", Integer.toString(sk))));
  }

  private void fillItem(ItemKey key) {
    FillTicket ticket = items.beginFill(key);
    assertThat(items.completeFill(ticket, CachedItem.present("{\"pk\":{\"S\":\"x\"}}".getBytes(StandardCharsets.UTF_8)))).isTrue();
  }

  private QueryCache.Key fillQuery(QueryScope scope) {
    QueryCache.Key key = queries.keyOf(scope, "{\"q\":1}");
    assertThat(queries.completeFill(queries.beginFill(key), new CachedResult("{}".getBytes(StandardCharsets.UTF_8)))).isTrue();
    return key;
  }

  private boolean queryCached(QueryScope scope) {
    return queries.get(queries.keyOf(scope, "{\"q\":1}")) != null;
  }

  private double invalidations() {
    return registry.get("dynaccel.stream.invalidations").tag("table", TABLE).counter().count();
  }

  private double errors(String kind) {
    return registry.get("dynaccel.stream.errors").tag("kind", kind).counter().count();
  }

  @Test
  void record_whenItemAndResultsCached_dropsItemItsPartitionsResultsAndTableWideResults() {
    fake.shard("shard-1", null);
    follow();
    ItemKey written = key("a", 1);
    ItemKey other = key("b", 1);
    fillItem(written);
    fillItem(other);
    QueryScope partition = new QueryScope(TABLE, written.partition());
    QueryScope otherPartition = new QueryScope(TABLE, other.partition());
    fillQuery(partition);
    fillQuery(otherPartition);
    fillQuery(QueryScope.wholeTable(TABLE));

    fake.write("shard-1", "a", 1, NOW);
    tick();

    assertThat(items.get(written)).isNull();
    assertThat(queryCached(partition)).isFalse();
    assertThat(queryCached(QueryScope.wholeTable(TABLE))).isFalse();
    assertThat(items.get(other)).isNotNull();
    assertThat(queryCached(otherPartition)).isTrue();
    assertThat(invalidations()).isEqualTo(1.0);
  }

  @Test
  void start_whenShardsOpen_readsFromLatestAndDropsWhatWasCachedBefore() {
    fake.shard("shard-1", null);
    fake.write("shard-1", "old", 1, NOW);
    fillItem(key("a", 1));

    follow();
    tick();

    assertThat(fake.calls()).startsWith("GetShardIterator shard-1 LATEST");
    assertThat(items.get(key("a", 1))).isNull();
    assertThat(invalidations()).isZero();
  }

  @Test
  void fill_whenInFlightAcrossRecord_doesNotInstall() {
    fake.shard("shard-1", null);
    follow();
    ItemKey key = key("a", 1);
    FillTicket fill = items.beginFill(key);
    QueryCache.Key queryKey = queries.keyOf(new QueryScope(TABLE, key.partition()), "{\"q\":1}");
    var queryFill = queries.beginFill(queryKey);

    fake.write("shard-1", "a", 1, NOW);
    tick();

    assertThat(items.completeFill(fill, CachedItem.present("{\"pk\":{\"S\":\"old\"}}".getBytes(StandardCharsets.UTF_8)))).isFalse();
    assertThat(items.get(key)).isNull();
    assertThat(queries.completeFill(queryFill, new CachedResult("{}".getBytes(StandardCharsets.UTF_8)))).isFalse();
    // The next fill reads consistently, so it sees the write the record announced.
    assertThat(items.beginFill(key).consistentRead()).isTrue();
  }

  @Test
  void split_whenChildFoundBeforeParentEnds_readsChildFromTrimHorizonAfterParent() {
    fake.shard("shard-1", null);
    follow();
    fake.shard("shard-2", "shard-1");
    fake.write("shard-2", "child", 1, NOW);
    // Up to the slow sweep (a discovery runs in every tick), whose description finds the child; its parent is still open.
    for (long round = 0; round < StreamFollower.DESCRIBE_SWEEP.dividedBy(StreamInvalidation.DISCOVERY_INTERVAL); round++) {
      tick();
    }
    assertThat(fake.describes()).isEqualTo(2);
    assertThat(fake.calls()).doesNotContain("GetShardIterator shard-2 TRIM_HORIZON");

    fillItem(key("parent", 1));
    fillItem(key("child", 1));
    fake.write("shard-1", "parent", 1, NOW);
    fake.close("shard-1");
    tick();
    tick();

    List<String> calls = fake.calls();
    assertThat(calls.indexOf("GetShardIterator shard-2 TRIM_HORIZON")).isGreaterThan(calls.lastIndexOf("GetRecords shard-1"));
    assertThat(items.get(key("parent", 1))).isNull();
    assertThat(items.get(key("child", 1))).isNull();
    assertThat(invalidations()).isEqualTo(2.0);
  }

  @Test
  void split_whenManyShards_describesEveryPage() {
    for (int i = 1; i <= 5; i++) {
      fake.shard("shard-" + i, null);
    }
    follow();

    assertThat(fake.calls()).filteredOn(call -> call.startsWith("GetShardIterator")).hasSize(5);
  }

  @Test
  void getRecords_whenIteratorExpired_continuesAfterLastRecordSeen() {
    fake.shard("shard-1", null);
    follow();
    fake.write("shard-1", "a", 1, NOW);
    tick();
    fake.expireIterators();
    // Written while the iterator is expired: a new LATEST position would be past it.
    fake.write("shard-1", "b", 1, NOW);
    fillItem(key("b", 1));
    tick();
    // The read from the new position waits out the pause after the failed one.
    tick();

    assertThat(fake.calls()).contains("GetShardIterator shard-1 AFTER_SEQUENCE_NUMBER");
    assertThat(items.get(key("b", 1))).isNull();
    assertThat(errors("expired-iterator")).isEqualTo(1.0);
    assertThat(invalidations()).isEqualTo(2.0);
  }

  @Test
  void getRecords_whenIteratorExpiredBeforeAnyRecord_dropsTheTableOnlyOnceTheNewLatestPositionIsTaken() {
    fake.shard("shard-1", null);
    follow();
    fake.expireIterators();
    // While the new LATEST position is taken, an item is filled and then written: the record lands
    // behind the new position and is never read, so only a drop after it keeps the fill from standing.
    fake.whileNextIteratorIsTaken(() -> {
      fillItem(key("b", 1));
      fake.write("shard-1", "b", 1, NOW);
    });
    tick();

    assertThat(fake.calls()).filteredOn(call -> call.equals("GetShardIterator shard-1 LATEST")).hasSize(2);
    assertThat(errors("expired-iterator")).isEqualTo(1.0);
    assertThat(items.get(key("b", 1))).as("filled before a write the new position skips").isNull();
  }

  @Test
  void getRecords_whenTrimmed_dropsTableAndReadsFromTrimHorizon() {
    fake.shard("shard-1", null);
    follow();
    fillItem(key("unrelated", 1));
    fake.write("shard-1", "a", 1, NOW);
    fake.write("shard-1", "b", 1, NOW);
    fake.trim("shard-1", 1);
    fake.failNextGetRecords(TrimmedDataAccessException.builder().message("trimmed").build());
    tick();
    tick();

    assertThat(items.get(key("unrelated", 1))).isNull();
    assertThat(fake.calls()).contains("GetShardIterator shard-1 TRIM_HORIZON");
    assertThat(errors("trimmed")).isEqualTo(1.0);
    assertThat(invalidations()).isEqualTo(1.0);
  }

  @Test
  void getRecords_whenThrottled_backsOffExponentiallyAndRecovers() {
    fake.shard("shard-1", null);
    follow();
    tick();
    delays.clear();
    for (int i = 0; i < 7; i++) {
      fake.failNextGetRecords(LimitExceededException.builder().message("slow down").build());
    }
    fake.write("shard-1", "a", 1, NOW);
    fillItem(key("a", 1));
    for (int i = 0; i < 8; i++) {
      tick();
    }

    // Jitter 0: half of 100, 200, 400 ... 6,400 ms, but never less than the pause between reads (the clock stands still).
    assertThat(delays).filteredOn(delay -> !delay.equals(StreamInvalidation.DISCOVERY_INTERVAL)).startsWith(ShardReader.POLL_PAUSE,
        ShardReader.POLL_PAUSE, ShardReader.POLL_PAUSE, ShardReader.POLL_PAUSE, Duration.ofMillis(800), Duration.ofMillis(1600),
        Duration.ofMillis(3200), ShardReader.POLL_PAUSE);
    assertThat(items.get(key("a", 1))).isNull();
    assertThat(errors("throttled")).isEqualTo(7.0);
  }

  @Test
  void getRecords_whenEveryPageHasRecords_readsAShardAtMostTwiceASecondCountingFromEachCallsStart() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    stream.getRecordsLatency(time, Duration.ofMillis(200));
    AtomicInteger written = new AtomicInteger();
    writeEvery(time, stream, Duration.ofMillis(100), written);
    follow(stream, time.scheduling());

    time.advance(Duration.ofSeconds(10));

    // Twice a second, at 0, 0.5, ... 10 s: the 200 ms an answer takes is not added to the pause.
    assertThat(stream.getRecordsTimes()).hasSize(21);
    assertThat(gaps(stream.getRecordsTimes())).allMatch(gap -> gap.compareTo(ShardReader.POLL_PAUSE) >= 0);
    assertThat(invalidations()).isGreaterThanOrEqualTo(written.get() - 5);
  }

  @Test
  void getRecords_whenThreeNodesReadEveryShard_eachReadsItLessOftenSoTogetherTheyKeepWithinTheShardsLimit() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    AtomicInteger written = new AtomicInteger();
    writeEvery(time, stream, Duration.ofMillis(100), written);
    follow(stream, time.scheduling(3));

    time.advance(Duration.ofSeconds(9));

    // 750 ms apart (three nodes at 4 calls a second between them), at 0, 0.75, ... 9 s, rather than twice a second each.
    assertThat(stream.getRecordsTimes()).hasSize(13);
    assertThat(gaps(stream.getRecordsTimes())).allMatch(gap -> gap.equals(Duration.ofMillis(750)));
    assertThat(invalidations()).isGreaterThanOrEqualTo(written.get() - 8);
  }

  @Test
  void getRecords_whenPagesAreFull_readsTheNextAtOnceAndPausesAfterTheLast() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    follow(stream, time.scheduling());
    for (int i = 0; i < 2 * FakeStreams.PAGE_LIMIT + 500; i++) {
      stream.write("shard-1", "k", i, NOW);
    }

    time.advance(ShardReader.POLL_PAUSE);

    Instant caughtUp = NOW.plus(ShardReader.POLL_PAUSE);
    // The empty read at the start, then two full pages and the rest at once; the next read waits.
    assertThat(stream.getRecordsTimes()).containsExactly(NOW, caughtUp, caughtUp, caughtUp);
    assertThat(invalidations()).isEqualTo(2 * FakeStreams.PAGE_LIMIT + 500);
  }

  @Test
  void getRecords_whenThrottledEveryOtherCall_backsOffFurtherEachTime() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    stream.throttleGetRecords(call -> call % 2 == 1);
    follow(stream, time.scheduling());

    time.advance(Duration.ofSeconds(60));

    List<Duration> gaps = gaps(stream.getRecordsTimes());
    List<Duration> afterThrottle = new ArrayList<>();
    for (int i = 1; i < gaps.size(); i += 2) {
      afterThrottle.add(gaps.get(i));
    }
    // A success between throttles no longer forgets them: the retries wait longer and longer.
    assertThat(afterThrottle).isSorted().allMatch(gap -> gap.compareTo(ShardReader.POLL_PAUSE) >= 0);
    assertThat(afterThrottle.get(afterThrottle.size() - 1)).isGreaterThan(Duration.ofSeconds(2));
    assertThat(gaps).allMatch(gap -> gap.compareTo(ShardReader.POLL_PAUSE) >= 0);
  }

  @Test
  void describe_whenNoShardEnds_describesTheStreamOnlyAtTheSlowSweep() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    follow(stream, time.scheduling());

    time.advance(StreamFollower.DESCRIBE_SWEEP.minusSeconds(1));
    assertThat(stream.describes()).isEqualTo(1);
    time.advance(Duration.ofSeconds(1));

    assertThat(stream.describes()).isEqualTo(2);
    // ListStreams keeps its interval: at 0, 5, ... 60 s.
    assertThat(stream.listStreamsCalls()).isEqualTo(13);
  }

  @Test
  void shardEnd_whenItsChildIsListed_describesAtOnceAndReadsTheChildWithinAPause() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    follow(stream, time.scheduling());
    time.advance(Duration.ofSeconds(1));
    stream.shard("shard-2", "shard-1");
    stream.write("shard-2", "child", 1, NOW);
    fillItem(key("child", 1));
    stream.close("shard-1");

    time.advance(ShardReader.POLL_PAUSE);

    assertThat(stream.describes()).isEqualTo(2);
    assertThat(stream.calls()).contains("GetShardIterator shard-2 TRIM_HORIZON");
    assertThat(items.get(key("child", 1))).isNull();
  }

  /** A stream of one shard, followed for a second in virtual time, whose shard then ended with no child listed yet. */
  private FakeStreams followedUntilShardOneEnded(FakeTime time) {
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    follow(stream, time.scheduling());
    time.advance(Duration.ofSeconds(1));
    stream.close("shard-1");
    time.advance(ShardReader.POLL_PAUSE);
    return stream;
  }

  @Test
  void shardEnd_whenNoChildIsListedYet_describesAtEveryDiscoveryUntilOneIs() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = followedUntilShardOneEnded(time);
    assertThat(stream.describes()).as("at the end of shard-1").isEqualTo(2);

    time.advance(Duration.ofMillis(8_500));
    assertThat(stream.describes()).as("and at 5 and 10 s").isEqualTo(4);
    stream.shard("shard-2", "shard-1");
    stream.write("shard-2", "child", 1, NOW);
    time.advance(StreamInvalidation.DISCOVERY_INTERVAL);

    assertThat(stream.describes()).isEqualTo(5);
    assertThat(stream.calls()).contains("GetShardIterator shard-2 TRIM_HORIZON");
    assertThat(invalidations()).isEqualTo(1.0);
    // Every ended shard's child known: the next description is the sweep's.
    time.advance(StreamFollower.DESCRIBE_SWEEP.minusSeconds(1));
    assertThat(stream.describes()).isEqualTo(5);
  }

  @Test
  void describe_whenThrottled_retriesLessAndLessOftenCountsEachAndWarnsOnceUntilItAnswers() {
    Logger logger = (Logger) LoggerFactory.getLogger(StreamFollower.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    try {
      FakeTime time = new FakeTime(NOW);
      FakeStreams stream = new FakeStreams(time);
      stream.shard("shard-1", null);
      stream.failDescribeStream(LimitExceededException.builder().message("slow down").build());
      follow(stream, time.scheduling());

      time.advance(Duration.ofSeconds(120));
      // At 0, 5, 15, 35 and 75 s: one discovery later, then twice as long each time, up to the sweep.
      assertThat(stream.describes()).isEqualTo(5);
      assertThat(errors("throttled")).isEqualTo(5.0);
      assertThat(stream.calls()).isEmpty();
      stream.failDescribeStream(null);
      time.advance(StreamFollower.DESCRIBE_SWEEP);

      assertThat(stream.calls()).startsWith("GetShardIterator shard-1 LATEST");
      assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN).hasSize(1);
      assertThat(log.list).filteredOn(event -> event.getLevel() == Level.INFO && event.getFormattedMessage().contains("answers again"))
          .hasSize(1);
    } finally {
      logger.detachAppender(log);
    }
  }

  @Test
  void getShardIterator_whenResourceNotFound_dropsTheTableAndEndsTheShard() {
    fake.shard("shard-1", null);
    follow();
    fake.write("shard-1", "a", 1, NOW);
    tick();
    fillItem(key("unrelated", 1));
    fake.expireIterators();
    fake.failNextGetShardIterator(ResourceNotFoundException.builder().message("shard past retention").build());
    tick();
    int reads = readsOf(fake, "shard-1");
    tick();
    tick();

    assertThat(fake.calls()).contains("GetShardIterator shard-1 AFTER_SEQUENCE_NUMBER");
    assertThat(items.get(key("unrelated", 1))).isNull();
    assertThat(readsOf(fake, "shard-1")).isEqualTo(reads);
    assertThat(errors("failed")).isEqualTo(1.0);
  }

  @Test
  void getRecords_whenResourceNotFound_dropsTheTableAndEndsTheShard() {
    fake.shard("shard-1", null);
    follow();
    tick();
    fillItem(key("unrelated", 1));
    fake.failNextGetRecords(ResourceNotFoundException.builder().message("stream gone").build());
    tick();
    int reads = readsOf(fake, "shard-1");
    tick();
    tick();

    assertThat(items.get(key("unrelated", 1))).isNull();
    assertThat(readsOf(fake, "shard-1")).isEqualTo(reads);
    assertThat(errors("failed")).isEqualTo(1.0);
  }

  @Test
  void stream_whenDisablingAndThenReplaced_stopsTheOldFollowerAndFollowsTheNewFromLatestWithATableDrop() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = new FakeStreams(time);
    stream.shard("shard-1", null);
    follow(stream, time.scheduling());
    time.advance(Duration.ofSeconds(1));
    stream.status(StreamStatus.DISABLING);
    time.advance(StreamFollower.DESCRIBE_SWEEP);
    assertThat(stream.describes()).isEqualTo(2);
    // Disabling, its shard still open: it is read to its end.
    int reads = readsOf(stream, "shard-1");
    time.advance(Duration.ofSeconds(1));
    assertThat(readsOf(stream, "shard-1")).isGreaterThan(reads);

    stream.replaceStream(FakeStreams.ARN.replace("2026-12-01T00:00:00.000", "2026-12-01T13:00:00.000"), "2026-12-01T13:00:00.000");
    stream.shard("shard-a", null);
    fillItem(key("a", 1));
    time.advance(StreamInvalidation.DISCOVERY_INTERVAL);
    time.advance(Duration.ofSeconds(2));

    List<String> calls = stream.calls();
    int newStream = calls.indexOf("GetShardIterator shard-a LATEST");
    assertThat(newStream).isPositive();
    assertThat(calls.lastIndexOf("GetRecords shard-1")).isLessThan(newStream);
    assertThat(calls.subList(newStream, calls.size())).contains("GetRecords shard-a");
    assertThat(items.get(key("a", 1))).as("dropped once the new stream's positions are taken").isNull();
  }

  @Test
  void listStreams_whenThrottled_isCountedAndTriedAgainAtTheNextDiscovery() {
    fake.shard("shard-1", null);
    fake.failNextListStreams(LimitExceededException.builder().message("slow down").build());
    follow();
    assertThat(fake.calls()).isEmpty();
    assertThat(errors("throttled")).isEqualTo(1.0);

    tick();

    assertThat(fake.listStreamsCalls()).isEqualTo(2);
    assertThat(fake.calls()).startsWith("GetShardIterator shard-1 LATEST");
  }

  @Test
  void listStreams_whenFailing_anEndedShardsChildIsStillFound() {
    FakeTime time = new FakeTime(NOW);
    FakeStreams stream = followedUntilShardOneEnded(time);
    for (int i = 0; i < 3; i++) {
      stream.failNextListStreams(LimitExceededException.builder().message("slow down").build());
    }
    stream.shard("shard-2", "shard-1");

    time.advance(StreamInvalidation.DISCOVERY_INTERVAL);

    assertThat(errors("throttled")).isEqualTo(1.0);
    assertThat(stream.calls()).contains("GetShardIterator shard-2 TRIM_HORIZON");
  }

  @Test
  void start_whenStreamNotEnabled_carriesOnAndFollowsOnceEnabled() {
    fake.shard("shard-1", null);
    fake.streamEnabled(false);
    follow();
    assertThat(fake.calls()).isEmpty();
    assertThat(delays).containsExactly(StreamInvalidation.DISCOVERY_INTERVAL);

    fake.streamEnabled(true);
    tick();

    assertThat(fake.listStreamsCalls()).isEqualTo(2);
    assertThat(fake.calls()).startsWith("GetShardIterator shard-1 LATEST");
  }

  @Test
  void start_whenEveryTableEntryAsks_followsUnnamedTablesItAccepts() {
    fake.shard("shard-1", null);
    CacheInvalidator invalidator = new CacheInvalidator(items, queries, new TableWrites(items, queries, null)::drop, partition -> true);
    StreamMeters meters = StreamMeters.register(registry, Set.of());
    new StreamInvalidation(fake, Set.of(), true, table -> false, table -> CompletableFuture.completedFuture(SCHEMA), invalidator, meters,
        scheduling).start();
    assertThat(fake.calls()).isEmpty();

    new StreamInvalidation(fake, Set.of(), true, TABLE::equals, table -> CompletableFuture.completedFuture(SCHEMA), invalidator, meters,
        scheduling).start();
    assertThat(fake.calls()).startsWith("GetShardIterator shard-1 LATEST");
  }

  @Test
  void record_whenCreated300msAgo_recordsLagOf300ms() {
    fake.shard("shard-1", null);
    follow();
    fake.write("shard-1", "a", 1, NOW.minusMillis(300));
    tick();

    var lag = registry.get("dynaccel.stream.lag").timer();
    assertThat(lag.count()).isEqualTo(1);
    assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(300.0);
  }

  @Test
  void record_inRealTime_dropsTheEntryWithinTheOneSecondTarget() throws Exception {
    // Real time and a real scheduler: the lag is what the reader's pause between empty reads leaves.
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    try {
      Scheduling realTime = new Scheduling(loop, (delay, task) -> loop.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS),
          Clock.systemUTC(), () -> 0.0);
      loop.submit(() -> fake.shard("shard-1", null)).get();
      StreamInvalidation streams = new StreamInvalidation(fake, Set.of(TABLE), false, table -> false,
          table -> CompletableFuture.completedFuture(SCHEMA),
          new CacheInvalidator(items, queries, new TableWrites(items, queries, null)::drop, partition -> true),
          StreamMeters.register(registry, Set.of(TABLE)), realTime);
      loop.submit(streams::start).get();
      ItemKey written = key("a", 1);
      List<Duration> lags = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        // After the reader's first GetRecords: its position is taken and the start's drop is done, so the
        // entry filled now goes only by the record. The fake is read on its own thread.
        await().atMost(Duration.ofSeconds(5)).until(() -> loop.submit(() -> fake.calls().contains("GetRecords shard-1")).get());
        fillItem(written);
        long wrote = System.nanoTime();
        loop.submit(() -> fake.write("shard-1", "a", 1, Instant.now())).get();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> items.get(written) == null);
        lags.add(Duration.ofNanos(System.nanoTime() - wrote));
      }
      loop.submit(streams::stop).get();
      Timer lag = registry.get("dynaccel.stream.lag").timer();
      System.out.printf("StreamInvalidationTest: 5 records in real time, dropped after %s ms; dynaccel.stream.lag max %.0f ms%n",
          lags.stream().map(Duration::toMillis).toList(), lag.max(TimeUnit.MILLISECONDS));
      assertThat(lags).allMatch(d -> d.compareTo(Duration.ofSeconds(1)) < 0);
      assertThat(lag.count()).isEqualTo(5);
    } finally {
      loop.shutdownNow();
    }
  }

  @Test
  void create_whenCalledOnAnEventLoop_returnsBeforeTheClientIsBuiltAndCompletesOnceItIs() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      DynaccelConfig config = ConfigLoader.load(new String[] {"--upstream", "http://127.0.0.1:9", "--region", "us-east-1",
          "--set", "tables." + TABLE + ".streamInvalidation=true"}, Map.of());
      CacheInvalidator invalidator = new CacheInvalidator(items, queries, new TableWrites(items, queries, null)::drop, partition -> true);
      CompletableFuture<Boolean> doneOnReturn = new CompletableFuture<>();
      CompletableFuture<StreamInvalidation> created = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        // No record is read, so the schemas are never asked for.
        Future<StreamInvalidation> streams = StreamInvalidation.create(vertx, config, AnonymousCredentialsProvider.create(), UpstreamTrust.jvmDefault(), null, invalidator,
            () -> 1, registry);
        doneOnReturn.complete(streams.isComplete());
        streams.onComplete(created::complete, created::completeExceptionally);
      });

      // The blocking SDK client build is left to a worker: the event loop goes on at once.
      assertThat(doneOnReturn.get(10, TimeUnit.SECONDS)).isFalse();
      StreamInvalidation streams = created.get(10, TimeUnit.SECONDS);
      assertThat(streams).isNotNull();
      streams.stop();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void create_whenStreamsEndpointSetOrNot_logsTheEndpointUsedOnceAtInfo() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(StreamInvalidation.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    Vertx vertx = Vertx.vertx();
    try {
      String vpcEndpoint = "https://vpce-0abc.dynamodb.us-east-1.vpce.amazonaws.com";
      String follows = "tables." + TABLE + ".streamInvalidation=true";
      createAndStop(vertx, "--upstream", vpcEndpoint, "--set", follows);
      createAndStop(vertx, "--upstream", vpcEndpoint, "--set", follows,
          "--set", "upstream.streamsEndpoint=https://vpce-0def.streams.dynamodb.us-east-1.vpce.amazonaws.com");

      assertThat(log.list).filteredOn(event -> event.getLevel() == Level.INFO).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
          "Stream invalidation calls DynamoDB Streams at https://vpce-0abc.dynamodb.us-east-1.vpce.amazonaws.com (the DynamoDB endpoint "
              + "itself; set upstream.streamsEndpoint if it serves no Streams, as VPC and FIPS endpoints do not)",
          "Stream invalidation calls DynamoDB Streams at https://vpce-0def.streams.dynamodb.us-east-1.vpce.amazonaws.com "
              + "(upstream.streamsEndpoint)");
    } finally {
      logger.detachAppender(log);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private void createAndStop(Vertx vertx, String... args) throws Exception {
    DynaccelConfig config = ConfigLoader.load(args, Map.of());
    CacheInvalidator invalidator = new CacheInvalidator(items, queries, new TableWrites(items, queries, null)::drop, partition -> true);
    StreamInvalidation streams = StreamInvalidation.create(vertx, config, AnonymousCredentialsProvider.create(), UpstreamTrust.jvmDefault(),
        null, invalidator, () -> 1, new SimpleMeterRegistry()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    streams.stop();
  }

  @Test
  void stop_whenFollowing_sendsNoMoreCalls() {
    fake.shard("shard-1", null);
    StreamInvalidation streams = follow();
    tick();
    int before = fake.calls().size();

    streams.stop();
    tick();
    tick();

    assertThat(fake.calls()).hasSize(before);
  }
}
