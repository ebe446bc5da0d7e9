package io.dynaccel.server.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.streams.StreamMeters.ErrorKind;
import io.dynaccel.server.table.KeySchema;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * Reads one shard: GetRecords in a loop, each call starting {@link #POLL_PAUSE} after the one before
 * it started unless that one brought a full page (then at once, to catch up), until the shard ends
 * (no next iterator). An expired iterator is replaced by one after the last record seen; trimmed
 * records may be lost, so the table is dropped and reading goes on from the oldest record left;
 * throttling and other failures are retried with exponential backoff and jitter, which a success
 * shrinks by a quarter rather than forgets, so calls that fail and succeed by turns back off too.
 */
final class ShardReader {

  /**
   * The least time from one GetRecords' start to the next's: records are invalidated within about
   * this much of their appearance, and a node reads each shard at most twice a second. Counted from
   * the start so that a slow answer does not add its latency to it. A cluster's members each read
   * every shard, so with more than two the pause grows to keep them within {@link #SHARD_CALLS_PER_SECOND}.
   */
  static final Duration POLL_PAUSE = Duration.ofMillis(500);
  /**
   * GetRecords calls a second to one shard that every node together keeps within: DynamoDB Streams
   * allows five per shard and throttles beyond; one is left for catching up and retries.
   */
  static final int SHARD_CALLS_PER_SECOND = 4;
  /** The most records one GetRecords returns (it also stops at 1 MB): a page this long may not be the last. */
  static final int FULL_PAGE = 1000;
  static final Duration BACKOFF_BASE = Duration.ofMillis(100);
  static final Duration BACKOFF_CAP = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);

  private enum State { WAITING, POSITIONING, POSITIONED, READING, DONE }

  private final StreamFollower stream;
  private final StreamsContext context;
  private final String id;
  private final String parent;
  private final ShardIteratorType startType;
  private State state;
  private String iterator;
  private String lastSequence;
  private Instant lastReadStarted;
  /** The backoff before the next retry, 0 when calls succeed; doubled by a failure, shrunk by a success. */
  private long backoffMillis;

  ShardReader(StreamFollower stream, StreamsContext context, String id, String parent, ShardIteratorType startType, boolean ended) {
    this.stream = stream;
    this.context = context;
    this.id = id;
    this.parent = parent;
    this.startType = startType;
    this.state = ended ? State.DONE : State.WAITING;
  }

  String id() {
    return id;
  }

  String parent() {
    return parent;
  }

  boolean done() {
    return state == State.DONE;
  }

  boolean waiting() {
    return state == State.WAITING;
  }

  /** Takes the starting position; completes once it is taken or the shard turned out to be gone. */
  CompletionStage<Void> position() {
    state = State.POSITIONING;
    CompletableFuture<Void> positioned = new CompletableFuture<>();
    open(startType, null, positioned);
    return positioned;
  }

  /** Takes the starting position and reads. */
  void begin() {
    position().thenRun(this::readIfPositioned);
  }

  void readIfPositioned() {
    if (state == State.POSITIONED) {
      state = State.READING;
      read();
    }
  }

  private void open(ShardIteratorType type, String afterSequence, CompletableFuture<Void> opened) {
    if (stream.stopped()) {
      return;
    }
    GetShardIteratorRequest request = GetShardIteratorRequest.builder().streamArn(stream.arn()).shardId(id)
        .shardIteratorType(type).sequenceNumber(afterSequence).build();
    context.api().getShardIterator(request).whenCompleteAsync((response, failure) -> {
      if (stream.stopped()) {
        return;
      }
      if (failure == null) {
        succeeded();
        iterator = response.shardIterator();
        if (iterator == null) {
          end();
        } else if (state == State.POSITIONING) {
          state = State.POSITIONED;
        }
        opened.complete(null);
        return;
      }
      Throwable cause = StreamErrors.unwrap(failure);
      ErrorKind kind = StreamErrors.kindOf(cause);
      context.meters().error(kind);
      if (cause instanceof ResourceNotFoundException) {
        // The shard is past the stream's retention, or the stream is gone: its records cannot be read.
        context.invalidator().tableChanged(stream.table());
        end();
        opened.complete(null);
      } else if (kind == ErrorKind.TRIMMED) {
        context.invalidator().tableChanged(stream.table());
        open(ShardIteratorType.TRIM_HORIZON, null, opened);
      } else {
        context.scheduling().timer().schedule(backoff(kind, cause), () -> open(type, afterSequence, opened));
      }
    }, context.scheduling().loop());
  }

  private void read() {
    if (stream.stopped() || state == State.DONE) {
      return;
    }
    lastReadStarted = context.scheduling().clock().instant();
    context.api().getRecords(GetRecordsRequest.builder().shardIterator(iterator).build()).whenCompleteAsync((response, failure) -> {
      if (stream.stopped()) {
        return;
      }
      if (failure != null) {
        readFailed(failure);
        return;
      }
      succeeded();
      List<Record> records = response.records();
      apply(records).whenCompleteAsync((applied, notApplied) -> {
        if (stream.stopped()) {
          return;
        }
        if (notApplied != null) {
          // Read past them all the same, so their writes are not known to be dropped: drop the table.
          LOG.warn("Records of table {} (shard {}) could not be applied: dropping the table's cached data", stream.table(), id, notApplied);
          context.invalidator().tableChanged(stream.table());
        }
        if (!records.isEmpty()) {
          lastSequence = records.get(records.size() - 1).dynamodb().sequenceNumber();
        }
        iterator = response.nextShardIterator();
        if (iterator == null) {
          end();
        } else if (records.size() >= FULL_PAGE) {
          read();
        } else {
          readPaced(Duration.ZERO);
        }
      }, context.scheduling().loop());
    }, context.scheduling().loop());
  }

  private void readFailed(Throwable failure) {
    Throwable cause = StreamErrors.unwrap(failure);
    ErrorKind kind = StreamErrors.kindOf(cause);
    context.meters().error(kind);
    if (kind == ErrorKind.EXPIRED_ITERATOR && lastSequence == null && startType == ShardIteratorType.LATEST) {
      // Nothing read yet: a new LATEST position may be past records written since the first one. The
      // table is dropped once that position is taken, as at the start: a write before it is in DynamoDB
      // for the next fill, one after it is read; dropped earlier, a fill in between could stand.
      reopen(startType, null, () -> {
        context.invalidator().tableChanged(stream.table());
        readPaced(Duration.ZERO);
      });
    } else if (kind == ErrorKind.EXPIRED_ITERATOR) {
      reopen(lastSequence == null ? startType : ShardIteratorType.AFTER_SEQUENCE_NUMBER, lastSequence, () -> readPaced(Duration.ZERO));
    } else if (kind == ErrorKind.TRIMMED) {
      LOG.warn("Records of table {} (shard {}) were trimmed before they were read: dropping the table's cached data", stream.table(), id);
      context.invalidator().tableChanged(stream.table());
      reopen(ShardIteratorType.TRIM_HORIZON, null, () -> readPaced(Duration.ZERO));
    } else if (cause instanceof ResourceNotFoundException) {
      context.invalidator().tableChanged(stream.table());
      end();
    } else {
      // The iterator is unchanged by a failure: it is sent again.
      readPaced(backoff(kind, cause));
    }
  }

  /** Takes a new position, then runs {@code then} (also if the shard turned out to be gone: it then reads nothing). */
  private void reopen(ShardIteratorType type, String afterSequence, Runnable then) {
    CompletableFuture<Void> reopened = new CompletableFuture<>();
    reopened.thenRun(then);
    open(type, afterSequence, reopened);
  }

  /**
   * Reads again no sooner than {@code atLeast} from now and {@link #pollPause()} after the last read
   * started (at most that long if the clock was set back).
   */
  private void readPaced(Duration atLeast) {
    Duration spacing = pollPause();
    Duration sinceLast = lastReadStarted == null ? spacing : Duration.between(lastReadStarted, context.scheduling().clock().instant());
    Duration pause = sinceLast.isNegative() ? spacing : spacing.minus(sinceLast);
    Duration wait = pause.compareTo(atLeast) > 0 ? pause : atLeast;
    if (wait.isNegative() || wait.isZero()) {
      read();
    } else {
      context.scheduling().timer().schedule(wait, this::read);
    }
  }

  /** The least time between two GetRecords' starts: {@link #POLL_PAUSE}, or longer when the nodes reading the shard would exceed its limit. */
  private Duration pollPause() {
    int readers = Math.max(1, context.scheduling().readers().getAsInt());
    Duration shared = Duration.ofSeconds(readers).dividedBy(SHARD_CALLS_PER_SECOND);
    return shared.compareTo(POLL_PAUSE) > 0 ? shared : POLL_PAUSE;
  }

  private void succeeded() {
    // Shrunk, not forgotten: calls throttled and answered by turns keep backing off further.
    backoffMillis = backoffMillis * 3 / 4;
    if (backoffMillis < BACKOFF_BASE.toMillis() / 2) {
      backoffMillis = 0;
    }
  }

  /** The delay before retrying a failed call: the backoff, doubled, with jitter. */
  private Duration backoff(ErrorKind kind, Throwable cause) {
    backoffMillis = backoffMillis == 0 ? BACKOFF_BASE.toMillis() : Math.min(BACKOFF_CAP.toMillis(), backoffMillis * 2);
    // Equal jitter: at least half the exponential delay, so readers throttled together spread out.
    long delay = backoffMillis / 2 + (long) (backoffMillis / 2.0 * context.scheduling().jitter().getAsDouble());
    if (kind != ErrorKind.THROTTLED || backoffMillis == BACKOFF_CAP.toMillis()) {
      LOG.warn("Reading the stream of table {} (shard {}) failed ({}); retrying in {} ms", stream.table(), id,
          StreamErrors.describe(cause), delay);
    }
    return Duration.ofMillis(delay);
  }

  private void end() {
    if (state != State.DONE) {
      state = State.DONE;
      iterator = null;
      stream.shardEnded(this);
    }
  }

  /** Invalidates what each record's write may have changed, in the shard's order. */
  private CompletionStage<Void> apply(List<Record> records) {
    if (records.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    String table = stream.table();
    return context.schemas().apply(table).exceptionally(failure -> null).thenAcceptAsync(schema -> {
      Instant now = context.scheduling().clock().instant();
      boolean tableDropped = false;
      for (Record record : records) {
        ItemKey key = keyOf(schema, table, record);
        Duration lag = lag(record, now);
        if (key == null) {
          // A key we cannot name: drop the table rather than keep what the write changed.
          if (!tableDropped) {
            context.invalidator().tableChanged(table);
            tableDropped = true;
          }
          context.meters().invalidated(table, lag);
        } else if (context.invalidator().written(key)) {
          context.meters().invalidated(table, lag);
        }
      }
    }, context.scheduling().loop());
  }

  private static Duration lag(Record record, Instant now) {
    Instant created = record.dynamodb() == null ? null : record.dynamodb().approximateCreationDateTime();
    return created == null ? null : Duration.between(created, now);
  }

  private static ItemKey keyOf(KeySchema schema, String table, Record record) {
    if (schema == null || record.dynamodb() == null || !record.dynamodb().hasKeys()) {
      return null;
    }
    ObjectNode key = JsonCodec.object();
    for (Map.Entry<String, AttributeValue> attribute : record.dynamodb().keys().entrySet()) {
      AttributeValue value = attribute.getValue();
      if (value.s() != null) {
        key.putObject(attribute.getKey()).put("S", value.s());
      } else if (value.n() != null) {
        key.putObject(attribute.getKey()).put("N", value.n());
      } else if (value.b() != null) {
        key.putObject(attribute.getKey()).put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
      } else {
        return null;
      }
    }
    return schema.keyOf(table, key);
  }
}
