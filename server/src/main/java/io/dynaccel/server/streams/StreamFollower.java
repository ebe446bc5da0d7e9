package io.dynaccel.server.streams;

import java.time.Duration;
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
 * <p>Shards found later (a split's children) hold only records written after following began, so
 * they are read from TRIM_HORIZON, and only once their parent has ended (its last iterator returned
 * no next one) or is no longer known (trimmed): records of one key stay in order across the split.
 * Reading a record twice is harmless; dropping is always safe.
 *
 * <p>DescribeStream is rate-limited per account and every node describes every followed stream, so
 * the stream is described when a shard ends, and again at every discovery while an ended shard has no
 * known child, and otherwise only every {@link #DESCRIBE_SWEEP}, which finds a stream disabled or a
 * split missed. A failed description is retried one discovery later, then twice as long each time up
 * to the sweep; a run of failures is logged once.
 */
final class StreamFollower {

  /** How often a stream is described when no shard has ended: it finds a stream disabled or a split missed. */
  static final Duration DESCRIBE_SWEEP = Duration.ofSeconds(60);
  private static final long SWEEP_DISCOVERIES = DESCRIBE_SWEEP.dividedBy(StreamInvalidation.DISCOVERY_INTERVAL);

  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);

  private final StreamInvalidation owner;
  private final String table;
  private final String arn;
  private final StreamsContext context;
  private final Map<String, ShardReader> shards = new LinkedHashMap<>();
  private boolean positioned;
  private boolean describing;
  /** Discoveries until the next description. */
  private long discoveriesToDescribe;
  private int describeFailures;
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

  /**
   * Called at every discovery: describes the stream again if it is due, which finds the shards a
   * split created (read once their parent has ended) and whether the stream is disabled.
   */
  void rediscover() {
    if (describing || --discoveriesToDescribe > 0) {
      return;
    }
    if (!positioned) {
      if (shards.isEmpty()) {
        // The first description failed: begin again.
        start();
      }
      return;
    }
    describeShards();
  }

  private void describeShards() {
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
    if (!hasChild(reader)) {
      describeShards();
    }
  }

  private boolean hasChild(ShardReader parent) {
    return shards.values().stream().anyMatch(reader -> parent.id().equals(reader.parent()));
  }

  /** Whether a shard has ended whose children are not known yet: the stream is described at every discovery until they are. */
  private boolean childrenAwaited() {
    return shards.values().stream().anyMatch(reader -> reader.done() && !hasChild(reader));
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

  /** Describes the whole stream, every page of shards, then runs {@code then} on the loop and sets when to describe next. */
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
        describeFailed(failure);
        return;
      }
      if (describeFailures > 0) {
        LOG.info("The stream of table {} answers again after {} failed descriptions", table, describeFailures);
        describeFailures = 0;
      }
      then.accept(description);
      discoveriesToDescribe = childrenAwaited() ? 1 : SWEEP_DISCOVERIES;
    }, context.scheduling().loop());
  }

  private void describeFailed(Throwable failure) {
    context.meters().error(StreamErrors.kindOf(failure));
    describeFailures++;
    discoveriesToDescribe = Math.min(SWEEP_DISCOVERIES, 1L << Math.min(describeFailures - 1, 20));
    // Once per run of failures: a description denied for good would otherwise log at every retry.
    if (describeFailures == 1) {
      LOG.warn("Describing the stream of table {} failed ({}); trying again in {}s, then less and less often up to every {}s", table,
          StreamErrors.describe(failure), StreamInvalidation.DISCOVERY_INTERVAL.toSeconds(), DESCRIBE_SWEEP.toSeconds());
    }
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
