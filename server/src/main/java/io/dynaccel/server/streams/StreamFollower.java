package io.dynaccel.server.streams;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamStatus;

/**
 * Follows every shard of one table's stream, a split's children after their parent.
 *
 * <p>When following begins, the shards open at that moment are read from LATEST and the closed
 * ones not at all; once every open shard's position is taken, the table's cached data is dropped
 * (coherently with fills in flight). Nothing older needs reading: the drop removes whatever a write
 * before those positions may have left stale, whether the node just started (its caches are nearly
 * empty, but it may already serve while the positions are taken) or the stream was enabled or
 * replaced while the node had cached the table for a while. Reading from TRIM_HORIZON instead would
 * replay up to 24 hours of records for the same effect.
 *
 * <p>Shards found later (a split's children, found by describing the stream again every few
 * seconds) hold only records written after following began, so they are read from TRIM_HORIZON, and
 * only once their parent has ended (its last iterator returned no next one) or is no longer known
 * (trimmed): records of one key stay in order across the split. Reading a record twice is harmless;
 * dropping is always safe.
 */
final class StreamFollower {

  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);

  private final StreamInvalidation owner;
  private final String table;
  private final String arn;
  private final StreamsContext context;
  private final Map<String, ShardReader> shards = new LinkedHashMap<>();
  private boolean positioned;
  private boolean describing;
  private boolean stopped;

  StreamFollower(StreamInvalidation owner, String table, String arn, StreamsContext context) {
    this.owner = owner;
    this.table = table;
    this.arn = arn;
    this.context = context;
  }

  String table() {
    return table;
  }

  String arn() {
    return arn;
  }

  boolean stopped() {
    return stopped || owner.stopped();
  }

  void stop() {
    stopped = true;
  }

  /** Describes the stream and takes the open shards' positions. */
  void start() {
    describe(description -> {
      if (disabled(description)) {
        owner.streamDisabled(this);
        return;
      }
      owner.streamFollowed(table);
      List<CompletionStage<Void>> positions = new ArrayList<>();
      for (Shard shard : description.shards()) {
        boolean closed = shard.sequenceNumberRange() != null && shard.sequenceNumberRange().endingSequenceNumber() != null;
        ShardReader reader = new ShardReader(this, context, shard.shardId(), shard.parentShardId(), ShardIteratorType.LATEST, closed);
        shards.put(shard.shardId(), reader);
        if (!closed) {
          positions.add(reader.position());
        }
      }
      CompletableFuture.allOf(positions.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
          .whenCompleteAsync((done, failure) -> {
            if (stopped()) {
              return;
            }
            context.invalidator().tableChanged(table);
            positioned = true;
            LOG.info("Following the stream of table {}: {} open shards from LATEST", table, positions.size());
            shards.values().forEach(ShardReader::readIfPositioned);
          }, context.scheduling().loop());
    });
  }

  /** Describes the stream again: shards a split created are read once their parent has ended. */
  void rediscover() {
    if (!positioned) {
      if (shards.isEmpty() && !describing) {
        // The first description failed: begin again.
        start();
      }
      return;
    }
    describe(description -> {
      Set<String> listed = new HashSet<>();
      for (Shard shard : description.shards()) {
        listed.add(shard.shardId());
        shards.computeIfAbsent(shard.shardId(),
            id -> new ShardReader(this, context, id, shard.parentShardId(), ShardIteratorType.TRIM_HORIZON, false));
      }
      // Ended shards that the stream no longer lists were trimmed: forget them, their children may start.
      shards.values().removeIf(reader -> reader.done() && !listed.contains(reader.id()));
      startReady();
      if (disabled(description) && shards.values().stream().allMatch(ShardReader::done)) {
        owner.streamDisabled(this);
      }
    });
  }

  /** Called by a reader whose shard ended. */
  void shardEnded(ShardReader reader) {
    startReady();
  }

  private void startReady() {
    for (ShardReader reader : List.copyOf(shards.values())) {
      if (reader.waiting()) {
        ShardReader parent = reader.parent() == null ? null : shards.get(reader.parent());
        if (parent == null || parent.done()) {
          reader.begin();
        }
      }
    }
  }

  private static boolean disabled(StreamDescription description) {
    return description.streamStatus() == StreamStatus.DISABLED || description.streamStatus() == StreamStatus.DISABLING;
  }

  /** Describes the whole stream, every page of shards, then runs {@code then} on the loop. */
  private void describe(Consumer<StreamDescription> then) {
    if (describing || stopped()) {
      return;
    }
    describing = true;
    describePages(null, new ArrayList<>()).whenCompleteAsync((description, failure) -> {
      describing = false;
      if (stopped()) {
        return;
      }
      if (failure != null) {
        context.meters().error(StreamErrors.kindOf(failure));
        LOG.warn("Describing the stream of table {} failed ({}); trying again in {}s", table, StreamErrors.describe(failure),
            StreamInvalidation.DISCOVERY_INTERVAL.toSeconds());
        return;
      }
      then.accept(description);
    }, context.scheduling().loop());
  }

  private CompletionStage<StreamDescription> describePages(String startShard, List<Shard> into) {
    return context.api().describeStream(DescribeStreamRequest.builder().streamArn(arn).exclusiveStartShardId(startShard).build())
        .thenCompose(page -> {
          StreamDescription description = page.streamDescription();
          into.addAll(description.shards());
          String next = description.lastEvaluatedShardId();
          if (next == null || next.equals(startShard)) {
            return CompletableFuture.completedFuture(description.toBuilder().shards(into).lastEvaluatedShardId(null).build());
          }
          return describePages(next, into);
        });
  }
}
