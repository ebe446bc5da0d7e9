package io.dynaccel.server.streams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntPredicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.SequenceNumberRange;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.Stream;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.StreamStatus;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;

/**
 * An in-memory DynamoDB Streams of one table's stream: shards with records, splits, trimming,
 * expiring iterators and scripted failures. Iterators are {@code shardId#position}; one page of
 * DescribeStream holds two shards, so callers must paginate.
 */
final class FakeStreams implements StreamsApi {

  static final String TABLE = "Orders";
  /** The most records one GetRecords returns (DynamoDB's limit, also the default). */
  static final int PAGE_LIMIT = 1000;
  static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2026-12-01T00:00:00.000";

  private final Map<String, FakeShard> shards = new LinkedHashMap<>();
  /** The shards of streams replaced: still readable, no longer described. */
  private final Map<String, FakeShard> replaced = new LinkedHashMap<>();
  private final Map<String, String> streamLabels = new LinkedHashMap<>(Map.of(ARN, "2026-12-01T00:00:00.000"));
  private String arn = ARN;
  private StreamStatus status = StreamStatus.ENABLED;
  private RuntimeException describeFailure;
  private int describes;
  private final Deque<RuntimeException> getShardIteratorFailures = new ArrayDeque<>();
  private final Deque<RuntimeException> listStreamsFailures = new ArrayDeque<>();
  private int expiredUpTo;
  private int iteratorSerial;
  private final Deque<RuntimeException> getRecordsFailures = new ArrayDeque<>();
  private final List<String> calls = new ArrayList<>();
  private boolean streamEnabled = true;
  private long sequence = 100;
  private int listStreamsCalls;
  private final Deque<Runnable> whileTakingIterators = new ArrayDeque<>();
  private final Clock clock;
  private final List<Instant> getRecordsTimes = new ArrayList<>();
  private IntPredicate throttledGetRecords = call -> false;
  private Scheduling.Timer answers;
  private Duration getRecordsLatency = Duration.ZERO;

  /** A stream whose calls are timed by a clock that never moves. */
  FakeStreams() {
    this(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  /** A stream whose GetRecords calls are timed by {@code clock}. */
  FakeStreams(Clock clock) {
    this.clock = clock;
  }

  /** One shard: its records, the first still readable (older ones are trimmed) and whether it has ended. */
  static final class FakeShard {
    final String id;
    final String parent;
    final List<Record> records = new ArrayList<>();
    int trimmedBefore;
    boolean closed;

    FakeShard(String id, String parent) {
      this.id = id;
      this.parent = parent;
    }
  }

  FakeShard shard(String id, String parent) {
    FakeShard shard = new FakeShard(id, parent);
    shards.put(id, shard);
    return shard;
  }

  /** Appends a write of {@code pk}/{@code sk} to a shard, created at {@code created}. */
  void write(String shardId, String pk, int sk, Instant created) {
    Map<String, AttributeValue> keys = Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN(Integer.toString(sk)));
    shards.get(shardId).records.add(Record.builder().eventName(OperationType.MODIFY)
        .dynamodb(StreamRecord.builder().keys(keys).sequenceNumber(Long.toString(sequence++)).approximateCreationDateTime(created).build())
        .build());
  }

  void close(String shardId) {
    shards.get(shardId).closed = true;
  }

  void trim(String shardId, int before) {
    shards.get(shardId).trimmedBefore = before;
  }

  /** Runs {@code meanwhile} while the next GetShardIterator is under way, before its position is taken. */
  void whileNextIteratorIsTaken(Runnable meanwhile) {
    whileTakingIterators.add(meanwhile);
  }

  /** Makes every iterator handed out so far expire. */
  void expireIterators() {
    expiredUpTo = iteratorSerial;
  }

  void failNextGetRecords(RuntimeException failure) {
    getRecordsFailures.add(failure);
  }

  /** Throttles the GetRecords calls whose number (from 0) {@code nth} accepts, on top of any scripted failure. */
  void throttleGetRecords(IntPredicate nth) {
    throttledGetRecords = nth;
  }

  /** Answers every GetRecords {@code latency} after it is sent, through {@code timer}. */
  void getRecordsLatency(Scheduling.Timer timer, Duration latency) {
    answers = timer;
    getRecordsLatency = latency;
  }

  /** When each GetRecords was sent, by the fake's clock. */
  List<Instant> getRecordsTimes() {
    return getRecordsTimes;
  }

  /** Fails every DescribeStream with {@code failure} from now on, or none if it is null. */
  void failDescribeStream(RuntimeException failure) {
    describeFailure = failure;
  }

  void failNextGetShardIterator(RuntimeException failure) {
    getShardIteratorFailures.add(failure);
  }

  void failNextListStreams(RuntimeException failure) {
    listStreamsFailures.add(failure);
  }

  /** The status DescribeStream gives. */
  void status(StreamStatus streamStatus) {
    status = streamStatus;
  }

  /**
   * The table's stream is replaced by a newer one, {@code newArn} labelled {@code label}, with no
   * shards yet: ListStreams lists both; the old one's shards can still be read but are not described.
   */
  void replaceStream(String newArn, String label) {
    streamLabels.put(newArn, label);
    arn = newArn;
    status = StreamStatus.ENABLED;
    replaced.putAll(shards);
    shards.clear();
  }

  /** How many times the stream was described (its first page asked for). */
  int describes() {
    return describes;
  }

  void streamEnabled(boolean enabled) {
    streamEnabled = enabled;
  }

  /** The calls made, as {@code GetShardIterator shard TYPE} and {@code GetRecords shard}, in order. */
  List<String> calls() {
    return calls;
  }

  int listStreamsCalls() {
    return listStreamsCalls;
  }

  @Override
  public CompletionStage<ListStreamsResponse> listStreams(ListStreamsRequest request) {
    listStreamsCalls++;
    if (!listStreamsFailures.isEmpty()) {
      return CompletableFuture.failedFuture(listStreamsFailures.poll());
    }
    List<Stream> streams = new ArrayList<>();
    if (streamEnabled && (request.tableName() == null || request.tableName().equals(TABLE))) {
      streamLabels.forEach((streamArn, label) -> streams.add(Stream.builder().streamArn(streamArn).tableName(TABLE).streamLabel(label).build()));
    }
    return CompletableFuture.completedFuture(ListStreamsResponse.builder().streams(streams).build());
  }

  @Override
  public CompletionStage<DescribeStreamResponse> describeStream(DescribeStreamRequest request) {
    if (request.exclusiveStartShardId() == null) {
      describes++;
    }
    if (describeFailure != null) {
      return CompletableFuture.failedFuture(describeFailure);
    }
    List<String> ids = new ArrayList<>(shards.keySet());
    int from = request.exclusiveStartShardId() == null ? 0 : ids.indexOf(request.exclusiveStartShardId()) + 1;
    List<Shard> page = new ArrayList<>();
    for (int i = from; i < Math.min(ids.size(), from + 2); i++) {
      FakeShard shard = shards.get(ids.get(i));
      page.add(Shard.builder().shardId(shard.id).parentShardId(shard.parent)
          .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1")
              .endingSequenceNumber(shard.closed ? "999999" : null).build())
          .build());
    }
    String last = from + 2 < ids.size() ? page.get(page.size() - 1).shardId() : null;
    return CompletableFuture.completedFuture(DescribeStreamResponse.builder().streamDescription(StreamDescription.builder()
        .streamArn(arn).tableName(TABLE).streamStatus(status).shards(page).lastEvaluatedShardId(last).build()).build());
  }

  @Override
  public CompletionStage<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
    FakeShard shard = readable(request.shardId());
    calls.add("GetShardIterator " + shard.id + " " + request.shardIteratorType());
    if (!getShardIteratorFailures.isEmpty()) {
      return CompletableFuture.failedFuture(getShardIteratorFailures.poll());
    }
    if (!whileTakingIterators.isEmpty()) {
      whileTakingIterators.poll().run();
    }
    int position = switch (request.shardIteratorType()) {
      case LATEST -> shard.records.size();
      case TRIM_HORIZON -> shard.trimmedBefore;
      case AFTER_SEQUENCE_NUMBER -> indexOf(shard, request.sequenceNumber()) + 1;
      case AT_SEQUENCE_NUMBER -> indexOf(shard, request.sequenceNumber());
      default -> throw new IllegalArgumentException(request.shardIteratorType().toString());
    };
    if (position < shard.trimmedBefore) {
      return CompletableFuture.failedFuture(TrimmedDataAccessException.builder().message("trimmed").build());
    }
    return CompletableFuture.completedFuture(GetShardIteratorResponse.builder().shardIterator(iterator(shard, position)).build());
  }

  @Override
  public CompletionStage<GetRecordsResponse> getRecords(GetRecordsRequest request) {
    String[] parts = request.shardIterator().split("#");
    FakeShard shard = readable(parts[0]);
    int position = Integer.parseInt(parts[1]);
    calls.add("GetRecords " + shard.id);
    getRecordsTimes.add(clock.instant());
    CompletableFuture<GetRecordsResponse> answer = new CompletableFuture<>();
    Runnable respond = () -> {
      try {
        answer.complete(answer(shard, position, Integer.parseInt(parts[2]), getRecordsTimes.size() - 1));
      } catch (RuntimeException failure) {
        answer.completeExceptionally(failure);
      }
    };
    if (answers == null) {
      respond.run();
    } else {
      answers.schedule(getRecordsLatency, respond);
    }
    return answer;
  }

  /** One page, as DynamoDB gives it: at most {@link #PAGE_LIMIT} records; throws the call's failure. */
  private GetRecordsResponse answer(FakeShard shard, int position, int serial, int callNumber) {
    if (!getRecordsFailures.isEmpty()) {
      throw getRecordsFailures.poll();
    }
    if (throttledGetRecords.test(callNumber)) {
      throw LimitExceededException.builder().message("slow down").build();
    }
    if (serial <= expiredUpTo) {
      throw ExpiredIteratorException.builder().message("expired").build();
    }
    if (position < shard.trimmedBefore) {
      throw TrimmedDataAccessException.builder().message("trimmed").build();
    }
    int next = Math.min(shard.records.size(), position + PAGE_LIMIT);
    List<Record> page = List.copyOf(shard.records.subList(position, next));
    String nextIterator = shard.closed && next == shard.records.size() ? null : iterator(shard, next);
    return GetRecordsResponse.builder().records(page).nextShardIterator(nextIterator).build();
  }

  private FakeShard readable(String shardId) {
    return shards.containsKey(shardId) ? shards.get(shardId) : replaced.get(shardId);
  }

  private String iterator(FakeShard shard, int position) {
    return shard.id + "#" + position + "#" + (++iteratorSerial);
  }

  private static int indexOf(FakeShard shard, String sequenceNumber) {
    for (int i = 0; i < shard.records.size(); i++) {
      if (shard.records.get(i).dynamodb().sequenceNumber().equals(sequenceNumber)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no record " + sequenceNumber);
  }

  @Override
  public void close() {
  }
}
