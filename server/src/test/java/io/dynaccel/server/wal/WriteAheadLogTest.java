package io.dynaccel.server.wal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dynaccel.config.FsyncPolicy;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {

  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path temp;
  private Path dir;
  private SimpleMeterRegistry registry;
  private final List<WriteAheadLog> opened = new ArrayList<>();

  @BeforeEach
  void setUp() {
    dir = temp.resolve("wal");
    registry = new SimpleMeterRegistry();
    // Client-side percentiles, so a test can print the fsync latency this machine measured.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(config);
      }
    });
  }

  @AfterEach
  void closeAll() {
    opened.forEach(WriteAheadLog::close);
  }

  // ---- append and replay ----

  @Test
  void append_thenReopenSeveralTimes_replaysEveryRecordInOrderAcrossSegmentsAndSeqContinues() throws IOException {
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 300);
    List<byte[]> written = new ArrayList<>();
    long expectedSeq = 1;
    for (int run = 0; run < 3; run++) {
      List<WalRecord> replayed = new ArrayList<>();
      WriteAheadLog log = open(options, replayed);
      assertThat(replayed).extracting(WalRecord::seq).containsExactlyElementsOf(seqs(1, written.size()));
      assertThat(replayed).extracting(WalRecord::payload).usingElementComparator(Arrays::compare)
          .containsExactlyElementsOf(written);
      Outcomes outcomes = new Outcomes();
      for (int i = 0; i < 20; i++) {
        byte[] payload = payload("run " + run + " record " + i, 40 + i);
        long seq = log.append(payload, outcomes);
        assertThat(seq).isEqualTo(expectedSeq++);
        written.add(payload);
        soon().until(() -> outcomes.isDurable(seq)); // one batch each, so segments roll over within a run
      }
      log.close();
      outcomes.assertAllDurableInOrder(expectedSeq - 20, expectedSeq - 1);
    }
    assertThat(segmentSeqs(dir)).hasSizeGreaterThan(3);
    List<WalRecord> replayed = new ArrayList<>();
    open(options, replayed).close();
    assertThat(replayed).hasSize(60);
  }

  @Test
  void append_whileAnFsyncRuns_recordsShareTheNextFsync() throws Exception {
    FaultyDisk disk = new FaultyDisk();
    WriteAheadLog log = open(options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20), disk, System::nanoTime);
    Outcomes outcomes = new Outcomes();
    FaultyDisk.Stall stall = disk.stallNextForce();
    log.append(payload("first", 10), outcomes);
    stall.awaitReached();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> appends = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        appends.add(writers.submit(() -> {
          for (int i = 0; i < 25; i++) {
            log.append(payload("concurrent", 30), outcomes);
          }
        }));
      }
      for (Future<?> append : appends) {
        append.get(10, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdown();
    }
    stall.release();
    soon().until(() -> outcomes.answered() == 101);
    outcomes.assertAllDurableInOrder(1, 101);
    assertThat(fsyncTimer().count()).as("one fsync for the first record, one for the 100 queued during it")
        .isEqualTo(2);
  }

  @Test
  void append_fromConcurrentWritersWithGroupCommitWait_shareFsyncs() throws Exception {
    WriteAheadLog log = open(options(dir, FsyncPolicy.ALWAYS, Duration.ofMillis(20), 1 << 20), new ArrayList<>());
    int writers = 8;
    int perWriter = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        clients.add(pool.submit(() -> {
          for (int i = 0; i < perWriter; i++) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            log.append(payload("client", 50), new Durability() {
              @Override
              public void durable(long seq) {
                done.complete(seq);
              }

              @Override
              public void failed(long seq, IOException cause) {
                done.completeExceptionally(cause);
              }
            });
            done.get(10, TimeUnit.SECONDS); // a client waits for its acknowledgement, as a DynamoDB caller does
          }
          return null;
        }));
      }
      for (Future<?> client : clients) {
        client.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(fsyncTimer().count()).isLessThanOrEqualTo(writers * perWriter / 2);
  }

  @Test
  void append_whenEachWaitsForTheLast_forcesOncePerRecord() {
    WriteAheadLog log = open(options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20), new ArrayList<>());
    Outcomes outcomes = new Outcomes();
    for (int i = 1; i <= 100; i++) {
      long seq = log.append(payload("sequential", 100), outcomes);
      soon().until(() -> outcomes.isDurable(seq));
    }
    Timer fsync = fsyncTimer();
    assertThat(fsync.count()).isEqualTo(100);
    StringBuilder line = new StringBuilder("fsync latency on this machine over ").append(fsync.count())
        .append(" single-record batches (ALWAYS, ").append(temp).append("):");
    for (ValueAtPercentile p : fsync.takeSnapshot().percentileValues()) {
      line.append(String.format(" p%.0f=%.3f ms", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
    }
    line.append(String.format(" max=%.3f ms", fsync.max(TimeUnit.MILLISECONDS)));
    System.out.println(line);
  }

  @Test
  void append_whenThePayloadExceeds16MiB_throwsAndAPayloadAtTheLimitRoundTrips() throws IOException {
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    WriteAheadLog log = open(options, new ArrayList<>());
    Outcomes outcomes = new Outcomes();
    assertThatThrownBy(() -> log.append(new byte[(16 << 20) + 1], outcomes))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] largest = payload("largest", 16 << 20);
    long seq = log.append(largest, outcomes);
    log.append(payload("small", 10), outcomes);
    log.close();
    outcomes.assertAllDurableInOrder(seq, seq + 1);
    List<WalRecord> replayed = new ArrayList<>();
    open(options, replayed);
    assertThat(replayed).hasSize(2);
    assertThat(replayed.get(0).payload()).isEqualTo(largest);
  }

  @Test
  void close_withQueuedRecords_writesThemAllAndLaterAppendsThrow() {
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    WriteAheadLog log = open(options, new ArrayList<>());
    Outcomes outcomes = new Outcomes();
    for (int i = 0; i < 200; i++) {
      log.append(payload("queued", 20), outcomes);
    }
    log.close();
    outcomes.assertAllDurableInOrder(1, 200); // no waiting: close returned after the listeners ran
    log.close();
    assertThatThrownBy(() -> log.append(payload("late", 1), outcomes)).isInstanceOf(IllegalStateException.class);
    List<WalRecord> replayed = new ArrayList<>();
    open(options, replayed);
    assertThat(replayed).extracting(WalRecord::seq).containsExactlyElementsOf(seqs(1, 200));
  }

  @Test
  void open_whenTheDirectoryIsAlreadyOpen_refuses() {
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    open(options, new ArrayList<>());
    assertThatThrownBy(() -> WriteAheadLog.open(options, new SimpleMeterRegistry(), record -> {}))
        .isInstanceOf(IOException.class).hasMessageContaining("already open");
  }

  @Test
  void open_registersTheMetersWithDescriptionsAndCloseRemovesThem() {
    WriteAheadLog log = open(options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20), new ArrayList<>());
    Outcomes outcomes = new Outcomes();
    long seq = log.append(payload("metered", 84), outcomes);
    soon().until(() -> outcomes.isDurable(seq));
    List<String> names = List.of("dynaccel.writeback.fsync", "dynaccel.writeback.unsynced",
        "dynaccel.writeback.log.bytes", "dynaccel.writeback.log.segments");
    for (String name : names) {
      assertThat(registry.get(name).meter().getId().getDescription()).as(name).isNotBlank();
    }
    assertThat(registry.get("dynaccel.writeback.log.bytes").gauge().value()).isEqualTo(100);
    assertThat(registry.get("dynaccel.writeback.log.segments").gauge().value()).isEqualTo(1);
    log.close();
    for (String name : names) {
      assertThat(registry.find(name).meters()).as(name).isEmpty();
    }
  }

  // ---- recovery ----

  @Test
  void open_whenTheLastRecordIsCutAtAnyLength_replaysTheRecordsBeforeItAndLaterAppendsWork() throws IOException {
    Path pristine = temp.resolve("pristine");
    writeRecords(pristine, 3, 24);
    Path segment = onlySegment(pristine);
    long end = Files.size(segment);
    long lastRecordStart = end - RecordFormat.recordBytes(24);
    for (long length = lastRecordStart; length < end; length++) {
      Path copy = copyOf(pristine, "cut-" + length);
      truncate(onlySegment(copy), length);
      assertReplaysTwoThenContinues(copy, lastRecordStart);
    }
  }

  @Test
  void open_whenAnyByteOfTheLastRecordIsFlipped_replaysTheRecordsBeforeItAndLaterAppendsWork() throws IOException {
    Path pristine = temp.resolve("pristine");
    writeRecords(pristine, 3, 24);
    Path segment = onlySegment(pristine);
    long end = Files.size(segment);
    long lastRecordStart = end - RecordFormat.recordBytes(24);
    for (long offset = lastRecordStart; offset < end; offset++) {
      Path copy = copyOf(pristine, "flip-" + offset);
      flipByte(onlySegment(copy), offset);
      assertReplaysTwoThenContinues(copy, lastRecordStart);
    }
  }

  @Test
  void open_whenASealedSegmentHasABadRecord_refusesToStartAndReplaysNothing() throws IOException {
    Path pristine = temp.resolve("pristine");
    WriteAheadLog writer = open(options(pristine, FsyncPolicy.ALWAYS, Duration.ZERO, 200), new ArrayList<>());
    appendOneByOne(writer, 6, 84); // 100-byte records, two per segment
    writer.close();
    Path first = segmentFiles(pristine).get(0);
    assertThat(segmentFiles(pristine)).hasSize(3);

    Path flipped = copyOf(pristine, "flipped");
    flipByte(segmentFiles(flipped).get(0), 130);
    List<WalRecord> replayed = new ArrayList<>();
    assertThatThrownBy(() -> WriteAheadLog.open(options(flipped, FsyncPolicy.ALWAYS, Duration.ZERO, 200),
        new SimpleMeterRegistry(), replayed::add))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(first.getFileName().toString())
        .hasMessageContaining("offset 100")
        .hasMessageContaining("CRC mismatch");
    assertThat(replayed).isEmpty();

    Path torn = copyOf(pristine, "torn");
    truncate(segmentFiles(torn).get(0), 199);
    assertThatThrownBy(() -> WriteAheadLog.open(options(torn, FsyncPolicy.ALWAYS, Duration.ZERO, 200),
        new SimpleMeterRegistry(), replayed::add))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(first.getFileName().toString())
        .hasMessageContaining("offset 100");
    assertThat(replayed).isEmpty();
    assertThat(Files.size(segmentFiles(torn).get(0))).as("a sealed segment is never cut").isEqualTo(199);
  }

  @Test
  void open_whenTheLastSegmentIsEmpty_replaysTheOthersAndSeqKeepsRising() throws IOException {
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    open(options, new ArrayList<>()).close(); // leaves only the empty segment of seq 1
    writeRecords(dir, 2, 10);
    Files.createFile(dir.resolve(Segment.fileName(40)));
    List<WalRecord> replayed = new ArrayList<>();
    WriteAheadLog log = open(options, replayed);
    assertThat(replayed).extracting(WalRecord::seq).containsExactly(1L, 2L);
    assertThat(log.append(payload("after", 5), new Outcomes())).isEqualTo(40);
  }

  // ---- checkpoint ----

  @Test
  void checkpoint_deletesOnlySealedSegmentsWhoseRecordsAreAllBelowTheNeededSeq() {
    WriteAheadLog log = open(options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 200), new ArrayList<>());
    appendOneByOne(log, 7, 84); // 100-byte records: segments 1 {1,2}, 3 {3,4}, 5 {5,6}, active 7 {7}
    assertThat(segmentSeqs(dir)).containsExactly(1L, 3L, 5L, 7L);
    log.checkpoint(4);
    soon().untilAsserted(() -> assertThat(segmentSeqs(dir)).containsExactly(3L, 5L, 7L));
    log.checkpoint(5);
    soon().untilAsserted(() -> assertThat(segmentSeqs(dir)).containsExactly(5L, 7L));
    log.checkpoint(Long.MAX_VALUE);
    // The log thread deletes the files before it updates its size and segment count, so wait for all three.
    soon().untilAsserted(() -> {
      assertThat(segmentSeqs(dir)).containsExactly(7L);
      assertThat(log.sizeBytes()).isEqualTo(100);
      assertThat(registry.get("dynaccel.writeback.log.segments").gauge().value()).isEqualTo(1);
    });
  }

  // ---- fsync: interval ----

  @Test
  void interval_acknowledgesOnceWrittenBeforeAnyFsyncAndAKilledProcessLosesNothing() throws IOException {
    WriteAheadLog log = open(options(dir, FsyncPolicy.INTERVAL, Duration.ZERO, 1 << 20), new ArrayList<>());
    Outcomes outcomes = new Outcomes();
    byte[] payload = payload("unforced", 50);
    long seq = log.append(payload, outcomes);
    soon().until(() -> outcomes.isDurable(seq));
    Timer fsync = fsyncTimer();
    assertThat(fsync.count()).isZero();

    // A copy of the files as they are now is what a restart after kill -9 finds: the page cache's view.
    Path afterKill = copyOf(dir, "after-kill");
    List<WalRecord> replayed = new ArrayList<>();
    WriteAheadLog restarted = WriteAheadLog.open(options(afterKill, FsyncPolicy.INTERVAL, Duration.ZERO, 1 << 20),
        new SimpleMeterRegistry(), replayed::add);
    restarted.close();
    assertThat(replayed).singleElement().satisfies(record -> assertThat(record.payload()).isEqualTo(payload));

    log.close();
    assertThat(fsync.count()).as("close forces").isEqualTo(1);
  }

  @Test
  void interval_forcesOneIntervalAfterTheFirstUnforcedAcknowledgement() {
    Duration interval = Duration.ofMillis(100);
    WriteAheadLog log = open(new WalOptions(dir, FsyncPolicy.INTERVAL, interval, Duration.ZERO, 1 << 20),
        new ArrayList<>());
    Outcomes outcomes = new Outcomes();
    long seq = log.append(payload("interval", 50), outcomes);
    soon().until(() -> outcomes.isDurable(seq));
    Timer unsynced = registry.get("dynaccel.writeback.unsynced").timer();
    soon().until(() -> unsynced.count() == 1); // recorded just after the fsync it measures
    assertThat(fsyncTimer().count()).isEqualTo(1);
    assertThat(unsynced.max(TimeUnit.MILLISECONDS)).isBetween(100.0, 5_000.0);
  }

  @Test
  void interval_unsyncedTimer_recordsTheAgeOfTheOldestAcknowledgedRecordAtTheFsync() {
    AtomicLong now = new AtomicLong(1_000_000);
    WriteAheadLog log = open(options(dir, FsyncPolicy.INTERVAL, Duration.ZERO, 1 << 20), new FaultyDisk(), now::get);
    Outcomes outcomes = new Outcomes();
    long first = log.append(payload("oldest", 10), outcomes);
    soon().until(() -> outcomes.isDurable(first));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    long second = log.append(payload("younger", 10), outcomes);
    soon().until(() -> outcomes.isDurable(second));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
    Timer unsynced = registry.get("dynaccel.writeback.unsynced").timer();
    log.close();
    assertThat(unsynced.count()).isEqualTo(1);
    assertThat(unsynced.max(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
  }

  // ---- failure ----

  @Test
  void append_whenTheDiskFillsMidBatch_failsItAndEveryQueuedRecordAndRefusesUntilResume() throws Exception {
    FaultyDisk disk = new FaultyDisk();
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    WriteAheadLog log = open(options, disk, System::nanoTime);
    Outcomes outcomes = new Outcomes();
    byte[] durablePayload = payload("before the disk filled", 30);
    long durable = log.append(durablePayload, outcomes);
    soon().until(() -> outcomes.isDurable(durable));

    FaultyDisk.Stall stall = disk.stallNextWrite();
    long cut = log.append(payload("half written", 1000), outcomes);
    stall.awaitReached();
    long queued1 = log.append(payload("queued", 10), outcomes);
    long queued2 = log.append(payload("queued", 10), outcomes);
    disk.bytesLeft.set(100); // the stalled write puts 100 bytes on disk, then ENOSPC
    stall.release();
    soon().until(() -> outcomes.answered() == 4);
    assertThat(outcomes.failure(cut)).hasMessage("No space left on device");
    assertThat(outcomes.failure(queued1)).hasRootCauseMessage("No space left on device");
    assertThat(outcomes.failure(queued2)).isNotNull();
    Path failedSegment = onlySegment(dir);
    assertThat(Files.size(failedSegment)).as("cut back to the durable record").isEqualTo(RecordFormat.recordBytes(30));

    disk.bytesLeft.set(Long.MAX_VALUE); // space is back, but the log refuses until told
    long refused = log.append(payload("refused", 10), outcomes);
    soon().until(() -> outcomes.answered() == 5);
    assertThat(outcomes.failure(refused)).hasMessageContaining("until resume()");

    log.resume();
    byte[] resumedPayload = payload("after resume", 20);
    long resumed = log.append(resumedPayload, outcomes);
    soon().until(() -> outcomes.isDurable(resumed));
    assertThat(segmentSeqs(dir)).as("a fresh segment after resume").containsExactly(1L, resumed);
    log.close();
    outcomes.assertEachAnsweredOnceInOrder();

    assertReplays(options, List.of(durable, resumed), List.of(durablePayload, resumedPayload));
  }

  @Test
  void append_whenAnFsyncFails_failsTheBatchAndItsRecordIsNeverReplayed() throws IOException {
    FaultyDisk disk = new FaultyDisk();
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    WriteAheadLog log = open(options, disk, System::nanoTime);
    Outcomes outcomes = new Outcomes();
    byte[] durablePayload = payload("durable", 30);
    long durable = log.append(durablePayload, outcomes);
    soon().until(() -> outcomes.isDurable(durable));

    disk.forcesToFail.set(1);
    long unforced = log.append(payload("written, never forced", 40), outcomes);
    soon().until(() -> outcomes.answered() == 2);
    assertThat(outcomes.failure(unforced)).hasMessage("Input/output error");
    long refused = log.append(payload("refused", 10), outcomes);
    soon().until(() -> outcomes.answered() == 3);
    assertThat(outcomes.failure(refused)).isNotNull();

    log.resume();
    byte[] resumedPayload = payload("after resume", 20);
    long resumed = log.append(resumedPayload, outcomes);
    soon().until(() -> outcomes.isDurable(resumed));
    log.close();
    outcomes.assertEachAnsweredOnceInOrder();
    assertReplays(options, List.of(durable, resumed), List.of(durablePayload, resumedPayload));
  }

  @Test
  void resume_whenTheFailedSegmentCannotBeCutBackYet_keepsRefusingUntilItCan() throws IOException {
    FaultyDisk disk = new FaultyDisk();
    WalOptions options = options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    WriteAheadLog log = open(options, disk, System::nanoTime);
    Outcomes outcomes = new Outcomes();
    byte[] durablePayload = payload("durable", 30);
    long durable = log.append(durablePayload, outcomes);
    soon().until(() -> outcomes.isDurable(durable));

    disk.forcesToFail.set(1);
    disk.truncatesToFail.set(2); // the cut after the failure and the one at the first resume() fail
    long failed = log.append(payload("whole record on disk, force failed", 40), outcomes);
    soon().until(() -> outcomes.answered() == 2);
    assertThat(outcomes.failure(failed)).isNotNull();
    log.resume();
    long stillRefused = log.append(payload("refused", 10), outcomes);
    soon().until(() -> outcomes.answered() == 3);
    assertThat(outcomes.failure(stillRefused)).isNotNull();

    log.resume();
    byte[] resumedPayload = payload("after resume", 20);
    long resumed = log.append(resumedPayload, outcomes);
    soon().until(() -> outcomes.isDurable(resumed));
    log.close();
    assertReplays(options, List.of(durable, resumed), List.of(durablePayload, resumedPayload));
  }

  @Test
  void resume_whenCalledFromTheFailedListener_liftsTheRefusal() {
    FaultyDisk disk = new FaultyDisk();
    WriteAheadLog log = open(options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20), disk, System::nanoTime);
    Outcomes outcomes = new Outcomes();
    disk.forcesToFail.set(1);
    log.append(payload("fails", 10), new Durability() {
      @Override
      public void durable(long seq) {
        outcomes.durable(seq);
      }

      @Override
      public void failed(long seq, IOException cause) {
        outcomes.failed(seq, cause);
        log.resume();
      }
    });
    soon().until(() -> outcomes.answered() == 1);
    long next = log.append(payload("after", 10), outcomes);
    soon().until(() -> outcomes.answered() == 2);
    assertThat(outcomes.isDurable(next)).isTrue();
  }

  @Test
  void append_underARealFileSizeLimit_failsTheRecordThatCrossesItAndReplaysExactlyTheDurableOnes() throws Exception {
    Files.createDirectories(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // ulimit -f counts KiB in bash: segment files stop at 64 KiB, the kernel answers EFBIG past it.
    Process writer = new ProcessBuilder("bash", "-c", "ulimit -f 64 && exec \"$0\" -XX:-UsePerfData -cp \"$1\" "
        + WriterProcess.class.getName() + " \"$2\"", java, System.getProperty("java.class.path"), dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    List<String> lines;
    try (var out = writer.inputReader()) {
      lines = out.lines().toList();
    }
    assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.exitValue()).as(String.join("\n", lines)).isZero();
    List<Long> durable = lines.stream().filter(line -> line.startsWith("durable "))
        .map(line -> Long.parseLong(line.split(" ")[1])).toList();
    List<String> failed = lines.stream().filter(line -> line.startsWith("failed ")).toList();
    assertThat(failed).singleElement().asString().startsWith("failed 65 ").contains("File too large");
    assertThat(durable).hasSize(99);

    int record = RecordFormat.recordBytes(1000);
    assertThat(Files.size(segmentFiles(dir).get(0))).as("cut back to the 64 records that fit").isEqualTo(64L * record);
    List<WalRecord> replayed = new ArrayList<>();
    WriteAheadLog.open(options(dir, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20), new SimpleMeterRegistry(),
        replayed::add).close();
    assertThat(replayed).extracting(WalRecord::seq).containsExactlyElementsOf(durable);
  }

  // ---- helpers ----

  private void assertReplaysTwoThenContinues(Path copy, long lastRecordStart) throws IOException {
    WalOptions options = options(copy, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20);
    List<WalRecord> replayed = new ArrayList<>();
    WriteAheadLog log = WriteAheadLog.open(options, new SimpleMeterRegistry(), replayed::add);
    Outcomes outcomes = new Outcomes();
    long seq;
    try {
      assertThat(replayed).as(copy.toString()).extracting(WalRecord::seq).containsExactly(1L, 2L);
      assertThat(Files.size(segmentFiles(copy).get(0))).as("torn tail cut").isEqualTo(lastRecordStart);
      seq = log.append(payload("after the cut", 12), outcomes);
    } finally {
      log.close();
    }
    assertThat(seq).isEqualTo(3);
    outcomes.assertAllDurableInOrder(3, 3);
    List<WalRecord> again = new ArrayList<>();
    WriteAheadLog.open(options, new SimpleMeterRegistry(), again::add).close();
    assertThat(again).extracting(WalRecord::seq).containsExactly(1L, 2L, 3L);
  }

  private void assertReplays(WalOptions options, List<Long> seqs, List<byte[]> payloads) throws IOException {
    List<WalRecord> replayed = new ArrayList<>();
    WriteAheadLog.open(options, new SimpleMeterRegistry(), replayed::add).close();
    assertThat(replayed).extracting(WalRecord::seq).containsExactlyElementsOf(seqs);
    assertThat(replayed).extracting(WalRecord::payload).usingElementComparator(Arrays::compare)
        .containsExactlyElementsOf(payloads);
  }

  private void writeRecords(Path directory, int count, int payloadBytes) {
    WriteAheadLog log = open(options(directory, FsyncPolicy.ALWAYS, Duration.ZERO, 1 << 20), new ArrayList<>());
    appendOneByOne(log, count, payloadBytes);
    log.close();
  }

  /** Each record its own batch, so segments roll over at predictable records. */
  private static void appendOneByOne(WriteAheadLog log, int count, int payloadBytes) {
    Outcomes outcomes = new Outcomes();
    for (int i = 0; i < count; i++) {
      long seq = log.append(payload("record " + i, payloadBytes), outcomes);
      soon().until(() -> outcomes.isDurable(seq));
    }
  }

  private WriteAheadLog open(WalOptions options, List<WalRecord> replayed) {
    return open(options, replayed, SegmentChannels.DEFAULT, System::nanoTime);
  }

  private WriteAheadLog open(WalOptions options, SegmentChannels channels, LongSupplier clock) {
    return open(options, new ArrayList<>(), channels, clock);
  }

  private WriteAheadLog open(WalOptions options, List<WalRecord> replayed, SegmentChannels channels,
      LongSupplier clock) {
    try {
      WriteAheadLog log = WriteAheadLog.open(options, registry, replayed::add, channels, clock);
      opened.add(log);
      return log;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Awaitility polling often: the log answers in about a millisecond, its default 100 ms poll would dominate. */
  private static ConditionFactory soon() {
    return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
  }

  private Timer fsyncTimer() {
    return registry.get("dynaccel.writeback.fsync").timer();
  }

  private static WalOptions options(Path directory, FsyncPolicy fsync, Duration groupCommitWait, long segmentBytes) {
    return new WalOptions(directory, fsync, HOUR, groupCommitWait, segmentBytes);
  }

  private static byte[] payload(String text, int length) {
    byte[] bytes = new byte[length];
    byte[] prefix = text.getBytes(UTF_8);
    for (int i = 0; i < length; i++) {
      bytes[i] = i < prefix.length ? prefix[i] : (byte) (i * 31 + length);
    }
    return bytes;
  }

  private static List<Long> seqs(long first, long last) {
    List<Long> seqs = new ArrayList<>();
    for (long seq = first; seq <= last; seq++) {
      seqs.add(seq);
    }
    return seqs;
  }

  private static List<Path> segmentFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(file -> Segment.firstSeqOf(file) >= 0).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Long> segmentSeqs(Path directory) {
    return segmentFiles(directory).stream().map(Segment::firstSeqOf).toList();
  }

  private static Path onlySegment(Path directory) {
    List<Path> files = segmentFiles(directory);
    assertThat(files).hasSize(1);
    return files.get(0);
  }

  private Path copyOf(Path source, String name) throws IOException {
    Path target = temp.resolve(name);
    Files.createDirectories(target);
    for (Path file : segmentFiles(source)) {
      Files.copy(file, target.resolve(file.getFileName()));
    }
    return target;
  }

  private static void truncate(Path file, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0xFF));
      channel.write(one.rewind(), offset);
    }
  }

  /** Records every answer the log gives, to check each record gets exactly one, in seq order. */
  private static final class Outcomes implements Durability {
    private final List<Long> order = Collections.synchronizedList(new ArrayList<>());
    private final Map<Long, IOException> failures = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> durables = new ConcurrentHashMap<>();

    @Override
    public void durable(long seq) {
      order.add(seq);
      durables.put(seq, true);
    }

    @Override
    public void failed(long seq, IOException cause) {
      order.add(seq);
      failures.put(seq, cause);
    }

    int answered() {
      return order.size();
    }

    boolean isDurable(long seq) {
      return durables.containsKey(seq);
    }

    IOException failure(long seq) {
      return failures.get(seq);
    }

    void assertEachAnsweredOnceInOrder() {
      synchronized (order) {
        assertThat(order).isSorted().doesNotHaveDuplicates();
      }
    }

    void assertAllDurableInOrder(long first, long last) {
      assertThat(failures).isEmpty();
      synchronized (order) {
        assertThat(order).containsExactlyElementsOf(seqs(first, last));
      }
    }
  }
}
