package io.dynaccel.server.wal;

import io.dynaccel.config.FsyncPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, ordered log of opaque records with group commit; the redo log of write-back.
 *
 * <p>The invariant: {@code durable(seq)} is called only once the record is on disk as the policy
 * promises (fsync'd under {@code ALWAYS}; written to the operating system under {@code INTERVAL}), and
 * every record recovery replays was either acknowledged or is in a batch that never got an answer
 * because the process died. Everything that touches the files runs on one platform thread, so the
 * order of the queue is the order on disk and the order of the answers.
 *
 * <p>Group commit: the thread takes everything queued and writes it with one buffer, then forces once
 * for the whole batch. Records appended while a force runs wait for the next batch, so concurrent
 * writers share fsyncs without any waiting; {@code groupCommitWait} adds a deliberate wait after a
 * batch's first record for lighter loads.
 *
 * <p>Failure: when a write or force fails (disk full, EFBIG, EIO), the active segment is cut back to
 * its durable end and sealed, the batch and everything queued behind it fail, and every append fails
 * until {@link #resume()}. Resuming never trusts that segment again (after a failed fsync the kernel
 * may have dropped the dirty pages and a later fsync reports success: PostgreSQL's lesson): the next
 * batch starts a fresh segment, and if the cut itself failed it is retried first, refusing until it
 * works, so no failed record can come back on replay.
 */
public final class WriteAheadLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
  private static final String LOCK_FILE = "wal.lock";
  private static final int MAX_BATCH_BYTES = RecordFormat.recordBytes(RecordFormat.MAX_PAYLOAD_BYTES);

  private sealed interface Entry permits Append, Resume, Checkpoint, Close {}

  private record Append(long seq, byte[] payload, Durability listener, long enqueuedNanos) implements Entry {}

  private record Resume() implements Entry {}

  private record Checkpoint(long firstNeededSeq) implements Entry {}

  private record Close() implements Entry {}

  private final WalOptions options;
  private final SegmentChannels channels;
  private final LongSupplier ackClock;
  private final MeterRegistry registry;
  private final Timer fsyncTimer;
  private final Timer unsyncedTimer;
  private final List<Meter> meters = new ArrayList<>();
  private final FileChannel lockChannel;
  private final Thread thread;

  private final Object appendLock = new Object();
  private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private long nextSeq; // guarded by appendLock
  private boolean closed; // guarded by appendLock

  // Written only on the log thread (and before it starts).
  private final ArrayDeque<Segment> sealed;
  private ArrayDeque<Entry> backlog = new ArrayDeque<>();
  private Segment active;
  private Segment unrepaired;
  private IOException refusal;
  private ByteBuffer batchBuffer = ByteBuffer.allocateDirect(1 << 16);
  private boolean unforced;
  private long forceDueNanos;
  private long oldestUnforcedAck;
  private volatile long sizeBytes;
  private volatile int segmentCount;

  private WriteAheadLog(WalOptions options, MeterRegistry registry, SegmentChannels channels, LongSupplier ackClock,
      FileChannel lockChannel, Recovery recovery) {
    this.options = options;
    this.registry = registry;
    this.channels = channels;
    this.ackClock = ackClock;
    this.lockChannel = lockChannel;
    this.sealed = new ArrayDeque<>(recovery.segments());
    this.nextSeq = recovery.nextSeq();
    this.sizeBytes = sealed.stream().mapToLong(s -> s.size).sum();
    this.segmentCount = sealed.size();
    this.fsyncTimer = Timer.builder("dynaccel.writeback.fsync")
        .description("Time of one fsync of a write-ahead log segment; under fsync: always, one per batch of writes")
        .publishPercentileHistogram()
        .register(registry);
    this.unsyncedTimer = Timer.builder("dynaccel.writeback.unsynced")
        .description("At each fsync, how long the oldest record acknowledged before it reached the disk had been"
            + " acknowledged: the writes a power loss could take (fsync: interval)")
        .register(registry);
    meters.add(fsyncTimer);
    meters.add(unsyncedTimer);
    meters.add(Gauge.builder("dynaccel.writeback.log.bytes", this, WriteAheadLog::sizeBytes)
        .description("Bytes in the write-ahead log's segment files")
        .baseUnit(BaseUnits.BYTES)
        .register(registry));
    meters.add(Gauge.builder("dynaccel.writeback.log.segments", this, log -> log.segmentCount)
        .description("Segment files of the write-ahead log")
        .register(registry));
    this.thread = new Thread(this::run, "dynaccel-wal");
    thread.setDaemon(true);
  }

  /**
   * Whether {@code directory} holds a log: any segment file, whatever it contains. Blocking I/O.
   *
   * @throws IOException if the directory exists but cannot be listed
   */
  public static boolean existsIn(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (Segment.firstSeqOf(entry) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Opens (creating the directory if missing), replays every valid record in sequence order to
   * {@code replay} on the calling thread before returning, cuts a torn or corrupt tail of the last
   * segment, then starts the log thread. Holds a lock on {@code wal.lock} in the directory until closed,
   * so a second log (in this process or another) cannot write the same segments.
   *
   * @throws IOException if a sealed segment is corrupt (acknowledged records would be lost), another
   *     log holds the directory, or the files cannot be read or written
   */
  public static WriteAheadLog open(WalOptions options, MeterRegistry registry, Consumer<WalRecord> replay)
      throws IOException {
    return open(options, registry, replay, SegmentChannels.DEFAULT, System::nanoTime);
  }

  /** As {@link #open(WalOptions, MeterRegistry, Consumer)}, with the disk and the unsynced Timer's clock given. */
  static WriteAheadLog open(WalOptions options, MeterRegistry registry, Consumer<WalRecord> replay,
      SegmentChannels channels, LongSupplier ackClock) throws IOException {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(replay, "replay");
    Files.createDirectories(options.directory());
    FileChannel lockChannel = lockDirectory(options.directory());
    try {
      Recovery recovery = Recovery.run(options.directory(), channels);
      recovery.replay(replay);
      WriteAheadLog log = new WriteAheadLog(options, registry, channels, ackClock, lockChannel, recovery);
      try {
        // Created now, so its name keeps seqs rising across runs even if nothing is appended in this one.
        log.active = log.createSegment(recovery.nextSeq());
      } catch (IOException | RuntimeException e) {
        log.meters.forEach(registry::remove);
        throw e;
      }
      log.thread.start();
      return log;
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
  }

  /**
   * Queues a record and returns its seq: strictly increasing, without gaps within one run, continuing
   * after the last replayed one. Thread-safe and never blocks. {@code listener} is called exactly once,
   * on the log thread, in seq order. The log takes the array: the caller must not change it afterwards.
   *
   * @throws IllegalArgumentException if the payload is larger than 16 MiB
   * @throws IllegalStateException after {@link #close()}
   */
  public long append(byte[] payload, Durability listener) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(listener, "listener");
    if (payload.length > RecordFormat.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "record payload of " + payload.length + " bytes exceeds the limit of " + RecordFormat.MAX_PAYLOAD_BYTES);
    }
    synchronized (appendLock) {
      if (closed) {
        throw new IllegalStateException("write-ahead log " + options.directory() + " is closed");
      }
      long seq = nextSeq++;
      queue.add(new Append(seq, payload, listener, System.nanoTime()));
      return seq;
    }
  }

  /**
   * After a failure the log fails every append until this is called; appends made after it are
   * written again, to a fresh segment. Does nothing while the log works.
   */
  public void resume() {
    enqueueControl(new Resume());
  }

  /** Deletes, on the log thread, the sealed segments whose records all have seq below {@code firstNeededSeq}. */
  public void checkpoint(long firstNeededSeq) {
    enqueueControl(new Checkpoint(firstNeededSeq));
  }

  /** Bytes in all segment files now. */
  public long sizeBytes() {
    return sizeBytes;
  }

  /** Drains what is queued (written, forced, listeners called), then closes. Idempotent. */
  @Override
  public void close() {
    synchronized (appendLock) {
      if (!closed) {
        closed = true;
        queue.add(new Close());
      }
    }
    if (Thread.currentThread() == thread) {
      return; // called from a listener: the thread ends after this batch
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void enqueueControl(Entry entry) {
    synchronized (appendLock) {
      if (!closed) {
        queue.add(entry);
      }
    }
  }

  private static FileChannel lockDirectory(Path directory) throws IOException {
    FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new IOException("write-ahead log directory " + directory + " is in use by another process");
      }
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new IOException("write-ahead log directory " + directory + " is already open in this process", e);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  // ---- the log thread ----

  private void run() {
    try {
      while (true) {
        awaitEntries();
        forceIfDue();
        Entry head = backlog.peekFirst();
        if (head instanceof Append) {
          writeBatch(nextBatch());
        } else if (head != null) {
          backlog.removeFirst();
          if (head instanceof Close) {
            shutDown();
            return;
          } else if (head instanceof Resume) {
            resumeNow();
          } else if (head instanceof Checkpoint checkpoint) {
            checkpointNow(checkpoint.firstNeededSeq());
          }
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.error("Write-ahead log thread of {} died; failing every queued record", options.directory(), e);
      die(e);
      throw e;
    }
  }

  /** Moves what is queued to the backlog, waiting for it if the backlog is empty, until a force falls due. */
  private void awaitEntries() {
    if (backlog.isEmpty()) {
      Entry entry;
      try {
        if (unforced) {
          long wait = forceDueNanos - System.nanoTime();
          entry = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
        } else {
          entry = queue.take();
        }
      } catch (InterruptedException e) {
        return; // nobody interrupts this thread on purpose; the loop simply looks again
      }
      if (entry != null) {
        backlog.add(entry);
      }
    }
    queue.drainTo(backlog);
  }

  /** Takes the records at the head of the backlog, after waiting up to groupCommitWait for more. */
  private List<Append> nextBatch() {
    Append first = (Append) backlog.peekFirst();
    long wait = options.groupCommitWait().toNanos();
    if (wait > 0 && refusal == null) {
      gather(first.enqueuedNanos() + wait);
    }
    List<Append> batch = new ArrayList<>();
    long bytes = 0;
    while (backlog.peekFirst() instanceof Append append
        && (batch.isEmpty() || bytes + RecordFormat.recordBytes(append.payload().length) <= MAX_BATCH_BYTES)) {
      backlog.removeFirst();
      batch.add(append);
      bytes += RecordFormat.recordBytes(append.payload().length);
    }
    return batch;
  }

  private void gather(long deadlineNanos) {
    long bytes = 0;
    boolean open = true;
    for (Entry entry : backlog) {
      if (!(entry instanceof Append append)) {
        open = false;
        break;
      }
      bytes += RecordFormat.recordBytes(append.payload().length);
    }
    while (open && bytes < MAX_BATCH_BYTES) {
      long remaining = deadlineNanos - System.nanoTime();
      Entry entry;
      try {
        entry = remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        entry = null;
      }
      if (entry == null) {
        return;
      }
      List<Entry> arrived = new ArrayList<>();
      arrived.add(entry);
      queue.drainTo(arrived);
      for (Entry next : arrived) {
        backlog.add(next);
        if (open && next instanceof Append append) {
          bytes += RecordFormat.recordBytes(append.payload().length);
        } else {
          open = false; // a batch never reaches past a resume, checkpoint or close
        }
      }
    }
  }

  private void writeBatch(List<Append> batch) {
    if (refusal != null) {
      batch.forEach(append -> notifyFailed(append, refusal));
      return;
    }
    Append last = batch.get(batch.size() - 1);
    try {
      Segment segment = segmentFor(batch.get(0).seq());
      ByteBuffer buffer = encode(batch);
      int bytes = buffer.remaining();
      long position = segment.size;
      while (buffer.hasRemaining()) {
        position += segment.channel.write(buffer, position);
      }
      if (options.fsync() == FsyncPolicy.ALWAYS) {
        force(segment);
      }
      segment.size += bytes;
      segment.lastSeq = last.seq();
      sizeBytes += bytes;
      if (options.fsync() == FsyncPolicy.INTERVAL && !unforced) {
        unforced = true;
        oldestUnforcedAck = ackClock.getAsLong();
        forceDueNanos = System.nanoTime() + options.fsyncInterval().toNanos();
      }
    } catch (IOException | RuntimeException e) {
      fail(batch, e instanceof IOException io ? io : new IOException(e));
      return;
    }
    batch.forEach(WriteAheadLog::notifyDurable);
  }

  private ByteBuffer encode(List<Append> batch) {
    int bytes = 0;
    for (Append append : batch) {
      bytes += RecordFormat.recordBytes(append.payload().length);
    }
    if (batchBuffer.capacity() < bytes) {
      batchBuffer = ByteBuffer.allocateDirect(Math.max(bytes, Math.min(MAX_BATCH_BYTES, batchBuffer.capacity() * 2)));
    }
    ByteBuffer buffer = batchBuffer.clear();
    for (Append append : batch) {
      RecordFormat.encode(buffer, append.seq(), append.payload());
    }
    return buffer.flip();
  }

  /** The segment the next batch goes to: the active one, or a new one once it is full or after a failure. */
  private Segment segmentFor(long firstSeq) throws IOException {
    if (active != null && active.size >= options.segmentBytes()) {
      if (unforced) { // under ALWAYS every batch in it was forced already
        force(active);
      }
      Segment full = active;
      active = null;
      sealed.add(full);
      closeQuietly(full);
    }
    if (active == null) {
      active = createSegment(firstSeq);
    }
    return active;
  }

  private Segment createSegment(long firstSeq) throws IOException {
    Segment segment = new Segment(options.directory().resolve(Segment.fileName(firstSeq)), firstSeq);
    segment.channel = channels.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      Recovery.forceDirectory(options.directory(), channels);
    } catch (IOException | RuntimeException e) {
      // A segment whose directory entry may not survive a crash must not receive acknowledged records.
      closeQuietly(segment);
      deleteQuietly(segment.path);
      throw e;
    }
    segmentCount = sealed.size() + 1;
    return segment;
  }

  /** Forces the active segment; under INTERVAL this closes the window of acknowledged, unforced records. */
  private void force(Segment segment) throws IOException {
    long start = System.nanoTime();
    segment.channel.force(false);
    fsyncTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    if (unforced) {
      unsyncedTimer.record(Math.max(0, ackClock.getAsLong() - oldestUnforcedAck), TimeUnit.NANOSECONDS);
      unforced = false;
    }
  }

  private void forceIfDue() {
    if (unforced && System.nanoTime() - forceDueNanos >= 0) {
      try {
        force(active);
      } catch (IOException | RuntimeException e) {
        LOG.error("Write-ahead log: fsync of {} failed; records acknowledged since the previous fsync may not be on"
            + " disk", active, e);
        fail(List.of(), e instanceof IOException io ? io : new IOException(e));
      }
    }
  }

  /** A write or force failed: cut back and seal the active segment, fail the batch and all queued, refuse. */
  private void fail(List<Append> batch, IOException cause) {
    Thread.interrupted(); // an interrupt closed the channel: the repair below must not be interrupted again
    LOG.error("Write-ahead log {}: writing {} records failed; they and every queued record fail, and appends are"
        + " refused until resume()", options.directory(), batch.size(), cause);
    refusal = new IOException("write-ahead log refuses appends after a failure until resume(): " + cause.getMessage(),
        cause);
    unforced = false;
    if (active != null) {
      Segment failed = active;
      active = null;
      sealed.add(failed);
      if (!repair(failed)) {
        unrepaired = failed;
      }
    }
    // Sorted before any listener runs: a resume() from a listener below comes after this failure and counts.
    queue.drainTo(backlog);
    List<Append> queuedBehind = new ArrayList<>();
    ArrayDeque<Entry> kept = new ArrayDeque<>();
    for (Entry entry : backlog) {
      if (entry instanceof Append append) {
        queuedBehind.add(append);
      } else if (!(entry instanceof Resume)) {
        kept.add(entry); // a resume() queued before this failure was seen does not lift it
      }
    }
    backlog = kept;
    batch.forEach(append -> notifyFailed(append, cause));
    queuedBehind.forEach(append -> notifyFailed(append, refusal));
  }

  /** Cuts a failed segment back to its durable end and forces that; true if both worked. */
  private boolean repair(Segment segment) {
    try {
      if (segment.channel == null || !segment.channel.isOpen()) {
        segment.channel = channels.open(segment.path, StandardOpenOption.WRITE);
      }
      segment.channel.truncate(segment.size);
      segment.channel.force(true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Write-ahead log: could not cut {} back to its last durable record at offset {}", segment,
          segment.size, e);
      return false;
    }
    closeQuietly(segment);
    if (segment.size == 0 && sealed.peekLast() == segment) {
      // Nothing durable in it: keeping it would only leave an empty file behind.
      sealed.removeLast();
      deleteQuietly(segment.path);
      segmentCount = sealed.size() + (active == null ? 0 : 1);
      try {
        Recovery.forceDirectory(options.directory(), channels);
      } catch (IOException e) {
        LOG.warn("Write-ahead log: fsync of directory {} after deleting {} failed", options.directory(), segment, e);
      }
    }
    return true;
  }

  private void resumeNow() {
    if (refusal == null) {
      return;
    }
    if (unrepaired != null) {
      if (!repair(unrepaired)) {
        LOG.error("Write-ahead log: {} still cannot be cut back after the failure; appends stay refused", unrepaired);
        return;
      }
      unrepaired = null;
    }
    refusal = null;
    LOG.info("Write-ahead log {} resumes; the next batch starts a fresh segment", options.directory());
  }

  private void checkpointNow(long firstNeededSeq) {
    boolean deleted = false;
    while (!sealed.isEmpty() && sealed.peekFirst().lastSeq < firstNeededSeq) {
      Segment oldest = sealed.peekFirst();
      try {
        Files.deleteIfExists(oldest.path);
      } catch (IOException e) {
        LOG.warn("Write-ahead log: could not delete {} at a checkpoint; a later checkpoint tries again", oldest, e);
        break;
      }
      sealed.removeFirst();
      if (oldest == unrepaired) {
        closeQuietly(oldest);
        unrepaired = null; // its durable records are no longer needed, and its bad tail went with it
      }
      sizeBytes -= oldest.size;
      deleted = true;
    }
    if (deleted) {
      segmentCount = sealed.size() + (active == null ? 0 : 1);
      try {
        Recovery.forceDirectory(options.directory(), channels);
      } catch (IOException e) {
        LOG.warn("Write-ahead log: fsync of directory {} after a checkpoint failed", options.directory(), e);
      }
    }
  }

  private void shutDown() {
    if (active != null && unforced) {
      try {
        force(active);
      } catch (IOException | RuntimeException e) {
        LOG.error("Write-ahead log: the fsync at close of {} failed; records acknowledged since the previous fsync"
            + " may not be on disk", active, e);
      }
    }
    if (unrepaired != null && repair(unrepaired)) {
      unrepaired = null;
    }
    if (active != null) {
      closeQuietly(active);
    }
    release();
  }

  private void die(Throwable cause) {
    synchronized (appendLock) {
      closed = true;
    }
    queue.drainTo(backlog);
    IOException failure = new IOException("write-ahead log thread died", cause);
    for (Entry entry : backlog) {
      if (entry instanceof Append append) {
        notifyFailed(append, failure);
      }
    }
    backlog.clear();
    if (active != null) {
      closeQuietly(active);
    }
    release();
  }

  private void release() {
    meters.forEach(registry::remove);
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Write-ahead log: could not release the lock of {}", options.directory(), e);
    }
  }

  private static void notifyDurable(Append append) {
    try {
      append.listener().durable(append.seq());
    } catch (RuntimeException e) {
      LOG.error("Durability listener of write-ahead log record {} threw", append.seq(), e);
    }
  }

  private static void notifyFailed(Append append, IOException cause) {
    try {
      append.listener().failed(append.seq(), cause);
    } catch (RuntimeException e) {
      LOG.error("Durability listener of write-ahead log record {} threw", append.seq(), e);
    }
  }

  private static void closeQuietly(Segment segment) {
    if (segment.channel == null) {
      return;
    }
    try {
      segment.channel.close();
    } catch (IOException e) {
      LOG.warn("Write-ahead log: closing {} failed", segment, e);
    }
    segment.channel = null;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Write-ahead log: could not delete {}", file, e);
    }
  }
}
