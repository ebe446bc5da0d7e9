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
 * Reads one shard: GetRecords in a loop, a short pause when a page is empty, until the shard ends
 * (no next iterator). An expired iterator is replaced by one after the last record seen; trimmed
 * records may be lost, so the table is dropped and reading goes on from the oldest record left;
 * throttling and other failures are retried with exponential backoff and jitter.
 */
final class ShardReader {

  /**
   * The pause after an empty page: records are invalidated within about this much of their
   * appearance, and a node reads each shard at most twice a second (DynamoDB Streams allows five
   * GetRecords per second per shard, shared by every node of a cluster).
   */
  static final Duration POLL_PAUSE = Duration.ofMillis(500);
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
  private int failures;

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
        failures = 0;
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
        retryLater(kind, cause, () -> open(type, afterSequence, opened));
      }
    }, context.scheduling().loop());
  }

  private void read() {
    if (stream.stopped() || state == State.DONE) {
      return;
    }
    String current = iterator;
    context.api().getRecords(GetRecordsRequest.builder().shardIterator(current).build()).whenCompleteAsync((response, failure) -> {
      if (stream.stopped()) {
        return;
      }
      if (failure != null) {
        readFailed(current, failure);
        return;
      }
      failures = 0;
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
        } else if (records.isEmpty()) {
          context.scheduling().timer().schedule(POLL_PAUSE, this::read);
        } else {
          read();
        }
      }, context.scheduling().loop());
    }, context.scheduling().loop());
  }

  private void readFailed(String current, Throwable failure) {
    Throwable cause = StreamErrors.unwrap(failure);
    ErrorKind kind = StreamErrors.kindOf(cause);
    context.meters().error(kind);
    if (kind == ErrorKind.EXPIRED_ITERATOR && lastSequence == null && startType == ShardIteratorType.LATEST) {
      // Nothing read yet: a new LATEST position may be past records written since the first one. The
      // table is dropped once that position is taken, as at the start: a write before it is in DynamoDB
      // for the next fill, one after it is read; dropped earlier, a fill in between could stand.
      reopen(startType, null, () -> {
        context.invalidator().tableChanged(stream.table());
        read();
      });
    } else if (kind == ErrorKind.EXPIRED_ITERATOR) {
      reopen(lastSequence == null ? startType : ShardIteratorType.AFTER_SEQUENCE_NUMBER, lastSequence, this::read);
    } else if (kind == ErrorKind.TRIMMED) {
      LOG.warn("Records of table {} (shard {}) were trimmed before they were read: dropping the table's cached data", stream.table(), id);
      context.invalidator().tableChanged(stream.table());
      reopen(ShardIteratorType.TRIM_HORIZON, null, this::read);
    } else if (cause instanceof ResourceNotFoundException) {
      context.invalidator().tableChanged(stream.table());
      end();
    } else {
      retryLater(kind, cause, () -> {
        iterator = current;
        read();
      });
    }
  }

  /** Takes a new position, then runs {@code then} (also if the shard turned out to be gone: it then reads nothing). */
  private void reopen(ShardIteratorType type, String afterSequence, Runnable then) {
    CompletableFuture<Void> reopened = new CompletableFuture<>();
    reopened.thenRun(then);
    open(type, afterSequence, reopened);
  }

  private void retryLater(ErrorKind kind, Throwable cause, Runnable retry) {
    long capped = Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << Math.min(failures, 20));
    failures++;
    // Equal jitter: at least half the exponential delay, so readers throttled together spread out.
    long delay = capped / 2 + (long) (capped / 2.0 * context.scheduling().jitter().getAsDouble());
    if (kind != ErrorKind.THROTTLED || failures > 5) {
      LOG.warn("Reading the stream of table {} (shard {}) failed ({}); retrying in {} ms", stream.table(), id,
          StreamErrors.describe(cause), delay);
    }
    context.scheduling().timer().schedule(Duration.ofMillis(delay), retry);
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
