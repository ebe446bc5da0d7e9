package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing decisions against a route table the test sets partition by partition, with the local
 * handlers and the other members replaced by recorders that answer in DynamoDB's shape.
 */
class ClusterRoutingTest {

  private static final KeySchema SCHEMA = new KeySchema("pk", "S", null, null);
  private static final TableLookup TABLE = new TableLookup("T", "T",
      new TableMetadata(SCHEMA, Map.of("pk", "S"), "arn:aws:dynamodb:us-east-1:000000000000:table/T", "id", "0"), TableLookup.Reach.SERVABLE);
  private static final TableLookup UNKNOWN = new TableLookup("Nope", "Nope", null, TableLookup.Reach.UNCACHED);
  private static final NodeInfo B = new NodeInfo("b", URI.create("http://127.0.0.1:1"));
  private static final NodeInfo C = new NodeInfo("c", URI.create("http://127.0.0.1:2"));
  private static final Duration WAIT = Duration.ofMillis(300);

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeRoutes routes = new FakeRoutes();
  private final List<ApiRequest> local = new CopyOnWriteArrayList<>();
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Sent, Future<ApiResponse>>> members = new ConcurrentHashMap<>();
  private final ClusterRouting routing = new ClusterRouting(this::answerHere, routes, this::lookup, table -> false, this::send, vertx, registry, WAIT, System::nanoTime);
  private final AtomicInteger inflightHere = new AtomicInteger(-1);
  /** The same routing with table T written back. */
  private final ClusterRouting writingBack = new ClusterRouting(request -> {
    inflightHere.set(routes.inflight.get());
    return answerHere(request);
  }, routes, this::lookup, table -> table.equals("T"), this::send, vertx, registry, WAIT, System::nanoTime);

  private record Sent(NodeInfo owner, String operation, String body) {
    JsonNode json() {
      return JsonCodec.read(body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Routes as the test sets them; SERVE under epoch 1 unless set, with every enter and exit counted. */
  private static final class FakeRoutes implements RouteTable {
    final Map<Integer, Route> set = new ConcurrentHashMap<>();
    final AtomicInteger inflight = new AtomicInteger();
    final AtomicInteger entered = new AtomicInteger();
    volatile boolean majority = true;

    @Override
    public Route route(int partition) {
      return set.getOrDefault(partition, Route.serve(1));
    }

    @Override
    public boolean enter(int partition, long epoch) {
      if (route(partition).kind() != Route.Kind.SERVE || route(partition).epoch() != epoch) {
        return false;
      }
      inflight.incrementAndGet();
      entered.incrementAndGet();
      return true;
    }

    @Override
    public boolean exit(int partition) {
      inflight.decrementAndGet();
      return majority;
    }
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Future<TableLookup> lookup(String spelling) {
    return Future.succeededFuture(spelling.equals("T") ? TABLE : UNKNOWN);
  }

  private Future<ApiResponse> answerHere(ApiRequest request) {
    local.add(request);
    return Future.succeededFuture(ApiResponse.ok(answerOf(request.operation(), request.json(), "here")));
  }

  private Future<ApiResponse> send(NodeInfo owner, String operation, Buffer body) {
    Sent call = new Sent(owner, operation, body.toString(StandardCharsets.UTF_8));
    sent.add(call);
    Function<Sent, Future<ApiResponse>> member = members.get(owner.id());
    if (member != null) {
      return member.apply(call);
    }
    return Future.succeededFuture(ApiResponse.ok(answerOf(operation, call.json(), owner.id())));
  }

  /** A DynamoDB-shaped answer naming who gave it: the keys read, as items with {@code by}; a batch write with nothing unprocessed. */
  private static ObjectNode answerOf(String operation, JsonNode request, String by) {
    ObjectNode answer = JsonCodec.object();
    if (operation.equals("BatchGetItem")) {
      ObjectNode responses = answer.putObject("Responses");
      for (Iterator<Map.Entry<String, JsonNode>> it = request.get("RequestItems").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> table = it.next();
        ArrayNode items = responses.putArray(table.getKey());
        for (JsonNode key : table.getValue().get("Keys")) {
          items.add(((ObjectNode) key.deepCopy()).set("by", JsonCodec.object().put("S", by)));
        }
      }
      answer.putObject("UnprocessedKeys");
      answer.putArray("ConsumedCapacity").addObject().put("TableName", "T").put("CapacityUnits", 0.5 * request.get("RequestItems").get("T").get("Keys").size());
    } else if (operation.equals("BatchWriteItem")) {
      answer.putObject("UnprocessedItems");
    } else {
      answer.put("by", by);
    }
    return answer;
  }

  private static ApiRequest call(String operation, String json) {
    String body = json.replace('\'', '"');
    return new ApiRequest(operation, Buffer.buffer(body), (ObjectNode) JsonCodec.read(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The call as another member forwards it. */
  private static ApiRequest forwarded(ApiRequest request) {
    return new ApiRequest(request.operation(), request.body(), request.json(), true);
  }

  private static int partitionOf(String pk) {
    return Partitions.of(SCHEMA.keyOf("T", JsonCodec.object().set("pk", JsonCodec.object().put("S", pk))));
  }

  /** Partition keys whose partitions are all different, so each can be routed on its own. */
  private static List<String> keysOnDistinctPartitions(int count) {
    List<String> keys = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      int partition = partitionOf("k" + i);
      if (!partitions.contains(partition)) {
        partitions.add(partition);
        keys.add("k" + i);
      }
    }
    return keys;
  }

  private static ApiResponse await(Future<ApiResponse> answer) throws Exception {
    return answer.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonNode body(ApiResponse response) {
    return JsonCodec.read(response.body().getBytes());
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void getItem_whenThisNodeServes_answersHere() throws Exception {
    ApiResponse answer = await(routing.handle(call("GetItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("here");
    assertThat(sent).isEmpty();
  }

  @Test
  void getItem_whenAnotherMemberOwns_forwardsTheClientsBytesAndRelaysTheAnswer() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));
    ApiRequest request = call("GetItem", "{ 'TableName' : 'T', 'Key':{'pk':{'S':'a'}}}");
    ApiResponse relayed = new ApiResponse(200, Buffer.buffer("{\"Item\":{}}"), 12345, "REQUESTID");
    members.put("b", s -> Future.succeededFuture(relayed));

    ApiResponse answer = await(routing.handle(request));

    assertThat(answer).isSameAs(relayed);
    assertThat(sent).containsExactly(new Sent(B, "GetItem", request.body().toString(StandardCharsets.UTF_8)));
    assertThat(local).isEmpty();
    assertThat(counter("dynaccel.cluster.forwarded", "operation", "GetItem")).isEqualTo(1);
  }

  @Test
  void getItem_whenTheOwnerIsUnreachable_readsHere() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));
    members.put("b", s -> Future.failedFuture(new OwnerUnreachable(B, false, "refused", null)));

    ApiResponse answer = await(routing.handle(call("GetItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("here");
    assertThat(counter("dynaccel.cluster.forward.failures")).isEqualTo(1);
  }

  @Test
  void getItem_whenForwardedHereButOwnedElsewhere_answersHereWithoutASecondHop() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));

    ApiResponse answer = await(routing.handle(forwarded(call("GetItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}"))));

    assertThat(body(answer).get("by").asText()).isEqualTo("here");
    assertThat(sent).isEmpty();
  }

  @Test
  void getItem_whenTheKeyDoesNotMatchTheSchema_answersHere() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));

    await(routing.handle(call("GetItem", "{'TableName':'T','Key':{'pk':{'N':'1'}}}")));
    await(routing.handle(call("GetItem", "{'TableName':'Nope','Key':{'pk':{'S':'a'}}}")));

    assertThat(local).hasSize(2);
    assertThat(sent).isEmpty();
  }

  @Test
  void putItem_whenThisNodeServes_writesHereRegisteredUnderTheEpoch() throws Exception {
    AtomicInteger inflightDuringWrite = new AtomicInteger(-1);
    ClusterRouting watching = new ClusterRouting(request -> {
      inflightDuringWrite.set(routes.inflight.get());
      return answerHere(request);
    }, routes, this::lookup, table -> false, this::send, vertx, registry, WAIT, System::nanoTime);

    await(watching.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'},'v':{'N':'1'}}}")));

    assertThat(inflightDuringWrite.get()).isEqualTo(1);
    assertThat(routes.inflight.get()).isZero();
  }

  @Test
  void putItem_whenThisNodeLosesTheMajorityWhileTheWriteIsInFlight_answersAnUnknownOutcome() {
    ClusterRouting losing = new ClusterRouting(request -> {
      routes.majority = false; // cut off while DynamoDB applies the write
      return answerHere(request);
    }, routes, this::lookup, table -> false, this::send, vertx, registry, WAIT, System::nanoTime);

    assertThatThrownBy(() -> await(losing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}"))))
        .cause().isInstanceOf(DynamoDbException.class)
        .satisfies(e -> assertThat(((DynamoDbException) e).type()).endsWith("#InternalServerError"))
        .hasMessageContaining("may have been processed");
    assertThat(routes.inflight.get()).isZero();
  }

  @Test
  void putItem_whenAnotherMemberOwns_forwardsIt() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));

    ApiResponse answer = await(routing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("b");
    assertThat(local).isEmpty();
    assertThat(routes.entered.get()).isZero();
  }

  @Test
  void putItem_whenTheOwnerIsUnreachable_waitsForTheViewToMoveOn() throws Exception {
    int partition = partitionOf("a");
    routes.set.put(partition, Route.forward(B));
    members.put("b", s -> {
      // The view moves on while the call fails: the partition is now C's.
      routes.set.put(partition, Route.forward(C));
      return Future.failedFuture(new OwnerUnreachable(B, false, "refused", null));
    });

    ApiResponse answer = await(routing.handle(call("DeleteItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("c");
    assertThat(counter("dynaccel.cluster.pending.waits")).isEqualTo(1);
  }

  @Test
  void putItem_whenTheOwnerTookNoConnectionButStaysInTheView_triesItAgainUntilItAnswers() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));
    AtomicInteger refusals = new AtomicInteger();
    members.put("b", s -> refusals.getAndIncrement() == 0
        ? Future.failedFuture(new OwnerUnreachable(B, false, "refused", null))
        : Future.succeededFuture(ApiResponse.ok(answerOf(s.operation(), s.json(), "b"))));

    ApiResponse answer = await(routing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("b");
    assertThat(sent).hasSize(2);
    assertThat(local).isEmpty();
  }

  @Test
  void putItem_whenTheOwnerKeepsRefusingAndStaysInTheView_failsAtTheDeadlineAfterTryingAgain() {
    routes.set.put(partitionOf("a"), Route.forward(B));
    members.put("b", s -> Future.failedFuture(new OwnerUnreachable(B, false, "member b is unreachable: refused", null)));

    assertThatThrownBy(() -> await(routing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}"))))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(DynamoDbException.class)
        .hasMessageContaining("could not be reached or is changing")
        .hasMessageContaining("(last try: member b is unreachable: refused)")
        .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(500));
    assertThat(sent.size()).as("tried again every %d ms within the %d ms wait", ClusterRouting.UNREACHABLE_RETRY_MILLIS, WAIT.toMillis())
        .isBetween(2, 4);
    assertThat(local).isEmpty();
  }

  @Test
  void updateItem_whenTheOwnerMayHaveAppliedIt_failsWithoutTryingAgain() {
    routes.set.put(partitionOf("a"), Route.forward(B));
    members.put("b", s -> Future.failedFuture(new OwnerUnreachable(B, true, "timed out", null)));

    assertThatThrownBy(() -> await(routing.handle(call("UpdateItem", "{'TableName':'T','Key':{'pk':{'S':'a'}},'UpdateExpression':'SET v = :v'}"))))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(DynamoDbException.class)
        .satisfies(e -> assertThat(((DynamoDbException) e).statusCode()).isEqualTo(500));
    assertThat(sent).hasSize(1);
    assertThat(local).isEmpty();
  }

  @Test
  void putItem_whenPendingUntilTheLeaseArrives_writesHereOnceItDoes() throws Exception {
    int partition = partitionOf("a");
    routes.set.put(partition, Route.PENDING);
    vertx.setTimer(50, id -> routes.set.put(partition, Route.serve(7)));

    ApiResponse answer = await(routing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("here");
    assertThat(routes.entered.get()).isEqualTo(1);
  }

  @Test
  void putItem_whenPendingPastTheWait_failsWithInternalServerError() {
    routes.set.put(partitionOf("a"), Route.PENDING);
    long began = System.nanoTime();

    assertThatThrownBy(() -> await(routing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}"))))
        .cause().isInstanceOf(DynamoDbException.class)
        .satisfies(e -> assertThat(((DynamoDbException) e).type()).endsWith("#InternalServerError"));
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(WAIT);
    assertThat(local).isEmpty();
  }

  @Test
  void putItem_whenForwardedHereButOwnedElsewhere_answersMisroutedAtOnceWithoutForwardingOrRunning() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));
    long began = System.nanoTime();

    ApiResponse answer = await(routing.handle(forwarded(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':'a'}}}"))));

    assertThat(answer.statusCode()).isEqualTo(Forwarder.MISROUTED);
    assertThat(body(answer).get("__type").asText()).isEqualTo(Forwarder.MISROUTED_TYPE);
    assertThat(body(answer).get("message").asText()).contains("member b does");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(WAIT);
    assertThat(sent).isEmpty();
    assertThat(local).isEmpty();
  }

  @Test
  void updateItem_whenForwardedWhileTheLeaseIsPendingAndItThenGoesElsewhere_answersMisroutedBeforeTheDeadline() throws Exception {
    int partition = partitionOf("a");
    routes.set.put(partition, Route.PENDING);
    vertx.setTimer(50, id -> routes.set.put(partition, Route.forward(C)));
    long began = System.nanoTime();

    ApiResponse answer = await(routing.handle(forwarded(call("UpdateItem", "{'TableName':'T','Key':{'pk':{'S':'a'}},'UpdateExpression':'SET v = :v'}"))));

    assertThat(answer.statusCode()).isEqualTo(Forwarder.MISROUTED);
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(WAIT);
    assertThat(sent).isEmpty();
    assertThat(local).isEmpty();
  }

  @Test
  void batchWriteItem_whenForwardedHereAndOnePartitionIsOwnedElsewhere_answersMisroutedAndRunsNone() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(C));
    String body = "{'RequestItems':{'T':[{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(0) + "'}}}},{'PutRequest':{'Item':{'pk':{'S':'"
        + keys.get(1) + "'}}}}]}}";

    ApiResponse answer = await(routing.handle(forwarded(call("BatchWriteItem", body))));

    assertThat(answer.statusCode()).isEqualTo(Forwarder.MISROUTED);
    assertThat(sent).isEmpty();
    assertThat(local).isEmpty();
  }

  @Test
  void putItem_whenTheItemHasNoValidKey_writesNothingAnywhereButHere() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));

    await(routing.handle(call("PutItem", "{'TableName':'T','Item':{'pk':{'S':''}}}")));

    assertThat(local).hasSize(1);
    assertThat(sent).isEmpty();
  }

  @Test
  void query_withAnEqualityOnThePartitionKey_goesToThatPartitionsOwner() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));

    ApiResponse answer = await(routing.handle(call("Query",
        "{'TableName':'T','KeyConditionExpression':'pk = :v','ExpressionAttributeValues':{':v':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("b");
  }

  @Test
  void scan_goesToTheTablesOwner() throws Exception {
    routes.set.put(Partitions.ofTable("T"), Route.forward(C));

    ApiResponse scan = await(routing.handle(call("Scan", "{'TableName':'T'}")));
    ApiResponse indexQuery = await(routing.handle(call("Query",
        "{'TableName':'T','IndexName':'i','KeyConditionExpression':'x = :v','ExpressionAttributeValues':{':v':{'S':'a'}}}")));

    assertThat(body(scan).get("by").asText()).isEqualTo("c");
    assertThat(body(indexQuery).get("by").asText()).isEqualTo("c");
  }

  @Test
  void transactWriteItems_runsHere() throws Exception {
    routes.set.put(partitionOf("a"), Route.forward(B));

    await(routing.handle(call("TransactWriteItems", "{'TransactItems':[{'Put':{'TableName':'T','Item':{'pk':{'S':'a'}}}}]}")));

    assertThat(local).hasSize(1);
    assertThat(sent).isEmpty();
  }

  @Test
  void batchGetItem_spanningOwners_sendsEachOwnerItsKeysAndMergesTheAnswers() throws Exception {
    List<String> keys = keysOnDistinctPartitions(3);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(B));
    routes.set.put(partitionOf(keys.get(2)), Route.forward(C));
    String body = "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(0) + "'}},{'pk':{'S':'" + keys.get(1) + "'}},{'pk':{'S':'" + keys.get(2)
        + "'}}],'ConsistentRead':true}},'ReturnConsumedCapacity':'TOTAL'}";

    ApiResponse answer = await(routing.handle(call("BatchGetItem", body)));

    assertThat(local).singleElement().satisfies(r -> assertThat(r.json().at("/RequestItems/T/Keys")).hasSize(1));
    assertThat(sent).extracting(Sent::owner).containsExactlyInAnyOrder(B, C);
    assertThat(sent).allSatisfy(s -> {
      assertThat(s.json().at("/RequestItems/T/Keys")).hasSize(1);
      assertThat(s.json().at("/RequestItems/T/ConsistentRead").asBoolean()).isTrue();
      assertThat(s.json().get("ReturnConsumedCapacity").asText()).isEqualTo("TOTAL");
    });
    JsonNode merged = body(answer);
    assertThat(merged.at("/Responses/T")).extracting(item -> item.at("/by/S").asText()).containsExactlyInAnyOrder("here", "b", "c");
    assertThat(merged.get("UnprocessedKeys")).isEmpty();
    assertThat(merged.at("/ConsumedCapacity/0/CapacityUnits").asDouble()).isEqualTo(1.5);
    assertThat(counter("dynaccel.cluster.forwarded", "operation", "BatchGetItem")).isEqualTo(2);
  }

  @Test
  void batchGetItem_whenAllKeysAreOwnedByOneOtherMember_forwardsTheClientsBytes() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    keys.forEach(k -> routes.set.put(partitionOf(k), Route.forward(B)));
    ApiRequest request = call("BatchGetItem", "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(0) + "'}},{'pk':{'S':'" + keys.get(1) + "'}}]}}}");

    await(routing.handle(request));

    assertThat(sent).singleElement().satisfies(s -> assertThat(s.body()).isEqualTo(request.body().toString(StandardCharsets.UTF_8)));
  }

  @Test
  void batchGetItem_whenAnOwnerIsUnreachable_readsItsKeysHere() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(B));
    members.put("b", s -> Future.failedFuture(new OwnerUnreachable(B, true, "reset", null)));

    ApiResponse answer = await(routing.handle(call("BatchGetItem",
        "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(0) + "'}},{'pk':{'S':'" + keys.get(1) + "'}}]}}}")));

    assertThat(local).hasSize(2);
    assertThat(body(answer).at("/Responses/T")).hasSize(2);
  }

  @Test
  void batchGetItem_whenAPartAnswersAnError_answersThatErrorForTheWholeCall() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(B));
    ApiResponse throttled = new ApiResponse(400, Buffer.buffer("{\"__type\":\"x#ProvisionedThroughputExceededException\"}"), -1, "ID");
    members.put("b", s -> Future.succeededFuture(throttled));

    ApiResponse answer = await(routing.handle(call("BatchGetItem",
        "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(0) + "'}},{'pk':{'S':'" + keys.get(1) + "'}}]}}}")));

    assertThat(answer).isSameAs(throttled);
  }

  @Test
  void batchGetItem_withDuplicateKeysOrAnUnknownTable_runsHereWhole() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(B));

    await(routing.handle(call("BatchGetItem", "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(1) + "'}},{'pk':{'S':'" + keys.get(1) + "'}}]}}}")));
    await(routing.handle(call("BatchGetItem", "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(1) + "'}}]},'Nope':{'Keys':[{'pk':{'S':'x'}}]}}}")));

    assertThat(local).hasSize(2);
    assertThat(sent).isEmpty();
  }

  @Test
  void batchWriteItem_spanningOwners_writesEachPartAtItsOwnerAndMerges() throws Exception {
    List<String> keys = keysOnDistinctPartitions(3);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(B));
    routes.set.put(partitionOf(keys.get(2)), Route.forward(B));
    members.put("b", s -> Future.succeededFuture(ApiResponse.ok(JsonCodec.read(
        "{\"UnprocessedItems\":{\"T\":[{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"x\"}}}}]}}".getBytes(StandardCharsets.UTF_8)))));
    AtomicInteger inflightDuringWrite = new AtomicInteger(-1);
    ClusterRouting watching = new ClusterRouting(request -> {
      inflightDuringWrite.set(routes.inflight.get());
      return answerHere(request);
    }, routes, this::lookup, table -> false, this::send, vertx, registry, WAIT, System::nanoTime);

    ApiResponse answer = await(watching.handle(call("BatchWriteItem", "{'RequestItems':{'T':[{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(0)
        + "'}}}},{'DeleteRequest':{'Key':{'pk':{'S':'" + keys.get(1) + "'}}}},{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(2) + "'}}}}]}}")));

    assertThat(local).singleElement().satisfies(r -> assertThat(r.json().at("/RequestItems/T")).hasSize(1));
    assertThat(sent).singleElement().satisfies(s -> assertThat(s.json().at("/RequestItems/T")).hasSize(2));
    assertThat(inflightDuringWrite.get()).isEqualTo(1);
    assertThat(routes.inflight.get()).isZero();
    assertThat(body(answer).at("/UnprocessedItems/T")).hasSize(1);
  }

  @Test
  void batchWriteItem_whenAPartitionIsPending_waitsBeforeWritingAnything() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    routes.set.put(partitionOf(keys.get(1)), Route.PENDING);
    vertx.setTimer(50, id -> routes.set.put(partitionOf(keys.get(1)), Route.forward(B)));

    await(routing.handle(call("BatchWriteItem", "{'RequestItems':{'T':[{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(0)
        + "'}}}},{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(1) + "'}}}}]}}")));

    assertThat(local).hasSize(1);
    assertThat(sent).hasSize(1);
    assertThat(counter("dynaccel.cluster.pending.waits")).isEqualTo(1);
  }

  @Test
  void batchWriteItem_thatDynamoDbRejectsWhole_runsHereWhole() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    routes.set.put(partitionOf(keys.get(1)), Route.forward(B));
    String valid = "{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(0) + "'}}}}";

    // An empty string set, a duplicate key, a write that is both a put and a delete.
    await(routing.handle(call("BatchWriteItem", "{'RequestItems':{'T':[" + valid + ",{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(1) + "'},'s':{'SS':[]}}}}]}}")));
    await(routing.handle(call("BatchWriteItem", "{'RequestItems':{'T':[" + valid + "," + valid + "]}}")));
    await(routing.handle(call("BatchWriteItem", "{'RequestItems':{'T':[" + valid + ",{'PutRequest':{'Item':{'pk':{'S':'" + keys.get(1)
        + "'}}},'DeleteRequest':{'Key':{'pk':{'S':'" + keys.get(1) + "'}}}}]}}")));

    assertThat(local).hasSize(3);
    assertThat(sent).isEmpty();
  }

  // ---- write-back tables: their newest states may be only at their owners ----

  @Test
  void getItem_ofAWriteBackTableWhenThisNodeServes_readsHereRegisteredUnderTheEpoch() throws Exception {
    ApiResponse answer = await(writingBack.handle(call("GetItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("here");
    assertThat(inflightHere.get()).as("the lease is not handed over while the dirty state is read").isEqualTo(1);
    assertThat(routes.inflight.get()).isZero();
  }

  @Test
  void getItem_ofAWriteBackTableWhilePending_waitsForTheLeaseInsteadOfReadingDynamoDb() throws Exception {
    int partition = partitionOf("a");
    routes.set.put(partition, Route.PENDING);
    vertx.setTimer(50, id -> {
      assertThat(local).as("nothing read before the lease arrives").isEmpty();
      routes.set.put(partition, Route.serve(7));
    });

    ApiResponse answer = await(writingBack.handle(call("GetItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).isEqualTo("here");
    assertThat(routes.entered.get()).isEqualTo(1);
    assertThat(counter("dynaccel.cluster.pending.waits")).isEqualTo(1);
  }

  @Test
  void getItem_ofAWriteBackTableWhenTheOwnerIsUnreachable_waitsForTheNextOwnerInsteadOfReadingHere() throws Exception {
    int partition = partitionOf("a");
    routes.set.put(partition, Route.forward(B));
    members.put("b", s -> {
      routes.set.put(partition, Route.forward(C));
      return Future.failedFuture(new OwnerUnreachable(B, true, "reset", null));
    });

    ApiResponse answer = await(writingBack.handle(call("GetItem", "{'TableName':'T','Key':{'pk':{'S':'a'}}}")));

    assertThat(body(answer).get("by").asText()).as("a read may go again, whatever reached B").isEqualTo("c");
    assertThat(local).isEmpty();
  }

  @Test
  void batchGetItem_ofAWriteBackTableWithAPendingKey_waitsThenRegistersItsKeysHere() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    int pending = partitionOf(keys.get(1));
    routes.set.put(pending, Route.PENDING);
    vertx.setTimer(50, id -> routes.set.put(pending, Route.serve(3)));

    ApiResponse answer = await(writingBack.handle(call("BatchGetItem",
        "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(0) + "'}},{'pk':{'S':'" + keys.get(1) + "'}}]}}}")));

    assertThat(body(answer).at("/Responses/T")).hasSize(2);
    assertThat(local).as("one batch, once both partitions are served here").hasSize(1);
    assertThat(inflightHere.get()).isEqualTo(2);
    assertThat(routes.inflight.get()).isZero();
  }

  @Test
  void batchGetItem_ofAWriteBackTableWhenAnOwnerIsUnreachable_routesItsKeysAgainOnceTheyMove() throws Exception {
    List<String> keys = keysOnDistinctPartitions(2);
    int moving = partitionOf(keys.get(1));
    routes.set.put(moving, Route.forward(B));
    members.put("b", s -> {
      routes.set.put(moving, Route.forward(C));
      return Future.failedFuture(new OwnerUnreachable(B, true, "reset", null));
    });

    ApiResponse answer = await(writingBack.handle(call("BatchGetItem",
        "{'RequestItems':{'T':{'Keys':[{'pk':{'S':'" + keys.get(0) + "'}},{'pk':{'S':'" + keys.get(1) + "'}}]}}}")));

    assertThat(body(answer).at("/Responses/T")).extracting(item -> item.at("/by/S").asText()).containsExactlyInAnyOrder("here", "c");
    assertThat(local).as("only the key this node serves is read here").hasSize(1);
    assertThat(local.get(0).json().at("/RequestItems/T/Keys")).hasSize(1);
  }

  @Test
  void meters_areRegisteredAtZero() {
    for (String operation : ClusterRouting.ROUTED) {
      assertThat(counter("dynaccel.cluster.forwarded", "operation", operation)).isZero();
    }
    assertThat(counter("dynaccel.cluster.forward.failures")).isZero();
    assertThat(counter("dynaccel.cluster.pending.waits")).isZero();
  }
}
