package io.dynaccel.server.write.back;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.config.WriteBackConfig;
import io.dynaccel.server.api.ErrorResponses;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.table.TableMetadata;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.wal.Durability;
import io.dynaccel.server.wal.WalOptions;
import io.dynaccel.server.wal.WalRecord;
import io.dynaccel.server.wal.WriteAheadLog;
import io.dynaccel.server.write.BatchWrite;
import io.dynaccel.server.write.WriteContext;
import io.dynaccel.server.write.WritePath;
import io.dynaccel.server.write.back.internal.Backoff;
import io.dynaccel.server.write.back.internal.BatchFlusher;
import io.dynaccel.server.write.back.internal.DeadLetters;
import io.dynaccel.server.write.back.internal.DirtyEntry;
import io.dynaccel.server.write.back.internal.FlushItem;
import io.dynaccel.server.write.back.internal.FlushOutcome;
import io.dynaccel.server.write.back.internal.FlushResult;
import io.dynaccel.server.write.back.internal.KeyLanes;
import io.dynaccel.server.write.back.internal.LocalChanges;
import io.dynaccel.server.write.back.internal.LogRecord;
import io.dynaccel.server.write.back.internal.Sequencer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-back: a write is evaluated locally against the item's current state, appended to the
 * write-ahead log and acknowledged once the log has it on disk; the item is then dirty, answered
 * from memory, and written to DynamoDB later by a flusher that coalesces each item's changes into
 * its last state and writes them in BatchWriteItem calls.
 *
 * <p>All state lives on this verticle's context (the {@link Sequencer}): writes of one item are
 * evaluated strictly in order ({@link KeyLanes}), each against the state the previous one left,
 * logged or not; readers on other threads see only states already on disk. A write the engine does
 * not evaluate, a batch that mixes strategies, and anything else that must reach DynamoDB itself
 * first waits, in the item's lane, until the item is clean, then goes write-through.
 *
 * <p>Start-up replays the log before the node serves: the replayed states are dirty at once and
 * the flusher resumes. Stopping flushes what it can within {@code shutdownTimeout}; the rest stays
 * in the log for the next start.
 *
 * <p>In a cluster ({@link Replication}) a change is acknowledged only once another member holds a
 * copy too; this node flushes only the items whose partitions it serves, adopts the copies of a
 * partition it takes over ({@link #adopt}) and forgets those of a partition it gave up ({@link #drop}).
 * What its log held at start belongs to the cluster: it is offered to the partitions' owners or
 * dropped as superseded, never flushed from here.
 */
public final class WriteBackPath extends VerticleBase implements WritePath, DirtyItems {

  private static final Logger LOG = LoggerFactory.getLogger(WriteBackPath.class);
  private static final DynamoDbException THROTTLED = DynamoDbException.throttling();
  private static final DynamoDbException NOT_DURABLE = DynamoDbException.internal(
      "Internal server error: the write could not be made durable and was not applied");

  private final ItemCache cache;
  private final QueryCache queries;
  private final UpstreamClient upstream;
  private final WritePath writeThrough;
  private final Predicate<String> writesBack;
  private final WriteBackConfig config;
  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final LogOpener logOpener;
  private final Replication replication;
  private final LocalChanges changes;
  private final Map<ItemKey, DirtyEntry> dirty = new ConcurrentHashMap<>();
  /** Per item, the durability of its newest change not yet on disk: an answer judged against that change waits for it. */
  private final Map<ItemKey, Future<Void>> newestPending = new HashMap<>();
  private final List<FlushWaiter> waiters = new ArrayList<>();
  private final List<Promise<Void>> roundWaiters = new ArrayList<>();
  private final Counter coalesced;
  private final Counter acknowledged;
  private final Map<Replication.Verdict, Counter> recovered = new EnumMap<>(Replication.Verdict.class);

  private Sequencer sequencer;
  private KeyLanes lanes;
  private WriteAheadLog log;
  private DeadLetters deadLetters;
  private BatchFlusher flusher;
  private long flushTimer;
  private volatile long dirtyBytes;
  private boolean flushing;
  private boolean flushAgain;
  private boolean stopping;
  /** The latest release logged; waiters for a flush are answered once it is durable. */
  private Future<Void> lastRelease = Future.succeededFuture();
  /** Records appended but not yet durable or failed. */
  private long outstanding;
  /** After a log failure: writes are refused until every record appended before it has settled. */
  private boolean refusing;

  /**
   * Creates the path; it serves once deployed.
   *
   * @param context the caches and DynamoDB
   * @param writeThrough the path writes take that must reach DynamoDB before they are acknowledged
   * @param writesBack which tables are written back; a batch naming any other goes write-through
   * @param config the log and flusher settings
   * @param registry where the write-back meters go
   * @param nanoTime the clock of flush ages
   * @param replication the cluster's copies of changes, or {@link Replication#ALONE}
   */
  public WriteBackPath(WriteContext context, WritePath writeThrough, Predicate<String> writesBack, WriteBackConfig config,
      MeterRegistry registry, LongSupplier nanoTime, Replication replication) {
    this(context, writeThrough, writesBack, config, registry, nanoTime, WriteAheadLog::open, replication);
  }

  /** As the public constructor, with the log opened by {@code logOpener}: tests put a disk that fails on demand under it. */
  WriteBackPath(WriteContext context, WritePath writeThrough, Predicate<String> writesBack, WriteBackConfig config,
      MeterRegistry registry, LongSupplier nanoTime, LogOpener logOpener, Replication replication) {
    this.logOpener = logOpener;
    this.replication = replication;
    this.cache = context.cache();
    this.queries = context.queries();
    this.upstream = context.upstream();
    this.writeThrough = writeThrough;
    this.writesBack = writesBack;
    this.changes = new LocalChanges(writesBack);
    this.config = config;
    this.registry = registry;
    this.nanoTime = nanoTime;
    this.coalesced = Counter.builder("dynaccel.writeback.coalesced")
        .description("Write-back changes that never reached DynamoDB on their own because a later change of the item overtook them").register(registry);
    this.acknowledged = Counter.builder("dynaccel.writeback.acknowledged")
        .description("Write-back changes acknowledged once durable in the log").register(registry);
    for (Replication.Verdict verdict : Replication.Verdict.values()) {
      recovered.put(verdict, Counter.builder("dynaccel.writeback.recovered").tag("verdict", verdict.name().toLowerCase(Locale.ROOT))
          .description("Changes a clustered node's log held at start, by what the cluster decided: offered to the owner, superseded, or stranded (dead-lettered)")
          .register(registry));
    }
    Gauge.builder("dynaccel.writeback.dirty.items", dirty, Map::size).description("Items whose acknowledged state DynamoDB does not hold yet").register(registry);
    Gauge.builder("dynaccel.writeback.dirty.bytes", this, p -> p.dirtyBytes).description("Bytes of dirty items").baseUnit("bytes").register(registry);
    Gauge.builder("dynaccel.writeback.oldest.unflushed", this, WriteBackPath::oldestUnflushedSeconds)
        .description("Age of the oldest acknowledged write DynamoDB does not hold yet").baseUnit("seconds").register(registry);
  }

  @Override
  public Future<?> start() {
    sequencer = new Sequencer(context);
    lanes = new KeyLanes(sequencer);
    WalOptions options = new WalOptions(config.logDir(), config.fsync(), config.fsyncInterval(), config.groupCommitWait(), config.segmentBytes());
    return vertx.executeBlocking(() -> logOpener.open(options, registry, record -> replay(record.seq(), LogRecord.decode(record.payload()), record.payload().length)))
        .map(opened -> {
          log = opened;
          deadLetters = new DeadLetters(vertx, config.logDir().resolve("dead-letters.jsonl"));
          flusher = new BatchFlusher(vertx, upstream, deadLetters, Backoff.defaults(), registry, replication::serves);
          return opened;
        })
        .compose(opened -> replication.clustered() ? sequencer.call(this::recover) : Future.succeededFuture())
        .map(recovered -> {
          if (!dirty.isEmpty()) {
            LOG.info("Write-back log replayed: {} dirty items, {} bytes, to flush", dirty.size(), dirtyBytes);
          }
          flushTimer = vertx.setPeriodic(config.flushInterval().toMillis(), id -> flushRound());
          flushRound();
          return recovered;
        })
        .compose(opened -> {
          long strays = dirty.keySet().stream().filter(key -> !writesBack.test(key.table())).count();
          if (strays == 0) {
            return Future.succeededFuture();
          }
          // Their tables are no longer written back: their writes will not wait in these items' lanes,
          // so DynamoDB must hold the logged states before the node serves.
          LOG.info("Write-back log holds {} items of tables no longer written back; flushing them before serving", strays);
          return flushedHere(null);
        });
  }

  @Override
  public Future<?> stop() {
    return sequencer.call(() -> {
      vertx.cancelTimer(flushTimer);
      if (config.shutdownTimeout().isZero()) {
        return Future.succeededFuture();
      }
      return flushedHere(null).timeout(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS).recover(e -> Future.succeededFuture());
    }).compose(v -> sequencer.call(() -> {
      stopping = true;
      flusher.stop();
      if (!dirty.isEmpty()) {
        LOG.warn("Write-back stopping with {} dirty items ({} bytes) not yet in DynamoDB; they stay in the log for the next start", dirty.size(), dirtyBytes);
      }
      return untilRoundEnds();
    })).compose(v -> vertx.executeBlocking(() -> {
      log.close();
      deadLetters.close();
      return null;
    }));
  }

  // ---- reads ----

  @Override
  public CachedItem get(ItemKey key) {
    DirtyEntry entry = dirty.get(key);
    DirtyEntry.State state = entry == null ? null : entry.durable();
    return state == null ? null : state.cached();
  }

  @Override
  public boolean isEmpty() {
    return dirty.isEmpty();
  }

  @Override
  public Future<Void> flushed(String table) {
    if (!replication.clustered()) {
      return flushedHere(table);
    }
    // Other members' changes too: a call answered from DynamoDB here may read items they own.
    return Future.all(flushedHere(table), replication.settled(table)).mapEmpty();
  }

  private Future<Void> flushedHere(String table) {
    if (dirty.isEmpty()) {
      // The usual case answered without a hop: an acknowledged write's entry is in the map before its answer goes out.
      return Future.succeededFuture();
    }
    return sequencer.call(() -> {
      Map<ItemKey, Long> targets = new HashMap<>();
      for (DirtyEntry entry : dirty.values()) {
        DirtyEntry.State state = entry.durable();
        if ((table == null || entry.key().table().equals(table)) && state != null && !entry.flushedThrough(state.seq())) {
          targets.put(entry.key(), state.seq());
        }
      }
      return waitFor(targets);
    });
  }

  // ---- writes ----

  @Override
  public Future<ApiResponse> writeItem(ApiRequest request, ItemKey key, TableMetadata table) {
    Promise<ApiResponse> answer = Promise.promise();
    // Room first, evaluation after: while a write waits for room, a failed log write can undo the
    // change it would otherwise have been evaluated against.
    sequencer.run(() -> lanes.run(List.of(key), () -> guarded(answer, () -> admitted().compose(admit -> {
      if (!admit) {
        answer.complete(ErrorResponses.of(THROTTLED));
        return Future.succeededFuture();
      }
      return currentItem(request, key, table).compose(
          current -> apply(request, key, table, current, answer),
          failure -> failure instanceof NotLocal
              ? throughDynamoDb(List.of(key), () -> writeThrough.writeItem(request, key, table), answer)
              : Future.failedFuture(failure));
    }))));
    return answer.future();
  }

  @Override
  public Future<ApiResponse> writeBatch(ApiRequest request, List<BatchWrite> writes) {
    Promise<ApiResponse> answer = Promise.promise();
    List<ItemKey> keys = writes.stream().map(BatchWrite::key).toList();
    sequencer.run(() -> lanes.run(keys, () -> guarded(answer, () -> {
      List<LogRecord> records = changes.batch(request, writes);
      if (records == null) {
        return throughDynamoDb(keys, () -> writeThrough.writeBatch(request, writes), answer);
      }
      if (refusing) {
        answer.complete(ErrorResponses.of(NOT_DURABLE));
        return Future.succeededFuture();
      }
      return admitted().map(admit -> {
        if (!admit) {
          answer.complete(ErrorResponses.of(THROTTLED));
          return null;
        }
        List<Future<Void>> durable = new ArrayList<>();
        for (LogRecord record : records) {
          durable.add(append(record));
        }
        // Durability is settled on the sequencer, so the answer goes out from there without another hop.
        Future.join(durable).onComplete(done -> answer.complete(done.succeeded()
            ? ApiResponse.ok(JsonCodec.object().set("UnprocessedItems", JsonCodec.object()))
            : ErrorResponses.of(NOT_DURABLE)));
        return null;
      });
    })));
    return answer.future();
  }

  /** Runs one step of a write in its lane; whatever goes wrong in it fails the write's answer, never the lane. */
  private static Future<Void> guarded(Promise<ApiResponse> answer, Supplier<Future<Void>> step) {
    Future<Void> done;
    try {
      done = step.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.onFailure(answer::tryFail);
  }

  /** The item's newest state: logged, else cached, else read from DynamoDB with a consistent read. */
  private Future<ObjectNode> currentItem(ApiRequest request, ItemKey key, TableMetadata table) {
    DirtyEntry entry = dirty.get(key);
    DirtyEntry.State newest = entry == null ? null : entry.newest();
    if (newest != null) {
      return Future.succeededFuture(newest.item());
    }
    CachedItem cached = cache.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached.exists()
          ? (ObjectNode) JsonCodec.read(cached.getItemResponse(), cached.itemOffset(), cached.itemLength()) : null);
    }
    if (LocalChanges.independentOfCurrent(request)) {
      // Nothing to read: the write is acknowledged from the log alone, as BatchWriteItem's are, even while DynamoDB is unreachable.
      return Future.succeededFuture(null);
    }
    ObjectNode fetch = JsonCodec.object().put("TableName", key.table());
    fetch.set("Key", LocalChanges.keyAttributes(request, table.key()));
    fetch.put("ConsistentRead", true);
    return upstream.send("GetItem", Buffer.buffer(JsonCodec.write(fetch))).map(response -> {
      if (!response.ok()) {
        // DynamoDB will not read the item; let it answer the write itself.
        throw new NotLocal();
      }
      JsonNode item = JsonCodec.read(response.body().getBytes()).get("Item");
      return item instanceof ObjectNode found ? found : null;
    });
  }

  /** Evaluates the write against {@code current} and logs it; the returned future frees the item's lane. */
  private Future<Void> apply(ApiRequest request, ItemKey key, TableMetadata table, ObjectNode current, Promise<ApiResponse> answer) {
    WriteOutcome outcome = changes.evaluate(request, table, current);
    if (outcome instanceof WriteOutcome.Failed failed) {
      ApiResponse error = LocalChanges.answer(failed);
      Future<Void> basis = newestPending.get(key);
      if (basis == null) {
        answer.complete(error);
      } else {
        // Judged against a change a crash or a failed log write could still undo: answer only once it is kept.
        ApiResponse judged = error;
        basis.onComplete(kept -> answer.complete(kept.succeeded() ? judged : ErrorResponses.of(NOT_DURABLE)));
      }
      return Future.succeededFuture();
    }
    if (!(outcome instanceof WriteOutcome.Applied applied)) {
      return throughDynamoDb(List.of(key), () -> writeThrough.writeItem(request, key, table), answer);
    }
    if (refusing) {
      answer.complete(ErrorResponses.of(NOT_DURABLE));
      return Future.succeededFuture();
    }
    ObjectNode keyAttributes = LocalChanges.keyAttributes(request, table.key());
    LogRecord record = new LogRecord(key, keyAttributes, applied.item());
    // Settled on the sequencer, like every durability outcome: the answer goes out without another hop.
    append(record).onComplete(done ->
        answer.complete(done.succeeded() ? ApiResponse.ok(applied.response()) : ErrorResponses.of(NOT_DURABLE)));
    return Future.succeededFuture();
  }

  /**
   * Whether the writes may go on: at once below half the dirty budget; above it, after the flusher's
   * round ends or a flush interval (at most a second) has passed, whichever comes first (writers
   * slow to its pace, and a round that cannot end while DynamoDB is unreachable does not hold
   * them); false (throttle) if the budget is still exhausted then.
   */
  private Future<Boolean> admitted() {
    if (dirtyBytes <= config.maxDirtyBytes() / 2) {
      return Future.succeededFuture(true);
    }
    flushRound();
    if (!flushing) {
      return Future.succeededFuture(dirtyBytes < config.maxDirtyBytes());
    }
    // A round can take long while DynamoDB is down or throttling; the writer waits for it no longer
    // than a flush interval (at most a second), then is admitted or throttled by what is dirty. The
    // timer completes the wait on the sequencer, so the write goes on there whichever ends first.
    Promise<Void> waited = Promise.promise();
    roundWaiters.add(waited);
    long timer = vertx.setTimer(Math.min(config.flushInterval().toMillis(), 1_000), id -> sequencer.run(() -> {
      if (roundWaiters.remove(waited)) {
        waited.complete();
      }
    }));
    return waited.future().map(v -> {
      vertx.cancelTimer(timer);
      return dirtyBytes < config.maxDirtyBytes();
    });
  }

  /**
   * Writes {@code work} to DynamoDB once the items are clean and their release is logged, holding
   * their lanes until it is done.
   */
  private Future<Void> throughDynamoDb(List<ItemKey> keys, Supplier<Future<ApiResponse>> work, Promise<ApiResponse> answer) {
    Map<ItemKey, Long> targets = new HashMap<>();
    keys.forEach(key -> targets.put(key, Long.MAX_VALUE));
    return waitFor(targets).compose(v -> released(keys)).compose(
        released -> work.get().onComplete(answer).mapEmpty(),
        failure -> {
          answer.complete(ErrorResponses.of(NOT_DURABLE));
          return Future.succeededFuture();
        });
  }

  /**
   * Logs the release of the write-back items among {@code keys} before a write DynamoDB applies
   * itself: their records in the log are flushed, but replaying them after that write (at the next
   * start, since a segment is only deleted once sealed) would put the older state over it.
   */
  private Future<Void> released(List<ItemKey> keys) {
    List<Future<Void>> durable = new ArrayList<>();
    for (ItemKey key : keys) {
      if (writesBack.test(key.table())) {
        durable.add(release(key));
      }
    }
    return Future.all(durable).mapEmpty();
  }

  /**
   * Logs that DynamoDB holds everything of {@code key} the log has (or that a write goes to DynamoDB
   * itself next), so replay forgets the item's earlier records. The future completes once durable.
   */
  private Future<Void> release(ItemKey key) {
    return release(key, Future.succeededFuture());
  }

  /** As {@link #release(ItemKey)}, also waiting for {@code copiesDropped}: the cluster's copies must not outlive the release either. */
  private Future<Void> release(ItemKey key, Future<Void> copiesDropped) {
    Promise<Void> logged = Promise.promise();
    outstanding++;
    log.append(LogRecord.release(key).encode(), new Durability() {
      @Override
      public void durable(long seq) {
        sequencer.run(() -> {
          outstanding--;
          logged.complete();
        });
      }

      @Override
      public void failed(long seq, IOException cause) {
        sequencer.run(() -> {
          outstanding--;
          logFailed(cause);
          logged.fail(cause);
        });
      }
    });
    lastRelease = Future.all(logged.future(), copiesDropped).mapEmpty();
    return lastRelease;
  }

  /**
   * Appends a change; the future completes on the sequencer once it is kept (and the item's state moved
   * on): durable in the log, held by another member in a cluster, and the item's previous change kept
   * too, so that states become readable in their order.
   */
  private Future<Void> append(LogRecord change) {
    return append(change, false);
  }

  /** As {@link #append(LogRecord)}; a {@code cancelling} change is not cancelled in its turn if it is refused. */
  private Future<Void> append(LogRecord change, boolean cancelling) {
    ItemKey key = change.key();
    long epoch = replication.epoch(key);
    LogRecord record = change.at(epoch);
    Promise<Void> logged = Promise.promise();
    DirtyEntry entry = dirty.computeIfAbsent(key, k -> new DirtyEntry(k, record.keyAttributes()));
    CachedItem cached = LocalChanges.cachedOf(record.item());
    byte[] payload = record.encode();
    QueryWriteTicket queryTicket = queries.beginWrite(key.table(), key.partition());
    int before = entry.bytes();
    outstanding++;
    long seq = log.append(payload, new Durability() {
      @Override
      public void durable(long seq) {
        sequencer.run(() -> {
          outstanding--;
          logged.complete();
        });
      }

      @Override
      public void failed(long seq, IOException cause) {
        sequencer.run(() -> {
          outstanding--;
          // Before the change is undone below: what its waiters log goes behind the log's resume when that is due.
          logFailed(cause);
          logged.fail(cause);
        });
      }
    });
    entry.logged(new DirtyEntry.State(seq, epoch, record.item(), cached, payload.length), nanoTime.getAsLong());
    dirtyBytes += entry.bytes() - before;
    Future<Void> previousKept = newestPending.getOrDefault(key, Future.succeededFuture());
    Promise<Void> kept = Promise.promise();
    newestPending.put(key, kept.future());
    // Each of the three completes on this context, so the change is settled here without another hop.
    Future.all(logged.future(), replication.put(key, epoch, seq, payload), previousKept).onComplete(done -> {
      newestPending.remove(key, kept.future());
      if (done.succeeded()) {
        DirtyEntry.State previous = entry.durable();
        entry.madeDurable(seq);
        if (previous != null && !entry.flushedThrough(previous.seq()) && entry.flushing() != previous) {
          coalesced.increment();
        }
        acknowledged.increment();
        queries.endWrite(queryTicket, false);
        kept.complete();
        if (dirtyBytes >= config.flushBytes() || !waiters.isEmpty()) {
          flushRound();
        }
        return;
      }
      // Not kept (the log or the copy failed, or an earlier change of the item was not kept, which this
      // one was evaluated against): it and every later change of the item are undone.
      int was = entry.bytes();
      entry.failed(seq);
      dirtyBytes += entry.bytes() - was;
      removeIfClean(entry);
      queries.endWrite(queryTicket, false);
      // An item the failure left clean lets its waiters go now, not at the next flush round.
      settleWaiters();
      kept.fail(done.cause());
      if (!cancelling) {
        logged.future().onSuccess(v -> cancel(key, entry.keyAttributes(), epoch, seq));
      }
    });
    return kept.future();
  }

  /**
   * Cancels a refused change whose record reached the log anyway (its copy failed, or a change it was
   * evaluated against was refused): without that, the next start would replay it and offer it to the
   * cluster. A later record restores the item's newest state that was not refused, with its own copy
   * (which also outranks the refused copy, if that reached the cluster after all); an item left with
   * none is released and its refused copy withdrawn.
   */
  private void cancel(ItemKey key, ObjectNode keyAttributes, long epoch, long seq) {
    DirtyEntry entry = dirty.get(key);
    DirtyEntry.State newest = entry == null ? null : entry.newest();
    Future<Void> cancelled = newest != null
        ? append(new LogRecord(key, keyAttributes, newest.item()), true)
        : release(key, replication.withdraw(key, epoch, seq));
    cancelled.onFailure(e -> LOG.error("A refused write-back change of {} could not be cancelled; the next start may offer it to the cluster: {}",
        key, e.toString()));
  }

  /** A record did not reach the disk: refuse writes until every record appended before this failure has settled. */
  private void logFailed(IOException cause) {
    if (!refusing) {
      LOG.error("Write-back log failed; writes are refused until it recovers: {}", cause.toString());
      refusing = true;
    }
    if (outstanding == 0) {
      refusing = false;
      log.resume();
    }
  }

  private void replay(long seq, LogRecord record, int payloadBytes) {
    if (record.released()) {
      DirtyEntry released = dirty.remove(record.key());
      if (released != null) {
        dirtyBytes -= released.bytes();
      }
      return;
    }
    DirtyEntry entry = dirty.computeIfAbsent(record.key(), k -> new DirtyEntry(k, record.keyAttributes()));
    CachedItem cached = LocalChanges.cachedOf(record.item());
    int before = entry.bytes();
    entry.logged(new DirtyEntry.State(seq, record.epoch(), record.item(), cached, payloadBytes), nanoTime.getAsLong());
    entry.madeDurable(seq);
    dirtyBytes += entry.bytes() - before;
  }

  // ---- in a cluster ----

  /**
   * Takes over the copies of changes of partitions whose lease this node has just taken, before it
   * serves them: each becomes this node's own change, logged here and copied again under its epoch.
   *
   * @param hold how long they stay out of DynamoDB: taken from a member that left without handing
   *     them over, whose own flushes of them may land until then
   * @param stillTaking whether this node still takes the item's partition over: a copy of one it has
   *     given up meanwhile is left to the next owner
   * @return completes once every one is kept
   */
  public Future<Void> adopt(List<Replication.Copy> copies, Duration hold, Predicate<ItemKey> stillTaking) {
    if (copies.isEmpty()) {
      return Future.succeededFuture();
    }
    return sequencer.call(() -> {
      long until = nanoTime.getAsLong() + hold.toNanos();
      List<Future<Void>> kept = new ArrayList<>();
      for (Replication.Copy copy : copies) {
        if (!stillTaking.test(copy.key())) {
          continue;
        }
        LogRecord record = LogRecord.decode(copy.record());
        kept.add(append(record));
        if (!hold.isZero()) {
          dirty.get(copy.key()).holdFlushUntil(until);
        }
      }
      if (!kept.isEmpty()) {
        LOG.info("Took over {} write-back item(s) not yet in DynamoDB{}", kept.size(), hold.isZero() ? "" : ", held from DynamoDB for " + hold);
      }
      return Future.all(kept).mapEmpty();
    });
  }

  /**
   * Forgets the dirty items of partitions this node has given up, without flushing them: the cluster's
   * copies stay for their new owner, and a flush from here could land after one of its newer states.
   */
  public void drop(Predicate<ItemKey> lost) {
    sequencer.run(() -> {
      dirty.values().removeIf(entry -> {
        if (!lost.test(entry.key())) {
          return false;
        }
        dirtyBytes -= entry.bytes();
        return true;
      });
      settleWaiters();
    });
  }

  /**
   * Hands what the log held at start to the cluster ({@link Replication#recover}) and forgets it here.
   * Changes superseded by what the cluster adopted, or dead-lettered, are released so that they never
   * replay; changes offered to an owner stay in the log until the segment goes, in case the cluster
   * loses them before their owner has logged them.
   */
  private Future<Void> recover() {
    if (dirty.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Replication.Copy> copies = new ArrayList<>();
    for (DirtyEntry entry : dirty.values()) {
      DirtyEntry.State state = entry.durable();
      byte[] record = new LogRecord(entry.key(), entry.keyAttributes(), state.item()).at(state.epoch()).encode();
      copies.add(new Replication.Copy(entry.key(), state.epoch(), state.seq(), record));
    }
    return replication.recover(copies).compose(verdicts -> sequencer.call(() -> {
      List<Future<Void>> done = new ArrayList<>();
      Map<Replication.Verdict, Integer> counts = new EnumMap<>(Replication.Verdict.class);
      for (Replication.Copy copy : copies) {
        DirtyEntry entry = dirty.remove(copy.key());
        dirtyBytes -= entry.bytes();
        Replication.Verdict verdict = verdicts.get(copy.key());
        counts.merge(verdict, 1, Integer::sum);
        recovered.get(verdict).increment();
        if (verdict == Replication.Verdict.STRANDED) {
          DirtyEntry.State state = entry.durable();
          FlushItem item = new FlushItem(copy.key(), copy.key().table(), entry.keyAttributes(), state.item(), state.seq());
          done.add(deadLetters.write(item, "Stranded",
              "Logged before the cluster lost every member, and its partition was served again before this member came back").compose(v -> release(copy.key())));
        } else if (verdict == Replication.Verdict.SUPERSEDED) {
          done.add(release(copy.key()));
        }
      }
      LOG.info("Write-back log held {} item(s) from an earlier run; the cluster decided: {}", copies.size(), counts);
      return Future.all(done).mapEmpty();
    }));
  }

  // ---- flushing ----

  /** Starts a flush of every item with a durable state DynamoDB does not hold, unless one runs. */
  private void flushRound() {
    if (flushing) {
      flushAgain = true;
      return;
    }
    if (stopping) {
      return;
    }
    List<FlushItem> items = new ArrayList<>();
    long now = nanoTime.getAsLong();
    for (DirtyEntry entry : dirty.values()) {
      DirtyEntry.State state = entry.flushable();
      // Registered with ownership last, so that only a flush that goes ahead holds the partition here.
      if (state != null && !entry.held(now) && replication.enterFlush(entry.key())) {
        ItemKey key = entry.key();
        entry.flushStarted(state, cache.beginWrite(key), queries.beginWrite(key.table(), key.partition()));
        items.add(new FlushItem(key, key.table(), entry.keyAttributes(), state.item(), state.seq()));
      }
    }
    if (items.isEmpty()) {
      endRound();
      return;
    }
    flushing = true;
    flusher.flush(items).onComplete(sequencer.then(done -> {
      flushing = false;
      done.result().forEach(this::flushEnded);
      log.checkpoint(dirty.values().stream().mapToLong(DirtyEntry::oldestUnflushedSeq).min().orElse(Long.MAX_VALUE));
      endRound();
      if (flushAgain || dirtyBytes >= config.flushBytes() || !waiters.isEmpty()) {
        flushAgain = false;
        flushRound();
      }
    }));
  }

  private void flushEnded(FlushOutcome outcome) {
    ItemKey key = outcome.item().key();
    DirtyEntry entry = dirty.get(key);
    DirtyEntry.State state = entry.flushing();
    switch (outcome.result()) {
      case WRITTEN -> {
        cache.completeWrite(entry.flushTicket(), state.cached());
        queries.endWrite(entry.flushQueryTicket(), false);
      }
      default -> {
        // Dead-lettered, or given up at shutdown: DynamoDB does not hold this state, so no stale copy of the item may stay cached.
        cache.abandonWrite(entry.flushTicket());
        queries.endWrite(entry.flushQueryTicket(), true);
      }
    }
    boolean done = outcome.result() != FlushResult.ABANDONED;
    entry.flushEnded(done, nanoTime.getAsLong());
    Future<Void> copiesDropped = done ? replication.flushed(key, state.epoch(), state.seq()) : Future.succeededFuture();
    if (removeIfClean(entry) && !stopping) {
      // DynamoDB holds (or dead-lettered) all the log has of the item: a restart, or a member taking
      // the partition over, must not write those changes again over what TransactWriteItems, PartiQL
      // or another client writes next.
      release(key, copiesDropped);
    }
    // Last: once no flush holds the partition, ownership may hand it over (a new owner that adopts a copy
    // whose drop is still on its way writes the same state again, harmlessly).
    replication.exitFlush(key);
  }

  private boolean removeIfClean(DirtyEntry entry) {
    // By identity and once: a failed log write settles each undone change of the item, and every one of them looks here.
    if (entry.clean() && dirty.remove(entry.key(), entry)) {
      dirtyBytes -= entry.bytes();
      return true;
    }
    return false;
  }

  private void endRound() {
    settleWaiters();
    List<Promise<Void>> ended = new ArrayList<>(roundWaiters);
    roundWaiters.clear();
    ended.forEach(Promise::complete);
  }

  private Future<Void> untilRoundEnds() {
    if (!flushing) {
      return Future.succeededFuture();
    }
    Promise<Void> ended = Promise.promise();
    roundWaiters.add(ended);
    return ended.future();
  }

  /**
   * Completes once each item is flushed through its target sequence number ({@link Long#MAX_VALUE}:
   * until it is clean, pending changes included).
   */
  private Future<Void> waitFor(Map<ItemKey, Long> targets) {
    FlushWaiter waiter = new FlushWaiter(targets, Promise.promise());
    if (waiter.settled(dirty)) {
      return Future.succeededFuture();
    }
    waiters.add(waiter);
    flushRound();
    return waiter.done().future();
  }

  private void settleWaiters() {
    Future<Void> released = lastRelease;
    waiters.removeIf(waiter -> {
      if (waiter.settled(dirty)) {
        // Whoever waited goes to DynamoDB next: the release of what it waited for must be on disk
        // first, or a restart would flush those records again over what it writes.
        released.onComplete(done -> waiter.done().complete());
        return true;
      }
      return false;
    });
  }

  private double oldestUnflushedSeconds() {
    long now = nanoTime.getAsLong();
    return dirty.values().stream().mapToLong(DirtyEntry::unflushedSinceNanos).map(since -> now - since).max().orElse(0) / 1e9;
  }

  /** Opens the write-ahead log, replaying its records to the consumer first. */
  @FunctionalInterface
  interface LogOpener {
    WriteAheadLog open(WalOptions options, MeterRegistry registry, Consumer<WalRecord> replay) throws IOException;
  }

  /** A read of the current item DynamoDB refused: the write is left to DynamoDB. */
  private static final class NotLocal extends RuntimeException {
    NotLocal() {
      super(null, null, false, false);
    }
  }

  /** Someone waiting for items to be flushed through given sequence numbers. */
  private record FlushWaiter(Map<ItemKey, Long> targets, Promise<Void> done) {

    boolean settled(Map<ItemKey, DirtyEntry> dirty) {
      targets.entrySet().removeIf(target -> {
        DirtyEntry entry = dirty.get(target.getKey());
        return entry == null || (target.getValue() == Long.MAX_VALUE ? entry.clean() : entry.flushedThrough(target.getValue()));
      });
      return targets.isEmpty();
    }
  }
}
