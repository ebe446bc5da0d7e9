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
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableMetadata;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.wal.FailingDisk;
import io.dynaccel.server.write.TableWrites;
import io.dynaccel.server.write.WriteContext;
import io.dynaccel.server.write.back.FakeReplication.Put;
import io.dynaccel.server.write.back.internal.LogRecord;
import io.dynaccel.server.write.back.internal.ScriptedUpstream;
import io.dynaccel.server.write.back.internal.ScriptedUpstream.Answer;
import io.dynaccel.server.write.through.WriteThroughPath;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The real write-back path as a member of a cluster: a real Vert.x, a real write-ahead log in a
 * temporary directory and a scripted DynamoDB over HTTP, as in {@link WriteBackPathTest}, with the
 * cluster faked ({@link FakeReplication}) and flush holds measured on a clock the test moves.
 */
class WriteBackPathClusterTest {

  private static final String TABLE = "T";
  private static final TableMetadata METADATA = new TableMetadata(new KeySchema("pk", "S", null, null), Map.of("pk", "S"), null, null, null);
  private static final String INTERNAL_SERVER_ERROR = "com.amazonaws.dynamodb.v20120810#InternalServerError";
  private static final long UNLIMITED = 64L << 20;

  @TempDir Path logDir;

  private final FailingDisk disk = new FailingDisk();
  private final FakeReplication replication = new FakeReplication();
  private final AtomicLong nanoTime = new AtomicLong(1_000_000_000L);
  private Vertx vertx;
  private ScriptedUpstream upstream;
  private RefreshingCredentials credentials;
  private UpstreamClient client;
  private ItemCache cache;
  private WriteContext context;
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
    QueryCache queries = new QueryCache(1 << 24, table -> Duration.ofMinutes(10).toNanos(), Duration.ofSeconds(6), Duration.ofSeconds(1), Ticker.systemTicker());
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

  // ---- acknowledgement ----

  @Test
  void writeItem_whenTheCopyIsNotYetHeld_isNotAcknowledgedAndNotReadable() {
    deploy();
    replication.holdPuts(key("a"));

    Future<ApiResponse> put = put("a", "1");
    await().until(() -> replication.putsOf(key("a")).size() == 1);
    // The log keeps order: once a later record is acknowledged, the log holds this one too.
    assertThat(await(put("b", "2")).statusCode()).isEqualTo(200);

    assertThat(put.isComplete()).as("acknowledged before another member holds a copy").isFalse();
    assertThat(path.get(key("a"))).as("a reader saw a state a lost member could still undo").isNull();

    replication.keep(replication.putsOf(key("a")).get(0));

    assertThat(body(await(put))).isEqualTo("{}");
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
  }

  @Test
  void writeItem_whenThePreviousChangeOfTheItemIsNotYetHeld_isNotAcknowledgedBeforeIt() {
    deploy();
    replication.holdPuts(key("a"));
    Future<ApiResponse> first = put("a", "1");
    Future<ApiResponse> second = put("a", "2");
    await().until(() -> replication.putsOf(key("a")).size() == 2);

    replication.keep(replication.putsOf(key("a")).get(1));
    assertThat(await(put("b", "2")).statusCode()).isEqualTo(200);

    assertThat(second.isComplete()).as("acknowledged a change evaluated against one that may still be lost").isFalse();
    assertThat(path.get(key("a"))).isNull();

    replication.keep(replication.putsOf(key("a")).get(0));

    assertThat(await(first).statusCode()).isEqualTo(200);
    assertThat(await(second).statusCode()).isEqualTo(200);
    assertThat(dirtyItem("a")).isEqualTo(item("a", "2"));
  }

  @Test
  void writeItem_whenTheCopyFails_answers500AndLeavesThePreviousState() {
    deploy();
    assertThat(await(put("a", "1")).statusCode()).isEqualTo(200);
    replication.holdPuts(key("a"));
    Future<ApiResponse> lost = put("a", "2");
    // Evaluated against the change whose copy is lost: it goes with it.
    Future<ApiResponse> built = increment("a", "10");
    await().until(() -> replication.putsOf(key("a")).size() == 3);

    replication.lose(replication.putsOf(key("a")).get(1));

    ApiResponse refused = await(lost);
    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(type(refused)).isEqualTo(INTERNAL_SERVER_ERROR);
    assertThat(body(refused)).contains("could not be made durable");
    assertThat(await(built).statusCode()).as("built on the lost change").isEqualTo(500);
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
    // Both refused records reached the log: each is cancelled by a later record of the state before them, copied too.
    await().until(() -> replication.putsOf(key("a")).size() == 5);
    for (Put cancel : replication.putsOf(key("a")).subList(3, 5)) {
      assertThat(cancel.change().item()).isEqualTo(json(item("a", "1")));
      replication.keep(cancel);
    }
    Future<ApiResponse> next = increment("a", "10");
    await().until(() -> replication.putsOf(key("a")).size() == 6);
    replication.keep(replication.putsOf(key("a")).get(5));
    assertThat(body(await(next))).as("counted a refused change").isEqualTo("{\"Attributes\":{\"v\":{\"N\":\"11\"}}}");
  }

  @Test
  void writeItem_versionsTheCopyByTheReplicationEpochAndTheLogSeq() {
    deploy();
    replication.epoch(key("a"), 41);

    await(put("a", "1"));
    await(put("b", "1"));
    replication.epoch(key("a"), 42);
    await(put("a", "2"));

    List<Put> puts = replication.puts();
    assertThat(puts).extracting(Put::key).containsExactly(key("a"), key("b"), key("a"));
    assertThat(puts).extracting(Put::epoch).containsExactly(41L, FakeReplication.DEFAULT_EPOCH, 42L);
    assertThat(puts.get(1).seq()).isGreaterThan(puts.get(0).seq());
    assertThat(puts.get(2).seq()).isGreaterThan(puts.get(1).seq());
    assertThat(puts).extracting(put -> put.change().epoch()).as("the record's own epoch").containsExactly(41L, FakeReplication.DEFAULT_EPOCH, 42L);
    assertThat(puts.get(2).change().item()).isEqualTo(json(item("a", "2")));
  }

  // ---- flushing ----

  @Test
  void flush_whenThisNodeMayNotFlushTheItem_leavesItDirty() {
    deploy();
    await(put("a", "1"));
    await(put("b", "2"));
    replication.refuseFlushes(key("a"));

    Future<Void> flushed = path.flushed(null);

    await().until(() -> replication.flushed().size() == 1);
    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).path("RequestItems").path(TABLE)).hasSize(1);
    assertThat(batchWrites().get(0).toString()).contains("\"b\"").doesNotContain("\"a\"");
    assertThat(flushed.isComplete()).isFalse();
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
    assertThat(replication.entered(key("a"))).isZero();

    replication.allowFlushes(key("a"));
    await(path.flushed(null));

    await(flushed);
    assertThat(path.get(key("a"))).isNull();
    assertThat(last(batchWrites()).toString()).contains("\"a\"");
  }

  @Test
  void flush_whenWritten_reportsTheFlushedVersionAndExitsOncePerEnter() {
    deploy();
    await(put("a", "1"));
    await(put("a", "2"));

    flush();

    long newest = replication.putsOf(key("a")).get(1).seq();
    assertThat(replication.flushed()).containsExactly(new FakeReplication.Flushed(key("a"), FakeReplication.DEFAULT_EPOCH, newest));
    assertThat(replication.entered(key("a"))).isEqualTo(1);
    assertThat(replication.exited(key("a"))).isEqualTo(1);

    replication.epoch(key("a"), 8);
    await(put("a", "3"));
    flush();

    assertThat(last(replication.flushed())).isEqualTo(new FakeReplication.Flushed(key("a"), 8, replication.putsOf(key("a")).get(2).seq()));
    assertThat(replication.entered(key("a"))).isEqualTo(2);
    assertThat(replication.exited(key("a"))).isEqualTo(2);
  }

  @Test
  void flush_whenDeadLettered_reportsTheVersionAsFlushed() throws Exception {
    deploy();
    await(put("a", "1"));
    upstream.respondTo((operation, body) -> operation.equals("BatchWriteItem")
        ? Answer.error(400, "com.amazon.coral.validate#ValidationException", "One or more parameter values were invalid") : Answer.ok("{}"));

    flush();

    assertThat(Files.readString(logDir.resolve("dead-letters.jsonl"))).contains("\"a\"");
    assertThat(replication.flushed()).containsExactly(new FakeReplication.Flushed(key("a"), FakeReplication.DEFAULT_EPOCH, replication.putsOf(key("a")).get(0).seq()));
    assertThat(replication.exited(key("a"))).isEqualTo(1);
    assertThat(path.isEmpty()).isTrue();
  }

  @Test
  void flush_whenTheNodeStopsServingTheItemBeforeARetry_abandonsTheRetryAndKeepsTheItemDirty() {
    deploy();
    await(put("a", "1"));
    upstream.respondTo((operation, body) -> operation.equals("BatchWriteItem")
        ? Answer.error(500, INTERNAL_SERVER_ERROR, "down") : Answer.ok("{}"));
    upstream.hold("BatchWriteItem");

    Future<Void> flushed = path.flushed(null);
    await().until(() -> upstream.operations().contains("BatchWriteItem"));
    replication.stopServing(key("a"));
    upstream.release();

    await().until(() -> replication.exited(key("a")) == 1);
    assertThat(batchWrites()).as("retried a flush after the partition moved").hasSize(1);
    assertThat(replication.entered(key("a"))).isEqualTo(1);
    assertThat(replication.flushed()).as("reported as flushed though DynamoDB may not hold it").isEmpty();
    assertThat(dirtyItem("a")).isEqualTo(item("a", "1"));
    assertThat(flushed.isComplete()).isFalse();
  }

  @Test
  void flushed_whenTheFlushedCopiesAreNotYetDropped_waitsForThem() {
    deploy();
    await(put("a", "1"));
    Promise<Void> dropped = replication.holdCopiesDropped();

    Future<Void> flushed = path.flushed(null);
    await().until(() -> replication.flushed().size() == 1);
    // After the flush: its answer comes once the log holds it, so after the release the flush logged.
    assertThat(await(put("b", "2")).statusCode()).isEqualTo(200);

    assertThat(flushed.isComplete()).as("settled while the cluster still held copies a new owner would adopt").isFalse();

    dropped.complete();

    await(flushed);
  }

  @Test
  void flushed_whenClustered_waitsForSettled() {
    deploy();
    Promise<Void> settling = replication.holdSettled();

    Future<Void> flushed = path.flushed(TABLE);

    await().until(() -> replication.settledAsked().contains(TABLE));
    assertThat(flushed.isComplete()).as("answered before the other members' changes were in DynamoDB").isFalse();

    settling.complete();

    await(flushed);
  }

  // ---- partitions taken over and given up ----

  @Test
  void adopt_makesTheCopiesReadableAndFlushesThem() {
    deploy();
    replication.epoch(key("a"), 9);

    await(path.adopt(List.of(copy("a", "5", 3, 17)), Duration.ZERO, key -> true));

    assertThat(dirtyItem("a")).isEqualTo(item("a", "5"));
    Put again = replication.putsOf(key("a")).get(0);
    assertThat(again.epoch()).as("copied again under this node's epoch").isEqualTo(9);
    assertThat(again.change().item()).isEqualTo(json(item("a", "5")));
    flush();
    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).path("RequestItems").path(TABLE).get(0).path("PutRequest").path("Item")).isEqualTo(json(item("a", "5")));
    assertThat(replication.flushed()).containsExactly(new FakeReplication.Flushed(key("a"), 9, again.seq()));
    assertThat(path.get(key("a"))).isNull();
  }

  @Test
  void adopt_logsTheCopiesHereSoThatTheNextStartOffersThem() {
    deploy();
    replication.epoch(key("a"), 9);
    await(path.adopt(List.of(copy("a", "5", 3, 17)), Duration.ZERO, key -> true));

    restart();

    assertThat(replication.offered()).hasSize(1);
    Replication.Copy offered = replication.offered().get(0).get(0);
    assertThat(offered.key()).isEqualTo(key("a"));
    assertThat(offered.epoch()).isEqualTo(9);
    assertThat(LogRecord.decode(offered.record()).item()).isEqualTo(json(item("a", "5")));
  }

  @Test
  void adopt_withAHold_doesNotFlushBeforeTheHoldPassed() {
    deploy();
    await(path.adopt(List.of(copy("a", "5", 3, 17)), Duration.ofSeconds(10), key -> true));

    Future<Void> flushed = path.flushed(null);
    nanoTime.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
    Future<Void> almost = path.flushed(null);
    awaitTakenIn();

    // The round registers a flush before it sends it: a flush under way would show here first.
    assertThat(replication.entered(key("a"))).as("flushed while the member it was taken from may still flush it").isZero();
    assertThat(batchWrites()).isEmpty();
    assertThat(flushed.isComplete()).isFalse();
    assertThat(almost.isComplete()).isFalse();
    assertThat(dirtyItem("a")).isEqualTo(item("a", "5"));

    nanoTime.addAndGet(1);
    await(path.flushed(null));

    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).toString()).contains("\"a\"");
    await(flushed);
    await(almost);
  }

  @Test
  void drop_forgetsTheItemsWithoutFlushingThem() {
    deploy();
    await(put("a", "1"));
    await(put("b", "2"));

    path.drop(key -> key.equals(key("a")));
    flush();

    assertThat(path.get(key("a"))).isNull();
    assertThat(batchWrites()).hasSize(1);
    assertThat(batchWrites().get(0).toString()).contains("\"b\"").doesNotContain("\"a\"");
    assertThat(replication.entered(key("a"))).isZero();
    assertThat(replication.flushed()).extracting(FakeReplication.Flushed::key).containsExactly(key("b"));
    assertThat(path.isEmpty()).isTrue();
  }

  // ---- a leftover log ----

  @Test
  void start_whenClusteredWithALeftoverLog_handsItToRecoverAndFlushesNothing() {
    deploy();
    await(put("a", "1"));
    await(put("b", "2"));
    await(put("b", "3"));
    List<Put> puts = List.copyOf(replication.puts());

    restart();

    assertThat(replication.offered()).hasSize(1);
    List<Replication.Copy> offered = replication.offered().get(0);
    assertThat(offered).extracting(Replication.Copy::key).containsExactlyInAnyOrder(key("a"), key("b"));
    Replication.Copy b = offered.stream().filter(copy -> copy.key().equals(key("b"))).findFirst().orElseThrow();
    assertThat(b.epoch()).isEqualTo(puts.get(2).epoch());
    assertThat(b.seq()).as("the newest change's version").isEqualTo(puts.get(2).seq());
    assertThat(LogRecord.decode(b.record()).item()).isEqualTo(json(item("b", "3")));
    assertThat(LogRecord.decode(b.record()).epoch()).isEqualTo(puts.get(2).epoch());
    assertThat(path.get(key("a"))).as("kept a change that belongs to the cluster now").isNull();
    assertThat(path.isEmpty()).isTrue();
    flush();
    assertThat(batchWrites()).isEmpty();
  }

  @Test
  void start_whenRecoverDecidesPerKey_releasesSupersededAndStrandedAndOffersTheRestAgain() throws Exception {
    deploy();
    await(put("superseded", "1"));
    await(put("stranded", "2"));
    await(put("offered", "3"));
    replication.verdict(key("superseded"), Replication.Verdict.SUPERSEDED);
    replication.verdict(key("stranded"), Replication.Verdict.STRANDED);

    restart();

    assertThat(Files.readString(logDir.resolve("dead-letters.jsonl")))
        .contains("\"stranded\"").contains("Stranded").doesNotContain("\"superseded\"").doesNotContain("\"offered\"");

    restart();

    assertThat(replication.offered()).hasSize(2);
    assertThat(replication.offered().get(1)).as("released changes replayed again").extracting(Replication.Copy::key).containsExactly(key("offered"));
    assertThat(batchWrites()).isEmpty();
  }

  @Test
  void start_whenAChangeWasRefusedBecauseItsCopyFailed_doesNotOfferIt() {
    // The refused change's record is in the log: a later record must cancel it, or the next start would offer it.
    deploy();
    assertThat(await(put("a", "1")).statusCode()).isEqualTo(200);
    replication.holdPuts(key("a"));
    Future<ApiResponse> refused = put("a", "2");
    await().until(() -> replication.putsOf(key("a")).size() == 2);
    replication.lose(replication.putsOf(key("a")).get(1));
    assertThat(await(refused).statusCode()).isEqualTo(500);
    // The log keeps order: once a later record is acknowledged, the refused one is on disk too.
    assertThat(await(put("b", "1")).statusCode()).isEqualTo(200);

    restart();

    Replication.Copy offered = replication.offered().get(0).stream().filter(copy -> copy.key().equals(key("a"))).findFirst().orElseThrow();
    assertThat(LogRecord.decode(offered.record()).item())
        .as("offered the cluster a change answered as 'not applied'").isEqualTo(json(item("a", "1")));
  }

  @Test
  void start_whenTheOnlyChangeOfAnItemWasRefused_neitherOffersItNorLeavesItsCopy() {
    deploy();
    replication.holdPuts(key("a"));
    Future<ApiResponse> refused = put("a", "1");
    await().until(() -> replication.putsOf(key("a")).size() == 1);
    FakeReplication.Put lost = replication.putsOf(key("a")).get(0);
    replication.lose(lost);
    assertThat(await(refused).statusCode()).isEqualTo(500);
    assertThat(await(put("b", "1")).statusCode()).isEqualTo(200);
    await().until(() -> !replication.withdrawn().isEmpty());

    restart();

    assertThat(replication.offered().get(0)).extracting(Replication.Copy::key).containsExactly(key("b"));
    assertThat(replication.withdrawn()).as("its copy may have reached the cluster after all")
        .containsExactly(new FakeReplication.Withdrawn(key("a"), lost.epoch(), lost.seq()));
  }

  // ---- helpers ----

  private void deploy() {
    // Flushes only when a test asks for one, so the test sees DynamoDB before and after; nothing is flushed at stop.
    WriteBackConfig config = new WriteBackConfig(logDir, FsyncPolicy.ALWAYS, Duration.ofSeconds(1), Duration.ZERO, 4096,
        Duration.ofHours(1), UNLIMITED, UNLIMITED, Duration.ZERO);
    path = new WriteBackPath(context, new WriteThroughPath(context, table -> WriteStrategy.WRITE_BACK), table -> true, config,
        new SimpleMeterRegistry(), nanoTime::get, disk::open, replication);
    deployment = await(vertx.deployVerticle(path));
  }

  private void restart() {
    await(vertx.undeploy(deployment));
    deployment = null;
    deploy();
  }

  private void flush() {
    await(path.flushed(null));
  }

  /**
   * Returns once the path has taken in the calls made so far: it takes everything in order on its
   * context, and a flushed() of a table nobody writes is one more step there while anything is dirty.
   */
  private void awaitTakenIn() {
    await(path.flushed("no such table"));
    await(path.flushed("no such table"));
  }

  private Future<ApiResponse> put(String pk, String value) {
    return write("PutItem", "{\"TableName\":\"T\",\"Item\":" + item(pk, value) + "}", pk);
  }

  private Future<ApiResponse> increment(String pk, String by) {
    return write("UpdateItem", "{\"TableName\":\"T\",\"Key\":{\"pk\":{\"S\":\"" + pk + "\"}},"
        + "\"UpdateExpression\":\"ADD v :by\",\"ExpressionAttributeValues\":{\":by\":{\"N\":\"" + by + "\"}},\"ReturnValues\":\"UPDATED_NEW\"}", pk);
  }

  private Future<ApiResponse> write(String operation, String json, String pk) {
    ObjectNode parsed = (ObjectNode) JsonCodec.read(json.getBytes(StandardCharsets.UTF_8));
    return path.writeItem(new ApiRequest(operation, Buffer.buffer(json), parsed), key(pk), METADATA);
  }

  /** A copy of a change another member logged under {@code epoch} as its change {@code seq}. */
  private static Replication.Copy copy(String pk, String value, long epoch, long seq) {
    ObjectNode keyAttributes = (ObjectNode) json("{\"pk\":{\"S\":\"" + pk + "\"}}");
    byte[] record = new LogRecord(key(pk), keyAttributes, (ObjectNode) json(item(pk, value))).at(epoch).encode();
    return new Replication.Copy(key(pk), epoch, seq, record);
  }

  private static ItemKey key(String pk) {
    return METADATA.key().keyOf(TABLE, json("{\"pk\":{\"S\":\"" + pk + "\"}}"));
  }

  private static String item(String pk, String value) {
    return "{\"pk\":{\"S\":\"" + pk + "\"},\"v\":{\"N\":\"" + value + "\"}}";
  }

  private static JsonNode json(String text) {
    return JsonCodec.read(text.getBytes(StandardCharsets.UTF_8));
  }

  private String dirtyItem(String pk) {
    CachedItem cached = path.get(key(pk));
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

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  private static String body(ApiResponse response) {
    return response.body().toString(StandardCharsets.UTF_8);
  }

  private static String type(ApiResponse response) {
    return JsonCodec.read(response.body().getBytes()).path("__type").asText();
  }
}
