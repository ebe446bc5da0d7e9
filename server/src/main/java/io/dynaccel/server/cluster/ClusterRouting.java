package io.dynaccel.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.expression.LocalWrites;
import io.dynaccel.server.expression.ParsedExpressions;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.query.PartitionCondition;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.write.NestingLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each call to the member that owns its keys, so that only a partition's owner answers from its
 * cache and executes its writes (the cluster contract's first two rules).
 *
 * <p>GetItem, PutItem, UpdateItem, DeleteItem and Query (a base-table Query with an equality on the
 * partition key) belong to the partition of their partition key; Scans and other Queries to the
 * partition of their table ({@link Partitions}). Where this node's {@link Route} says:
 * <ul>
 *   <li>{@code SERVE}: the local handlers answer; a write is registered with {@link RouteTable#enter}
 *       under the lease's epoch for as long as it runs, so the lease is not handed over under it (if
 *       the lease moved in between, the call is routed again);
 *   <li>{@code FORWARD}: the owner answers, through the {@link Forwarder}, and its answer is relayed
 *       unchanged. If it cannot be reached, a read runs here (reads are safe anywhere: the caches
 *       neither answer nor fill for a partition this node does not serve, and read consistently), and
 *       a write the owner certainly never received waits for the view to name another owner or give
 *       this node the lease, trying the same owner again every {@link #UNREACHABLE_RETRY_MILLIS} while
 *       the view still names it;
 *   <li>{@code PENDING}: reads run here, writes wait for the lease or a new owner.
 * </ul>
 * A write waits at most {@code pendingWait} (the upstream request timeout), then fails with a
 * {@code 500 InternalServerError}, which SDKs retry. A call another member forwarded is never
 * forwarded again. A forwarded read runs at once wherever it lands. A forwarded write (or write-back
 * read) at a node that does not serve its partition waits while the route is {@code PENDING}, and is
 * answered {@link Forwarder#MISROUTED} as soon as the route names another owner: the lease moved on
 * while the call was on its way, and waiting here for a lease that went elsewhere would only run out.
 * Nothing of it ran, so the member that forwarded it routes it again, with its own newer view.
 *
 * <p>BatchGetItem and BatchWriteItem are split by owner, the parts sent in parallel (this node's own
 * part to its handlers, once, as one batch) and their answers merged into DynamoDB's shape
 * ({@link BatchAnswers}); an error answer of any part is the answer to the whole call.
 *
 * <p>A call that cannot be routed with certainty (a table not known, a key DynamoDB would reject, a
 * malformed batch) runs here whole, and the local handlers get DynamoDB's own error for it. That never
 * lets a non-owner execute a write: the key is read exactly as DynamoDB checks it ({@link KeySchema}
 * yields no key only for a key that does not match the table's schema), and DynamoDB rejects such a
 * call whole, before it writes anything. Other calls (transactions, PartiQL, schema changes, pass-through)
 * run here.
 *
 * <p>Reads of write-back tables go where writes go: an item's newest acknowledged state may be only in
 * its owner's memory (and a copy on another member) until it is flushed, so such a read is answered by
 * the SERVE owner, registered with its ownership like a write, and otherwise waits for one; it is never
 * answered here from DynamoDB.
 */
public final class ClusterRouting implements OperationHandler {

  /** Sends a call to another member and relays its answer; fails with {@link OwnerUnreachable}. */
  @FunctionalInterface
  public interface Hop {
    /** Sends the call with these body bytes to {@code owner}. */
    Future<ApiResponse> send(NodeInfo owner, String operation, Buffer body);
  }

  /** Whether a route places a call: served here, or owned by another member (a forwarded call is then misrouted). */
  private static final Predicate<Route> PLACED = route -> route.kind() != Route.Kind.PENDING;
  /** How often a waiting write looks at the routes again; ownership publishes them every 100 ms and on every change. */
  static final long POLL_MILLIS = 10;
  /** How long a call waits for the view to move on from an owner that took no connection before it tries that owner again. */
  static final long UNREACHABLE_RETRY_MILLIS = 100;
  static final List<String> ROUTED = List.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "BatchWriteItem", "Query", "Scan");
  private static final int MAX_BATCH_GET_KEYS = 100;
  private static final int MAX_BATCH_WRITES = 25;
  /** The part of a batch this node runs itself; owners' parts are named by their ids. */
  private static final String HERE = "";
  /** Checks only: puts and deletes with no expressions, so nothing is parsed or kept. */
  private static final LocalWrites CHECKS = new LocalWrites(new ParsedExpressions(1));
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRouting.class);
  /** At most one warning this often about calls that waited out their bound; each is a 500 in the faults counter too. */
  private static final long GIVE_UP_WARNING_NANOS = Duration.ofSeconds(1).toNanos();

  private final OperationHandler local;
  private final RouteTable routes;
  private final Function<String, Future<TableLookup>> tables;
  private final Predicate<String> writesBack;
  private final Hop hop;
  private final Vertx vertx;
  private final long pendingWaitNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Counter> forwarded = new HashMap<>();
  private final Counter forwardFailures;
  private final Counter pendingWaits;
  /** When the last give-up warning was logged; racy across event loops, which at worst logs one more. */
  private volatile long lastGiveUpWarning;

  /**
   * Creates the routing.
   *
   * @param local this node's handlers
   * @param tables the metadata of a table as a request spells it ({@code TableSchemas::lookup})
   * @param writesBack which tables (by name) are written back
   * @param pendingWait how long a write waits for a partition's lease or a reachable owner
   * @param nanoTime the clock of that wait
   */
  public ClusterRouting(OperationHandler local, RouteTable routes, Function<String, Future<TableLookup>> tables, Predicate<String> writesBack,
      Hop hop, Vertx vertx, MeterRegistry registry, Duration pendingWait, LongSupplier nanoTime) {
    this.local = local;
    this.routes = routes;
    this.tables = tables;
    this.writesBack = writesBack;
    this.hop = hop;
    this.vertx = vertx;
    this.pendingWaitNanos = pendingWait.toNanos();
    this.nanoTime = nanoTime;
    for (String operation : ROUTED) {
      forwarded.put(operation, Counter.builder("dynaccel.cluster.forwarded").tag("operation", operation)
          .description("Calls (or parts of batches) forwarded to the member that owns their keys").register(registry));
    }
    this.forwardFailures = Counter.builder("dynaccel.cluster.forward.failures")
        .description("Forwarded calls the owner did not answer (unreachable, reset or timed out) or refused as not its own (misrouted)").register(registry);
    this.pendingWaits = Counter.builder("dynaccel.cluster.pending.waits")
        .description("Waits of calls for a partition's lease or for a reachable owner (each try again of an unreachable owner waits anew)")
        .register(registry);
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    return switch (request.operation()) {
      case "GetItem" -> item(request, "Key", false);
      case "PutItem" -> item(request, "Item", true);
      case "UpdateItem", "DeleteItem" -> item(request, "Key", true);
      case "Query", "Scan" -> query(request);
      case "BatchGetItem" -> batchGet(request);
      case "BatchWriteItem" -> batchWrite(request);
      default -> here(request);
    };
  }

  private Future<ApiResponse> item(ApiRequest request, String keyMember, boolean write) {
    String spelling = TableNames.spelling(request.json().get("TableName"));
    if (spelling == null) {
      return here(request);
    }
    return tables.apply(spelling).transform(found -> {
      TableLookup table = found.succeeded() ? found.result() : null;
      ItemKey key = table == null ? null : keyOf(table, request.json().get(keyMember), keyMember.equals("Item"));
      if (key == null) {
        // Not a key of the table (or no table): DynamoDB rejects the call whole, so it may run here.
        return here(request);
      }
      int partition = Partitions.of(key);
      if (write) {
        return write(request, partition, deadline());
      }
      return writesBack.test(table.table()) ? ownerRead(request, partition, deadline()) : read(request, partition);
    });
  }

  private Future<ApiResponse> query(ApiRequest request) {
    String spelling = TableNames.spelling(request.json().get("TableName"));
    if (spelling == null) {
      return here(request);
    }
    return tables.apply(spelling).transform(found -> {
      TableLookup table = found.succeeded() ? found.result() : null;
      if (table == null || table.metadata() == null) {
        return here(request);
      }
      return read(request, partitionOfQuery(request, table));
    });
  }

  /** The partition whose owner holds a Query's or Scan's cached result, as the query cache scopes it. */
  static int partitionOfQuery(ApiRequest request, TableLookup table) {
    if (request.operation().equals("Query") && !request.json().has("IndexName")) {
      String partitionKey = PartitionCondition.of(request.json(), table.metadata().key());
      if (partitionKey != null) {
        return Partitions.ofPartitionKey(table.table(), partitionKey);
      }
    }
    return Partitions.ofTable(table.table());
  }

  private static ItemKey keyOf(TableLookup table, JsonNode key, boolean wholeItem) {
    if (table.metadata() == null) {
      return null;
    }
    KeySchema schema = table.metadata().key();
    return wholeItem ? schema.keyOfItem(table.table(), key) : schema.keyOf(table.table(), key);
  }

  // ---- single-partition calls ----

  private Future<ApiResponse> read(ApiRequest request, int partition) {
    Route route = routes.route(partition);
    if (route.kind() != Route.Kind.FORWARD || request.forwarded()) {
      return here(request);
    }
    return forward(route.owner(), request.operation(), request.body()).recover(failure -> failure instanceof OwnerUnreachable
        ? here(request)
        : Future.failedFuture(failure));
  }

  /** A read answered only by the partition's SERVE owner (a write-back table's): it waits for one as a write does. */
  private Future<ApiResponse> ownerRead(ApiRequest request, int partition, long deadline) {
    Route route = routes.route(partition);
    if (route.kind() == Route.Kind.SERVE) {
      if (routes.enter(partition, route.epoch())) {
        return here(request).onComplete(done -> routes.exit(partition));
      }
      return await(partition, deadline, next -> !next.equals(route)).compose(v -> ownerRead(request, partition, deadline));
    }
    if (route.kind() == Route.Kind.FORWARD && request.forwarded()) {
      return misrouted(route);
    }
    if (route.kind() == Route.Kind.FORWARD) {
      // A read can be sent again whatever reached the owner.
      return forward(route.owner(), request.operation(), request.body()).recover(failure -> failure instanceof OwnerUnreachable unreachable
          ? awaitOwnerOtherThan(Set.of(partition), unreachable, deadline).compose(v -> ownerRead(request, partition, deadline))
          : Future.failedFuture(failure));
    }
    return await(partition, deadline, PLACED).compose(v -> ownerRead(request, partition, deadline));
  }

  private Future<ApiResponse> write(ApiRequest request, int partition, long deadline) {
    Route route = routes.route(partition);
    if (route.kind() == Route.Kind.SERVE) {
      if (routes.enter(partition, route.epoch())) {
        return here(request).transform(done -> settled(done, routes.exit(partition)));
      }
      // The lease moved between the look and the registration: look again.
      return await(partition, deadline, next -> !next.equals(route)).compose(v -> write(request, partition, deadline));
    }
    if (route.kind() == Route.Kind.FORWARD && request.forwarded()) {
      return misrouted(route);
    }
    if (route.kind() == Route.Kind.FORWARD) {
      return forward(route.owner(), request.operation(), request.body()).recover(failure -> {
        if (failure instanceof OwnerUnreachable unreachable && !unreachable.mayHaveArrived()) {
          return awaitOwnerOtherThan(Set.of(partition), unreachable, deadline).compose(v -> write(request, partition, deadline));
        }
        return Future.failedFuture(outcomeUnknown(failure));
      });
    }
    return await(partition, deadline, PLACED).compose(v -> write(request, partition, deadline));
  }

  // ---- waiting for routes ----

  private long deadline() {
    return nanoTime.getAsLong() + pendingWaitNanos;
  }

  /**
   * Waits until the view no longer sends the partitions to {@code unreachable}, or for at most
   * {@link #UNREACHABLE_RETRY_MILLIS}, after which the call is routed again, to that same member if the
   * view still names it. A member that took no connection may be alive and only starting or busy: a
   * member that had just joined under load took no connection for one forwarded write, which, tried
   * once, waited out its pending wait while the view kept naming the member; a member that is gone
   * leaves the view within seconds.
   */
  private Future<Void> awaitOwnerOtherThan(Set<Integer> partitions, OwnerUnreachable failure, long deadline) {
    long retryAt = Math.min(nanoTime.getAsLong() + UNREACHABLE_RETRY_MILLIS * 1_000_000, deadline);
    String unreachable = failure.owner().id();
    return awaitAll(partitions, retryAt, deadline, route -> route.kind() == Route.Kind.SERVE
        || route.kind() == Route.Kind.FORWARD && !route.owner().id().equals(unreachable), failure.getMessage());
  }

  private Future<Void> await(int partition, long deadline, Predicate<Route> ready) {
    return awaitAll(Set.of(partition), deadline, ready);
  }

  /** Waits until every partition's route is {@code ready}; fails with a 500 InternalServerError at the deadline. */
  private Future<Void> awaitAll(Set<Integer> partitions, long deadline, Predicate<Route> ready) {
    return awaitAll(partitions, deadline, deadline, ready, null);
  }

  /**
   * As {@link #awaitAll(Set, long, Predicate)}, but also done (not ready) at {@code retryAt}, if that
   * comes before the deadline; {@code lastFailure}, if not null, is why the call is waiting, and is
   * named in the error if the wait runs out.
   */
  private Future<Void> awaitAll(Set<Integer> partitions, long retryAt, long deadline, Predicate<Route> ready, String lastFailure) {
    pendingWaits.increment();
    Promise<Void> done = Promise.promise();
    poll(partitions, retryAt, deadline, ready, lastFailure, done);
    return done.future();
  }

  private void poll(Set<Integer> partitions, long retryAt, long deadline, Predicate<Route> ready, String lastFailure, Promise<Void> done) {
    long now = nanoTime.getAsLong();
    if (partitions.stream().allMatch(p -> ready.test(routes.route(p)))) {
      done.complete();
    } else if (now - deadline >= 0) {
      warnGaveUp(partitions, lastFailure);
      done.fail(DynamoDbException.internal("The owner of the item's partition could not be reached or is changing; the request was not processed"
          + (lastFailure == null ? "" : " (last try: " + lastFailure + ")")));
    } else if (now - retryAt >= 0) {
      done.complete();
    } else {
      vertx.setTimer(POLL_MILLIS, id -> poll(partitions, retryAt, deadline, ready, lastFailure, done));
    }
  }

  private void warnGaveUp(Set<Integer> partitions, String lastFailure) {
    long now = nanoTime.getAsLong();
    if (lastGiveUpWarning != 0 && now - lastGiveUpWarning < GIVE_UP_WARNING_NANOS) {
      return;
    }
    lastGiveUpWarning = now;
    LOG.warn("A call waited {} ms for its partitions to be served here or by a reachable owner, and failed with a 500; their routes now: {}; "
        + "its last try of an owner: {}", pendingWaitNanos / 1_000_000, partitions.stream().map(p -> p + "=" + routes.route(p)).toList(),
        lastFailure == null ? "none" : lastFailure);
  }

  // ---- BatchGetItem ----

  private Future<ApiResponse> batchGet(ApiRequest request) {
    JsonNode requestItems = request.json().get("RequestItems");
    if (!(requestItems instanceof ObjectNode items) || items.isEmpty()) {
      return here(request);
    }
    return lookups(items).transform(found -> {
      if (found.failed()) {
        return here(request);
      }
      Map<String, List<Keyed>> keys = batchGetKeys(items, found.result());
      if (keys == null) {
        // Invalid, duplicate or too many keys, or a table not known: DynamoDB answers for the whole batch.
        return here(request);
      }
      return batchGet(request, items, found.result(), keys, deadline());
    });
  }

  private Future<ApiResponse> batchGet(ApiRequest request, ObjectNode items, Map<String, TableLookup> tables, Map<String, List<Keyed>> keys,
      long deadline) {
    Map<String, Map<String, ArrayNode>> parts = new TreeMap<>();
    Map<String, NodeInfo> owners = new HashMap<>();
    Set<Integer> unplaced = new TreeSet<>();
    Map<Integer, Route> ownedHere = new TreeMap<>();
    // Write-back keys of a forwarded call that another member owns: the call is misrouted.
    Map<Integer, Route> ownedElsewhere = new TreeMap<>();
    // Per owner, the partitions of its write-back keys: if it cannot be reached, they wait for its successor.
    Map<String, Set<Integer>> ownerOnlyParts = new HashMap<>();
    keys.forEach((spelling, list) -> {
      boolean ownerOnly = writesBack.test(tables.get(spelling).table());
      for (Keyed key : list) {
        Route route = routes.route(key.partition());
        String to = HERE;
        if (route.kind() == Route.Kind.FORWARD && !request.forwarded()) {
          to = route.owner().id();
          owners.put(to, route.owner());
          if (ownerOnly) {
            ownerOnlyParts.computeIfAbsent(to, id -> new TreeSet<>()).add(key.partition());
          }
        } else if (ownerOnly && route.kind() == Route.Kind.SERVE) {
          ownedHere.put(key.partition(), route);
        } else if (ownerOnly && route.kind() == Route.Kind.FORWARD) {
          ownedElsewhere.put(key.partition(), route);
        } else if (ownerOnly) {
          unplaced.add(key.partition());
        }
        parts.computeIfAbsent(to, id -> new LinkedHashMap<>()).computeIfAbsent(spelling, s -> JsonCodec.object().arrayNode()).add(key.json());
      }
    });
    if (!ownedElsewhere.isEmpty()) {
      return misrouted(ownedElsewhere.values().iterator().next());
    }
    Supplier<Future<ApiResponse>> again = () -> batchGet(request, items, tables, keys, deadline);
    if (!unplaced.isEmpty()) {
      // Write-back keys whose owner is changing: their newest states are nowhere to be read yet.
      return awaitAll(unplaced, deadline, PLACED).compose(v -> again.get());
    }
    List<Integer> entered = new ArrayList<>();
    for (Map.Entry<Integer, Route> owned : ownedHere.entrySet()) {
      if (!routes.enter(owned.getKey(), owned.getValue().epoch())) {
        entered.forEach(routes::exit);
        return awaitAll(Set.of(owned.getKey()), deadline, next -> !next.equals(owned.getValue())).compose(v -> again.get());
      }
      entered.add(owned.getKey());
    }
    Future<ApiResponse> answer;
    if (parts.size() == 1) {
      String to = parts.keySet().iterator().next();
      answer = to.equals(HERE) ? here(request) : batchGetPart(owners.get(to), request, ownerOnlyParts.get(to), again, deadline);
    } else {
      List<Future<ApiResponse>> answers = new ArrayList<>();
      parts.forEach((to, byTable) -> {
        ApiRequest part = part(request, batchGetItems(items, byTable));
        answers.add(to.equals(HERE) ? here(part) : batchGetPart(owners.get(to), part, ownerOnlyParts.get(to), () -> batchGet(part), deadline));
      });
      answer = merged(answers, BatchAnswers::batchGet);
    }
    return answer.onComplete(done -> entered.forEach(routes::exit));
  }

  /**
   * A part for an owner. If it cannot be reached, this node reads the part itself, as for any read;
   * but a part with write-back keys ({@code ownerOnly}, their partitions, or null) waits until those have
   * another owner and is routed again ({@code again}).
   */
  private Future<ApiResponse> batchGetPart(NodeInfo owner, ApiRequest part, Set<Integer> ownerOnly, Supplier<Future<ApiResponse>> again,
      long deadline) {
    return forward(owner, part.operation(), part.body()).recover(failure -> {
      if (!(failure instanceof OwnerUnreachable unreachable)) {
        return Future.failedFuture(failure);
      }
      if (ownerOnly == null) {
        return here(part);
      }
      return awaitOwnerOtherThan(ownerOnly, unreachable, deadline).compose(v -> again.get());
    });
  }

  /** Each table's keys in request order with their partitions, or null if the batch must run here whole. */
  private static Map<String, List<Keyed>> batchGetKeys(ObjectNode items, Map<String, TableLookup> tables) {
    Map<String, List<Keyed>> keys = new LinkedHashMap<>();
    int count = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = items.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      TableLookup table = tables.get(entry.getKey());
      JsonNode list = entry.getValue().get("Keys");
      if (!entry.getValue().isObject() || list == null || !list.isArray() || list.isEmpty()) {
        return null;
      }
      Set<ItemKey> seen = new HashSet<>();
      List<Keyed> tableKeys = new ArrayList<>();
      for (JsonNode key : list) {
        ItemKey itemKey = table.metadata().key().keyOf(table.table(), key);
        if (itemKey == null || !seen.add(itemKey)) {
          return null;
        }
        tableKeys.add(new Keyed(key, Partitions.of(itemKey)));
      }
      count += tableKeys.size();
      keys.put(entry.getKey(), tableKeys);
    }
    return count <= MAX_BATCH_GET_KEYS ? keys : null;
  }

  /** The part's {@code RequestItems}: each table's entry as the client wrote it, with the part's keys. */
  private static ObjectNode batchGetItems(ObjectNode items, Map<String, ArrayNode> byTable) {
    ObjectNode part = JsonCodec.object();
    byTable.forEach((spelling, keys) -> {
      ObjectNode entry = ((ObjectNode) items.get(spelling)).deepCopy();
      entry.set("Keys", keys);
      part.set(spelling, entry);
    });
    return part;
  }

  // ---- BatchWriteItem ----

  private Future<ApiResponse> batchWrite(ApiRequest request) {
    JsonNode requestItems = request.json().get("RequestItems");
    if (!(requestItems instanceof ObjectNode items) || items.isEmpty()) {
      return here(request);
    }
    return lookups(items).transform(found -> {
      List<Keyed> writes = found.succeeded() ? batchWrites(request.json(), items, found.result()) : null;
      if (writes == null) {
        // DynamoDB rejects the batch whole (see batchWrites), or it names a table not known: it runs here.
        return here(request);
      }
      return batchWrite(request, writes, deadline());
    });
  }

  /**
   * Runs the writes of {@code request} ({@code writes}, all of them), each at the owner of its partition.
   * Partitions not yet served anywhere reachable are waited for first; this node's own part runs with
   * every partition it touches registered under its epoch.
   */
  private Future<ApiResponse> batchWrite(ApiRequest request, List<Keyed> writes, long deadline) {
    Set<Integer> partitions = new HashSet<>();
    writes.forEach(w -> partitions.add(w.partition()));
    Map<Integer, Route> now = new HashMap<>();
    partitions.forEach(p -> now.put(p, routes.route(p)));
    if (request.forwarded()) {
      for (Route route : now.values()) {
        if (route.kind() == Route.Kind.FORWARD) {
          return misrouted(route);
        }
      }
    }
    if (!now.values().stream().allMatch(PLACED)) {
      return awaitAll(partitions, deadline, PLACED).compose(v -> batchWrite(request, writes, deadline));
    }
    List<Integer> entered = new ArrayList<>();
    for (Map.Entry<Integer, Route> route : now.entrySet()) {
      if (route.getValue().kind() == Route.Kind.SERVE) {
        if (!routes.enter(route.getKey(), route.getValue().epoch())) {
          entered.forEach(routes::exit);
          return awaitAll(Set.of(route.getKey()), deadline, next -> !next.equals(route.getValue()))
              .compose(v -> batchWrite(request, writes, deadline));
        }
        entered.add(route.getKey());
      }
    }
    Map<String, List<Keyed>> parts = new TreeMap<>();
    Map<String, NodeInfo> owners = new HashMap<>();
    for (Keyed write : writes) {
      Route route = now.get(write.partition());
      String to = route.kind() == Route.Kind.SERVE ? HERE : route.owner().id();
      if (!to.equals(HERE)) {
        owners.put(to, route.owner());
      }
      parts.computeIfAbsent(to, id -> new ArrayList<>()).add(write);
    }
    List<Future<ApiResponse>> answers = new ArrayList<>();
    parts.forEach((to, part) -> {
      ApiRequest partRequest = parts.size() == 1 ? request : part(request, batchWriteItems(part));
      if (to.equals(HERE)) {
        answers.add(here(partRequest).transform(done -> {
          boolean acknowledgeable = true;
          for (int partition : entered) {
            acknowledgeable &= routes.exit(partition);
          }
          return settled(done, acknowledgeable);
        }));
      } else {
        answers.add(batchWritePart(owners.get(to), partRequest, part, deadline));
      }
    });
    return answers.size() == 1 ? answers.get(0) : merged(answers, BatchAnswers::batchWrite);
  }

  /** A part for an owner; if it certainly never reached it, the part is placed again once the view has moved on. */
  private Future<ApiResponse> batchWritePart(NodeInfo owner, ApiRequest part, List<Keyed> writes, long deadline) {
    return forward(owner, part.operation(), part.body()).recover(failure -> {
      if (failure instanceof OwnerUnreachable unreachable && !unreachable.mayHaveArrived()) {
        Set<Integer> partitions = new HashSet<>();
        writes.forEach(w -> partitions.add(w.partition()));
        return awaitOwnerOtherThan(partitions, unreachable, deadline).compose(v -> batchWrite(part, writes, deadline));
      }
      return Future.failedFuture(outcomeUnknown(failure));
    });
  }

  /**
   * The batch's writes in request order with their partitions, or null if it must run here whole:
   * anything DynamoDB rejects for the whole batch (more than 25 writes, two writes of one item, a
   * write that is not exactly one put of an item or one delete of a key, an attribute value DynamoDB
   * refuses, an item too large or nested too deep) must reach DynamoDB as one call, or the parts that
   * are valid on their own would be applied while the client is told the batch failed.
   */
  static List<Keyed> batchWrites(ObjectNode request, ObjectNode items, Map<String, TableLookup> tables) {
    if (NestingLimit.refusal("BatchWriteItem", request) != null) {
      return null;
    }
    List<Keyed> writes = new ArrayList<>();
    Set<ItemKey> seen = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = items.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      TableLookup table = tables.get(entry.getKey());
      if (!entry.getValue().isArray() || entry.getValue().isEmpty()) {
        return null;
      }
      for (JsonNode write : entry.getValue()) {
        ItemKey key = writtenKey(table, write);
        if (key == null || !seen.add(key)) {
          return null;
        }
        writes.add(new Keyed(entry.getKey(), write, Partitions.of(key)));
      }
    }
    return writes.size() <= MAX_BATCH_WRITES ? writes : null;
  }

  private static ItemKey writtenKey(TableLookup table, JsonNode write) {
    if (!(write instanceof ObjectNode request) || request.size() != 1) {
      return null;
    }
    KeySchema schema = table.metadata().key();
    JsonNode put = request.get("PutRequest");
    JsonNode delete = request.get("DeleteRequest");
    // The write-back engine's own checks of a PutItem or DeleteItem: DynamoDB's for attribute values, key sizes and item size.
    if (put != null && put.size() == 1 && put.get("Item") instanceof ObjectNode item) {
      ObjectNode asPut = JsonCodec.object().put("TableName", table.table()).set("Item", item);
      return CHECKS.putItem(asPut, schema, null) instanceof WriteOutcome.Applied ? schema.keyOfItem(table.table(), item) : null;
    }
    if (delete != null && delete.size() == 1 && delete.get("Key") instanceof ObjectNode key) {
      ObjectNode asDelete = JsonCodec.object().put("TableName", table.table()).set("Key", key);
      return CHECKS.deleteItem(asDelete, schema, null) instanceof WriteOutcome.Applied ? schema.keyOf(table.table(), key) : null;
    }
    return null;
  }

  private static ObjectNode batchWriteItems(List<Keyed> writes) {
    ObjectNode part = JsonCodec.object();
    for (Keyed write : writes) {
      ArrayNode list = part.has(write.table()) ? (ArrayNode) part.get(write.table()) : part.putArray(write.table());
      list.add(write.json());
    }
    return part;
  }

  // ---- shared ----

  /** A key (BatchGetItem) or write request (BatchWriteItem) of one table, and its partition. */
  record Keyed(String table, JsonNode json, int partition) {
    Keyed(JsonNode json, int partition) {
      this(null, json, partition);
    }
  }

  private Future<Map<String, TableLookup>> lookups(ObjectNode items) {
    List<String> spellings = new ArrayList<>();
    List<Future<TableLookup>> lookups = new ArrayList<>();
    for (Iterator<String> it = items.fieldNames(); it.hasNext(); ) {
      String spelling = it.next();
      spellings.add(spelling);
      lookups.add(tables.apply(spelling));
    }
    return Future.all(lookups).compose(done -> {
      Map<String, TableLookup> bySpelling = new LinkedHashMap<>();
      Set<String> plain = new HashSet<>();
      for (int i = 0; i < spellings.size(); i++) {
        TableLookup table = lookups.get(i).result();
        if (table.metadata() == null || !plain.add(table.table())) {
          // A table not known, or one table under two spellings: DynamoDB answers for the whole batch.
          return Future.failedFuture("not routable");
        }
        bySpelling.put(spellings.get(i), table);
      }
      return Future.succeededFuture(bySpelling);
    });
  }

  /** The call with other {@code RequestItems}, every other member as the client sent it. */
  private static ApiRequest part(ApiRequest whole, ObjectNode requestItems) {
    ObjectNode json = whole.json().deepCopy();
    json.set("RequestItems", requestItems);
    return new ApiRequest(whole.operation(), Buffer.buffer(JsonCodec.write(json)), json, whole.forwarded());
  }

  /** The merged answer of the parts; the first error answer (this node's part first) or failure is the whole call's. */
  private static Future<ApiResponse> merged(List<Future<ApiResponse>> answers, Function<List<JsonNode>, ObjectNode> merge) {
    return Future.join(answers).transform(done -> {
      for (Future<ApiResponse> answer : answers) {
        if (answer.failed()) {
          return Future.failedFuture(answer.cause());
        }
        if (answer.result().statusCode() != 200) {
          return Future.succeededFuture(answer.result());
        }
      }
      List<JsonNode> bodies = answers.stream().map(a -> JsonCodec.read(a.result().body().getBytes())).toList();
      return Future.succeededFuture(ApiResponse.ok(merge.apply(bodies)));
    });
  }

  private Future<ApiResponse> forward(NodeInfo owner, String operation, Buffer body) {
    Future<ApiResponse> answer;
    try {
      answer = hop.send(owner, operation, body);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    forwarded.get(operation).increment();
    return answer.onFailure(failure -> {
      if (failure instanceof OwnerUnreachable) {
        forwardFailures.increment();
      }
    });
  }

  /** The answer to a forwarded call of a partition that {@code route} says another member owns; nothing of the call ran. */
  private static Future<ApiResponse> misrouted(Route route) {
    ObjectNode body = JsonCodec.object().put("__type", Forwarder.MISROUTED_TYPE)
        .put("message", "This member does not own the partition; member " + route.owner().id() + " does");
    return Future.succeededFuture(new ApiResponse(Forwarder.MISROUTED, Buffer.buffer(JsonCodec.write(body)), -1, null));
  }

  /** A write the owner may have executed but did not confirm: its outcome is unknown, as after an upstream timeout. */
  private static Throwable outcomeUnknown(Throwable failure) {
    return failure instanceof OwnerUnreachable unreachable
        ? DynamoDbException.internal("The owner of the item's partition did not answer; the request may have been processed: " + unreachable.getMessage())
        : failure;
  }

  /** A write's answer, unless it succeeded on a node that may have lost its lease meanwhile: then its outcome is unknown. */
  private static Future<ApiResponse> settled(AsyncResult<ApiResponse> done, boolean acknowledgeable) {
    if (done.succeeded() && done.result().statusCode() == 200 && !acknowledgeable) {
      return Future.failedFuture(DynamoDbException.internal(
          "This accelerator node lost its cluster's majority while the write was in flight; the request may have been processed"));
    }
    return done.succeeded() ? Future.succeededFuture(done.result()) : Future.failedFuture(done.cause());
  }

  private Future<ApiResponse> here(ApiRequest request) {
    try {
      return local.handle(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
