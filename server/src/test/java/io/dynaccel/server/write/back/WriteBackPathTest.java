package io.dynaccel.server.write.back;

import static io.dynaccel.server.write.back.internal.ScriptedUpstream.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.config.FsyncPolicy;
import io.dynaccel.config.WriteBackConfig;
import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.query.CachedResult;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryFillTicket;
import io.dynaccel.server.query.QueryScope;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableMetadata;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.wal.FailingDisk;
import io.dynaccel.server.wal.WalOptions;
import io.dynaccel.server.wal.WalRecord;
import io.dynaccel.server.wal.WriteAheadLog;
import io.dynaccel.server.write.BatchWrite;
import io.dynaccel.server.write.TableWrites;
import io.dynaccel.server.write.WriteContext;
import io.dynaccel.server.write.back.internal.LogRecord;
import io.dynaccel.server.write.back.internal.ScriptedUpstream;
import io.dynaccel.server.write.back.internal.ScriptedUpstream.Answer;
import io.dynaccel.server.write.through.WriteThroughPath;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The real write-back path on a real Vert.x, with a real write-ahead log in a temporary directory
 * (on a disk that fills up or stalls when the test says so) and a scripted DynamoDB over HTTP.
 */
class WriteBackPathTest {

  private static final String TABLE = "T";
  private static final TableMetadata METADATA = new TableMetadata(new KeySchema("pk", "S", null, null), Map.of("pk", "S"), null, null, null);
  private static final String INTERNAL_SERVER_ERROR = "com.amazonaws.dynamodb.v20120810#InternalServerError";
  private static final String THROTTLING = "com.amazon.coral.availability#ThrottlingException";
  private static final long UNLIMITED = 64L << 20;

  @TempDir Path logDir;

  private final FailingDisk disk = new FailingDisk();
  private Vertx vertx;
  private ScriptedUpstream upstream;
  private RefreshingCredentials credentials;
  private UpstreamClient client;
  private ItemCache cache;
  private QueryCache queries;
  private WriteContext context;
  private SimpleMeterRegistry registry;
  private WriteBackPath path;
  private String deployment;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = ScriptedUpstream.start(vertx);
    // DynamoDB holds nothing until the test says otherwise; every write succeeds.
    upstream.respondTo((operation, body) -> operation.equals("BatchWriteItem") ? Answer.ok() : Answer.ok("{}"));
    credentials = new RefreshingCredentials(vertx, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), Clock.systemUTC());
    await(credentials.start());
    client = new UpstreamClient(vertx, URI.create("http://127.0.0.1:" + upstream.port()), "us-east-1", Duration.ofSeconds(1), Duration.ofSeconds(5), 8, 0, credentials);
    cache = new ItemCache(1 << 24, (table, exists) -> Duration.ofMinutes(10), Duration.ofSeconds(6), Ticker.systemTicker());
    queries = new QueryCache(1 << 24, table -> Duration.ofMinutes(10).toNanos(), Duration.ofSeconds(6), Duration.ofSeconds(1), Ticker.systemTicker());
    TableWrites tableWrites = new TableWrites(cache, queries, client);
    context = new WriteContext(cache, queries, new TableSchemas(client, tableWrites::drop, Ticker.systemTicker()), client, tableWrites);
  }

  @AfterEach
  void stop() {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
    }
    client.close();
    credentials.close();
    upstream.close();
    await(vertx.close());
  }

  // ---- acknowledgement and order ----

  @Test
  void writeItem_whenTheLogHasNotWrittenTheRecord_isNeitherAcknowledgedNorVisible() throws Exception {
    deploy(UNLIMITED, Duration.ofSeconds(10));
    FailingDisk.StalledWrite stall = disk.stallNextWrite();

    Future<ApiResponse> put = put("a", "1");
    stall.awaitReached();

    assertThat(put.isComplete()).as("acknowledged before the log has it").isFalse();
    assertThat(path.get(key("a"))).as("a reader saw a state a crash could still undo").isNull();

    stall.release();

    assertThat(body(await(put))).isEqualTo("{}");
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
    assertThat(upstream.operations()).as("DynamoDB before any flush").doesNotContain("BatchWriteItem");
  }

  @Test
  void updateItem_whenManyUpdatesOfOneItemAreInFlight_appliesEachToTheStateBeforeItInArrivalOrder() {
    deploy(UNLIMITED, Duration.ofSeconds(10));
    List<Future<ApiResponse>> updates = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      updates.add(write("UpdateItem", "{\"TableName\":\"T\",\"Key\":{\"pk\":{\"S\":\"list\"}},"
          + "\"UpdateExpression\":\"SET l = list_append(if_not_exists(l, :empty), :v) ADD n :one\","
          + "\"ExpressionAttributeValues\":{\":empty\":{\"L\":[]},\":v\":{\"L\":[{\"N\":\"" + i + "\"}]},\":one\":{\"N\":\"1\"}},"
          + "\"ReturnValues\":\"UPDATED_NEW\"}", "list"));
    }

    for (int i = 0; i < updates.size(); i++) {
      JsonNode answer = JsonCodec.read(await(updates.get(i)).body().getBytes());
      assertThat(answer.path("Attributes").path("n").path("N").asText()).isEqualTo(Integer.toString(i + 1));
      assertThat(answer.path("Attributes").path("l").path("L")).hasSize(i + 1);
    }
    flush();

    List<JsonNode> flushes = batchWrites();
    assertThat(flushes).as("200 updates, one flush of the last state").hasSize(1);
    JsonNode written = flushes.get(0).path("RequestItems").path("T").get(0).path("PutRequest").path("Item");
    assertThat(written.path("n").path("N").asText()).isEqualTo("200");
    List<String> order = new ArrayList<>();
    written.path("l").path("L").forEach(n -> order.add(n.path("N").asText()));
    assertThat(order).containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(Integer::toString).toList());
    assertThat(registry.counter("dynaccel.writeback.acknowledged").count()).isEqualTo(200);
  }

  @Test
  void writeItem_whenTheEngineDoesNotEvaluateIt_waitsForTheItemsFlushThenGoesToDynamoDb() {
    deploy(UNLIMITED, Duration.ofSeconds(10));
    await(put("a", "1"));
    int before = upstream.operations().size();
    upstream.hold("BatchWriteItem");

    Future<ApiResponse> legacy = write("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"2\"}},"
        + "\"Expected\":{\"v\":{\"Value\":{\"N\":\"1\"}}}}", "a");

    await().until(() -> upstream.operations().contains("BatchWriteItem"));
    assertThat(legacy.isComplete()).isFalse();
    assertThat(operationsSince(before)).as("DynamoDB must hold the acknowledged state before the legacy write").containsExactly("BatchWriteItem");
    upstream.release();

    assertThat(await(legacy).statusCode()).isEqualTo(200);
    assertThat(operationsSince(before)).containsExactly("BatchWriteItem", "PutItem");
    assertThat(last(upstream.calls()).has("Expected")).isTrue();
    assertThat(path.get(key("a"))).isNull();
    assertThat(cachedItem("a")).isEqualTo(item("a", "2"));
  }

  // ---- the log fails ----

  @Test
  void writeItem_whenTheLogCannotWrite_answersInternalServerErrorLeavesNothingDirtyAndLaterWritesSucceed() {
    deploy(UNLIMITED, Duration.ZERO);
    disk.fill();

    ApiResponse refused = await(put("a", "1"));

    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(type(refused)).isEqualTo(INTERNAL_SERVER_ERROR);
    assertThat(path.get(key("a"))).isNull();
    assertThat(path.isEmpty()).isTrue();
    assertThat(gauge("dynaccel.writeback.dirty.bytes")).isZero();
    assertThat(gauge("dynaccel.writeback.dirty.items")).isZero();

    disk.free();

    assertThat(await(put("b", "2")).statusCode()).isEqualTo(200);
    assertThat(dirtyItem("b")).isEqualTo(item("b", "2"));
    restart(UNLIMITED, Duration.ZERO);
    assertThat(path.get(key("a"))).as("the refused write came back from the log").isNull();
    assertThat(dirtyItem("b")).isEqualTo(item("b", "2"));
  }

  @Test
  void putItem_whenItsConditionFailsAgainstAChangeTheLogThenLoses_answersInternalServerError() throws Exception {
    deploy(UNLIMITED, Duration.ZERO);
    FailingDisk.StalledWrite stall = disk.stallNextWrite();
    Future<ApiResponse> first = put("a", "1");
    stall.awaitReached();
    Future<ApiResponse> conditional = write("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"5\"}},"
        + "\"ConditionExpression\":\"attribute_not_exists(v)\",\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}", "a");
    // The conditional write is evaluated against the first one, which is not on disk yet.
    awaitTakenIn();

    disk.fill();
    stall.release();

    assertThat(await(first).statusCode()).isEqualTo(500);
    ApiResponse answer = await(conditional);
    assertThat(answer.statusCode()).as("answered from a state that never became durable: " + body(answer)).isEqualTo(500);
    assertThat(type(answer)).isEqualTo(INTERNAL_SERVER_ERROR);
  }

  @Test
  void putItem_whenItsConditionFailsAgainstAChangeThatBecomesDurable_answersTheFailureOnceItIs() throws Exception {
    deploy(UNLIMITED, Duration.ZERO);
    FailingDisk.StalledWrite stall = disk.stallNextWrite();
    Future<ApiResponse> first = put("a", "1");
    stall.awaitReached();
    Future<ApiResponse> conditional = write("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"5\"}},"
        + "\"ConditionExpression\":\"attribute_not_exists(v)\",\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}", "a");

    stall.release();

    assertThat(await(first).statusCode()).isEqualTo(200);
    ApiResponse answer = await(conditional);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(type(answer)).isEqualTo("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
    assertThat(JsonCodec.read(answer.body().getBytes()).path("Item")).isEqualTo(JsonCodec.read(item("a", "1").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void writeItem_whenTheLogFailsTwoChangesOfAnItemWhoseFlushEndedMeanwhile_dirtyBytesReturnToZero() throws Exception {
    deploy(UNLIMITED, Duration.ZERO);
    await(put("a", "1"));
    upstream.hold("BatchWriteItem");
    Future<Void> flushed = path.flushed(null);
    await().until(() -> upstream.operations().contains("BatchWriteItem"));
    FailingDisk.StalledWrite stall = disk.stallNextWrite();
    Future<ApiResponse> second = put("a", "2");
    stall.awaitReached();
    Future<ApiResponse> third = put("a", "3");
    awaitTakenIn();
    upstream.release();
    await(flushed);

    disk.fill();
    stall.release();

    assertThat(await(second).statusCode()).isEqualTo(500);
    assertThat(await(third).statusCode()).isEqualTo(500);
    await().until(path::isEmpty);
    assertThat(gauge("dynaccel.writeback.dirty.bytes")).isZero();
    assertThat(cachedItem("a")).as("DynamoDB holds the first state").isEqualTo(item("a", "1"));
  }

  @Test
  void writeItem_whenALegacyWriteWaitsForAnItemWhoseLogWriteFails_isAnsweredWithoutWaitingForAFlushRound() throws Exception {
    deploy(UNLIMITED, Duration.ZERO);
    FailingDisk.StalledWrite stall = disk.stallNextWrite();
    Future<ApiResponse> first = put("a", "1");
    stall.awaitReached();
    int before = upstream.operations().size();
    Future<ApiResponse> legacy = write("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"2\"}},"
        + "\"Expected\":{\"v\":{\"Exists\":false}}}", "a");
    awaitTakenIn();

    disk.fill();
    stall.release();

    assertThat(await(first).statusCode()).isEqualTo(500);
    // The flush interval is an hour: only the failure itself can let the legacy write go on. The disk
    // is still full, so it cannot log the item's release and is refused before it reaches DynamoDB.
    ApiResponse refused = await(legacy);
    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(type(refused)).isEqualTo(INTERNAL_SERVER_ERROR);
    assertThat(operationsSince(before)).isEmpty();

    disk.free();

    assertThat(await(write("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"2\"}},"
        + "\"Expected\":{\"v\":{\"Exists\":false}}}", "a")).statusCode()).isEqualTo(200);
    assertThat(operationsSince(before)).as("the write, which needs no current item of its own").containsExactly("PutItem");
  }

  @Test
  void updateItem_whenWaitingForRoomWhileTheWriteBeforeItFails_isNotBuiltOnTheFailedWrite() throws Exception {
    deploy(600, Duration.ZERO);
    await(put("x", "0"));
    upstream.hold("BatchWriteItem");
    Future<Void> flushing = path.flushed(null);
    await().until(() -> upstream.operations().contains("BatchWriteItem"));
    FailingDisk.StalledWrite stall = disk.stallNextWrite();
    Future<ApiResponse> failing = put("a", "10", "p".repeat(400));
    stall.awaitReached();
    // Over half the budget: this one waits for the flush in flight.
    Future<ApiResponse> increment = write("UpdateItem", "{\"TableName\":\"T\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
        + "\"UpdateExpression\":\"ADD v :one\",\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}},\"ReturnValues\":\"UPDATED_NEW\"}", "a");
    awaitTakenIn();

    disk.fill();
    stall.release();
    assertThat(await(failing).statusCode()).isEqualTo(500);
    disk.free();
    upstream.release();
    await(flushing);

    ApiResponse answer = await(increment);
    assertThat(body(answer)).as("the increment counted a put that was refused").isEqualTo("{\"Attributes\":{\"v\":{\"N\":\"1\"}}}");
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
  }

  // ---- the dirty budget ----

  @Test
  void writeItem_whenTheDirtyBudgetIsExhausted_isThrottled() throws Exception {
    deploy(200, Duration.ZERO);
    FailingDisk.StalledWrite stall = disk.stallNextWrite();
    Future<ApiResponse> big = put("a", "1", "p".repeat(300));
    stall.awaitReached();

    ApiResponse throttled = await(put("b", "2"));
    stall.release();

    assertThat(throttled.statusCode()).isEqualTo(400);
    assertThat(type(throttled)).isEqualTo(THROTTLING);
    assertThat(await(big).statusCode()).isEqualTo(200);
    assertThat(path.get(key("b"))).isNull();
  }

  @Test
  void writeItem_whenTheDirtyBudgetIsExhaustedAndDynamoDbIsDown_isThrottledRatherThanKeptWaiting() {
    upstream.respondTo((operation, body) -> operation.equals("BatchWriteItem")
        ? Answer.error(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "down") : Answer.ok("{}"));
    deploy(200, Duration.ZERO);
    assertThat(await(put("a", "1", "p".repeat(300))).statusCode()).isEqualTo(200);
    await().until(() -> upstream.operations().contains("BatchWriteItem"));

    ApiResponse throttled = await(put("b", "2"));

    assertThat(throttled.statusCode()).isEqualTo(400);
    assertThat(type(throttled)).isEqualTo(THROTTLING);
  }

  @Test
  void writeItem_whenOverHalfTheBudgetAndTheFlushFreesIt_waitsForTheFlushAndIsAccepted() {
    deploy(400, Duration.ZERO);
    upstream.hold("BatchWriteItem");
    assertThat(await(put("a", "1", "p".repeat(250))).statusCode()).isEqualTo(200);

    Future<ApiResponse> waiting = put("b", "2");
    await().until(() -> upstream.operations().contains("BatchWriteItem"));
    assertThat(waiting.isComplete()).isFalse();
    upstream.release();

    assertThat(await(waiting).statusCode()).isEqualTo(200);
    assertThat(dirtyItem("b")).isEqualTo(item("b", "2"));
  }

  // ---- batches ----

  @Test
  void writeBatch_whenPutsAndDeletes_acknowledgesAllAndFlushesTheirLastStates() {
    deploy(UNLIMITED, Duration.ZERO);
    ObjectNode json = (ObjectNode) JsonCodec.read(("{\"RequestItems\":{\"T\":["
        + "{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}},"
        + "{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"b\"}}}}]}}").getBytes(StandardCharsets.UTF_8));
    List<BatchWrite> writes = new ArrayList<>();
    json.path("RequestItems").path("T").forEach(request -> {
      JsonNode keySource = request.has("PutRequest") ? request.path("PutRequest").path("Item") : request.path("DeleteRequest").path("Key");
      writes.add(new BatchWrite(TABLE, request, METADATA.key().keyOfItem(TABLE, keySource), METADATA, null));
    });

    ApiResponse answer = await(path.writeBatch(new ApiRequest("BatchWriteItem", Buffer.buffer(JsonCodec.write(json)), json), writes));

    assertThat(body(answer)).isEqualTo("{\"UnprocessedItems\":{}}");
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
    assertThat(path.get(key("b")).exists()).isFalse();
    flush();
    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).path("RequestItems").path("T").toString())
        .contains("{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}}")
        .contains("{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"b\"}}}}");
  }

  // ---- flush outcomes and the caches ----

  @Test
  void flush_whenWritten_installsTheStateInTheItemCacheThenDropsTheDirtyEntry() {
    deploy(UNLIMITED, Duration.ZERO);
    await(put("a", "1"));

    flush();

    assertThat(path.get(key("a"))).isNull();
    assertThat(cachedItem("a")).isEqualTo(item("a", "1"));
    assertThat(path.isEmpty()).isTrue();
    assertThat(gauge("dynaccel.writeback.dirty.bytes")).isZero();
    // A put without a condition or return values needs no current item.
    assertThat(upstream.operations()).containsExactly("BatchWriteItem");
  }

  @Test
  void putItem_whenConditionalOnAnItemNeitherDirtyNorCached_readsItConsistentlyFirst() {
    deploy(UNLIMITED, Duration.ZERO);

    ApiResponse answer = await(write("PutItem", "{\"TableName\":\"T\",\"Item\":" + item("a", "1") + ","
        + "\"ConditionExpression\":\"attribute_not_exists(pk)\"}", "a"));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(upstream.operations()).containsExactly("GetItem");
    assertThat(upstream.calls().get(0).path("ConsistentRead").asBoolean()).as("the current item of a miss").isTrue();
  }

  @Test
  void flush_whenDeadLettered_dropsTheStateFromEveryCacheAndTheNextWriteStartsFromDynamoDb() throws Exception {
    deploy(UNLIMITED, Duration.ZERO);
    await(put("a", "1"));
    flush();
    QueryCache.Key query = queries.keyOf(new QueryScope(TABLE, key("a").partition()), "Query{a}");
    await(put("a", "2"));
    QueryFillTicket fill = queries.beginFill(queries.keyOf(new QueryScope(TABLE, key("a").partition()), "Query{a}"));
    upstream.respondTo((operation, body) -> switch (operation) {
      case "BatchWriteItem" -> Answer.error(400, "com.amazon.coral.validate#ValidationException", "One or more parameter values were invalid");
      case "GetItem" -> Answer.ok("{\"Item\":" + item("a", "1") + "}");
      default -> Answer.ok("{}");
    });

    flush();

    assertThat(path.get(key("a"))).isNull();
    assertThat(cache.get(key("a"))).as("the item cache holds a state DynamoDB may not").isNull();
    assertThat(queries.completeFill(fill, new CachedResult("{\"Items\":[]}".getBytes(StandardCharsets.UTF_8))))
        .as("a Query answered while the rejected state was on its way was cached").isFalse();
    assertThat(queries.get(query)).isNull();
    assertThat(Files.readString(logDir.resolve("dead-letters.jsonl"))).contains("\"a\"");
    ApiResponse increment = await(write("UpdateItem", "{\"TableName\":\"T\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
        + "\"UpdateExpression\":\"ADD v :ten\",\"ExpressionAttributeValues\":{\":ten\":{\"N\":\"10\"}},\"ReturnValues\":\"UPDATED_NEW\"}", "a"));
    assertThat(body(increment)).isEqualTo("{\"Attributes\":{\"v\":{\"N\":\"11\"}}}");
  }

  @Test
  void stop_whenAFlushIsAbandoned_keepsTheStateInTheLogAndNoneInTheItemCache() {
    deploy(UNLIMITED, Duration.ZERO);
    await(put("a", "1"));
    flush();
    await(put("a", "2"));
    upstream.respondTo((operation, body) -> operation.equals("BatchWriteItem")
        ? Answer.error(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "down") : Answer.ok("{}"));
    path.flushed(null);
    await().until(() -> upstream.operations().stream().filter("BatchWriteItem"::equals).count() >= 2);

    await(vertx.undeploy(deployment));
    deployment = null;

    assertThat(cache.get(key("a"))).as("the abandoned state's item may or may not be in DynamoDB").isNull();
    upstream.respondTo((operation, body) -> operation.equals("BatchWriteItem") ? Answer.ok() : Answer.ok("{}"));
    deploy(UNLIMITED, Duration.ZERO);
    assertThat(dirtyItem("a")).isEqualTo(item("a", "2"));
    flush();
    assertThat(last(batchWrites()).path("RequestItems").path("T").get(0).path("PutRequest").path("Item"))
        .isEqualTo(JsonCodec.read(item("a", "2").getBytes(StandardCharsets.UTF_8)));
  }

  // ---- start and stop ----

  @Test
  void start_whenTheLogHoldsUnflushedWrites_servesThemAtOnceAndFlushesThem() {
    deploy(UNLIMITED, Duration.ZERO);
    await(put("a", "7"));
    await(write("DeleteItem", "{\"TableName\":\"T\",\"Key\":{\"pk\":{\"S\":\"gone\"}}}", "gone"));
    await(vertx.undeploy(deployment));
    deployment = null;
    assertThat(batchWrites()).as("shutdownTimeout 0 flushes nothing").isEmpty();

    deploy(UNLIMITED, Duration.ZERO);

    assertThat(dirtyItem("a")).isEqualTo(item("a", "7"));
    assertThat(path.get(key("gone")).exists()).isFalse();
    assertThat(gauge("dynaccel.writeback.dirty.items")).isEqualTo(2);
    flush();
    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).path("RequestItems").path("T").toString())
        .contains("{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"7\"}}}}")
        .contains("{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"gone\"}}}}");
  }

  @Test
  void start_whenAnItemWentToDynamoDbItselfAfterItsLoggedStatesWereFlushed_doesNotReplayTheOlderState() {
    deploy(UNLIMITED, Duration.ofSeconds(10));
    await(put("a", "1"));
    flush();
    // A legacy write: DynamoDB applies it, the log never sees it.
    ApiResponse legacy = await(write("PutItem", "{\"TableName\":\"T\",\"Item\":" + item("a", "2") + ","
        + "\"Expected\":{\"v\":{\"Value\":{\"N\":\"1\"}}}}", "a"));
    assertThat(legacy.statusCode()).isEqualTo(200);
    int before = upstream.operations().size();

    restart(UNLIMITED, Duration.ofSeconds(10));

    assertThat(path.get(key("a"))).as("replayed a state older than an acknowledged write").isNull();
    flush();
    assertThat(operationsSince(before)).as("wrote the older state over the acknowledged one").doesNotContain("BatchWriteItem");
  }

  @Test
  void start_whenEveryLoggedStateWasFlushed_writesNothingAgain() {
    deploy(UNLIMITED, Duration.ofSeconds(10));
    await(put("a", "1"));
    await(put("b", "2"));
    flush();
    int before = upstream.operations().size();

    restart(UNLIMITED, Duration.ofSeconds(10));

    assertThat(path.get(key("a"))).as("replayed a state DynamoDB already holds").isNull();
    flush();
    // Another client may have written the items since: the restart must not write the old states over it.
    assertThat(operationsSince(before)).doesNotContain("BatchWriteItem");
  }

  @Test
  void stop_whenShutdownTimeoutIsZero_leavesEveryAcknowledgedWriteInTheLog() throws Exception {
    deploy(UNLIMITED, Duration.ZERO);
    for (int i = 0; i < 20; i++) {
      await(put("k" + i, Integer.toString(i)));
    }

    await(vertx.undeploy(deployment));
    deployment = null;

    assertThat(batchWrites()).isEmpty();
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    try (WriteAheadLog log = WriteAheadLog.open(new WalOptions(logDir, FsyncPolicy.ALWAYS, Duration.ofSeconds(1), Duration.ZERO, 4096),
        new SimpleMeterRegistry(), (WalRecord record) -> logged.add(LogRecord.decode(record.payload())))) {
      assertThat(logged).extracting(record -> record.item().path("v").path("N").asText())
          .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(Integer::toString).toList());
    }
  }

  @Test
  void stop_whenShutdownTimeoutAllows_flushesEveryDirtyItemFirst() {
    deploy(UNLIMITED, Duration.ofSeconds(10));
    await(put("a", "1"));
    await(put("b", "2"));

    await(vertx.undeploy(deployment));
    deployment = null;

    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).path("RequestItems").path("T")).hasSize(2);
  }

  // ---- helpers ----

  private void deploy(long maxDirtyBytes, Duration shutdownTimeout) {
    registry = new SimpleMeterRegistry();
    // Flushes only when a test asks for one (or the budget presses), so the test sees DynamoDB before and after.
    WriteBackConfig config = new WriteBackConfig(logDir, FsyncPolicy.ALWAYS, Duration.ofSeconds(1), Duration.ZERO, 4096,
        Duration.ofHours(1), maxDirtyBytes, maxDirtyBytes, shutdownTimeout);
    path = new WriteBackPath(context, new WriteThroughPath(context, table -> WriteStrategy.WRITE_BACK), table -> true, config, registry,
        System::nanoTime, disk::open, Replication.ALONE);
    deployment = await(vertx.deployVerticle(path));
  }

  private void restart(long maxDirtyBytes, Duration shutdownTimeout) {
    await(vertx.undeploy(deployment));
    deployment = null;
    deploy(maxDirtyBytes, shutdownTimeout);
  }

  private void flush() {
    await(path.flushed(null));
  }

  private Future<ApiResponse> put(String pk, String value) {
    return write("PutItem", "{\"TableName\":\"T\",\"Item\":" + item(pk, value) + "}", pk);
  }

  private Future<ApiResponse> put(String pk, String value, String padding) {
    return write("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"" + pk + "\"},\"v\":{\"N\":\"" + value + "\"},\"pad\":{\"S\":\"" + padding + "\"}}}", pk);
  }

  private Future<ApiResponse> write(String operation, String json, String pk) {
    ObjectNode parsed = (ObjectNode) JsonCodec.read(json.getBytes(StandardCharsets.UTF_8));
    return path.writeItem(new ApiRequest(operation, Buffer.buffer(json), parsed), key(pk), METADATA);
  }

  /**
   * Returns once the path has taken in the writes called so far, up to where they wait: it takes
   * everything in order on its context, and a flushed() of a table nobody writes is one more step there.
   */
  private void awaitTakenIn() {
    await(path.flushed("no such table"));
    await(path.flushed("no such table"));
  }

  private List<String> operationsSince(int count) {
    return List.copyOf(upstream.operations().subList(count, upstream.operations().size()));
  }

  private static ItemKey key(String pk) {
    return METADATA.key().keyOf(TABLE, JsonCodec.read(("{\"pk\":{\"S\":\"" + pk + "\"}}").getBytes(StandardCharsets.UTF_8)));
  }

  private static String item(String pk, String value) {
    return "{\"pk\":{\"S\":\"" + pk + "\"},\"v\":{\"N\":\"" + value + "\"}}";
  }

  private String dirtyItem(String pk) {
    return itemOf(path.get(key(pk)));
  }

  private String cachedItem(String pk) {
    return itemOf(cache.get(key(pk)));
  }

  private static String itemOf(CachedItem cached) {
    if (cached == null) {
      return null;
    }
    return cached.exists() ? new String(cached.getItemResponse(), cached.itemOffset(), cached.itemLength(), StandardCharsets.UTF_8) : "absent";
  }

  private List<JsonNode> batchWrites() {
    List<JsonNode> writes = new ArrayList<>();
    for (int i = 0; i < upstream.operations().size(); i++) {
      if (upstream.operations().get(i).equals("BatchWriteItem")) {
        writes.add(upstream.calls().get(i));
      }
    }
    return writes;
  }

  private static JsonNode last(List<JsonNode> nodes) {
    return nodes.get(nodes.size() - 1);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private static String body(ApiResponse response) {
    return response.body().toString(StandardCharsets.UTF_8);
  }

  private static String type(ApiResponse response) {
    return JsonCodec.read(response.body().getBytes()).path("__type").asText();
  }
}
