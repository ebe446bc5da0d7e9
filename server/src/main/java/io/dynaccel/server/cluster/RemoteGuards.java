package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryScope;
import io.dynaccel.server.write.GuardOutcome;
import io.dynaccel.server.write.PeerGuards;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PeerGuards} over the clustered event bus: each member answers guard calls at
 * {@code dynaccel.guards.<memberId>} with a {@link GuardBook} of its own, and asks the others.
 *
 * <p>Who is asked follows the current view: for each key a write names, the owner of its partition
 * unless this node serves that partition itself (its local tickets are the guard then), or every other
 * member while the partition is moving to this node; for its table, the owner of the table's
 * table-wide work ({@link Partitions#ofTable}) on the same terms; for
 * a write whose items cannot be named, every serving member but this one. Without a quorum, or with a
 * member that does not answer within {@link #CALL_TIMEOUT}, nothing is sent to DynamoDB: the guards
 * already opened are closed again and the write fails with a 500 InternalServerError, which SDKs retry.
 */
public final class RemoteGuards implements PeerGuards {

  /** How long a guard call waits for its member's answer. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
  /** How long a write waits for the view to drop a member that did not answer: past Hazelcast's 5 s silence limit. */
  static final Duration DEPARTURE_WAIT = Duration.ofSeconds(6);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration EXPIRY_PERIOD = Duration.ofMillis(500);
  private static final String ADDRESS = "dynaccel.guards.";
  private static final Logger LOG = LoggerFactory.getLogger(RemoteGuards.class);

  private final Vertx vertx;
  private final Ownership ownership;
  private final GuardBook book;
  private final GuardMeters meters;
  private final DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(CALL_TIMEOUT.toMillis());
  private MessageConsumer<JsonObject> consumer;
  private long expiryTimer = -1;

  /**
   * Creates the guards of this member.
   *
   * @param hold how long a guard opened here may stay open before it is closed as of unknown outcome:
   *     longer than any caller's upstream call
   */
  public RemoteGuards(Vertx vertx, Ownership ownership, ItemCache items, QueryCache queries, Duration hold, GuardMeters meters) {
    this(vertx, ownership, new GuardBook(items, queries, hold, System::nanoTime), meters);
  }

  RemoteGuards(Vertx vertx, Ownership ownership, GuardBook book, GuardMeters meters) {
    this.vertx = vertx;
    this.ownership = ownership;
    this.book = book;
    this.meters = meters;
    ownership.whileGuarded(book::coversSince);
  }

  /** Starts answering other members' guard calls; completes once the address is known cluster-wide. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(ADDRESS + ownership.localId(), this::answer);
    expiryTimer = vertx.setPeriodic(EXPIRY_PERIOD.toMillis(), id -> {
      int expired = book.expireOverdue();
      if (expired > 0) {
        meters.expired().increment(expired);
        LOG.warn("Closed {} write guard(s) whose writer never closed them, as writes of unknown outcome", expired);
      }
    });
    return consumer.completion();
  }

  /** Stops answering; guards still open stay until the caches forget them. */
  public Future<Void> stop() {
    vertx.cancelTimer(expiryTimer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  @Override
  public Future<Held> openItems(Collection<ItemKey> keys) {
    return untilTheViewDropsTheSilent(() -> openItemsOnce(keys));
  }

  private Future<Held> openItemsOnce(Collection<ItemKey> keys) {
    if (!ownership.hasQuorum()) {
      return Future.failedFuture(noQuorum());
    }
    ClusterView view = ownership.view();
    Set<Integer> entered = new LinkedHashSet<>();
    Map<String, Parts> byMember = new LinkedHashMap<>();
    for (ItemKey key : keys) {
      guardedAt(view, Partitions.of(key), entered).forEach(member -> byMember.computeIfAbsent(member, m -> new Parts()).keys.add(key));
      guardedAt(view, Partitions.ofTable(key.table()), entered)
          .forEach(member -> byMember.computeIfAbsent(member, m -> new Parts()).scopes.add(new QueryScope(key.table(), key.partition())));
    }
    Map<String, GuardRequest> requests = new LinkedHashMap<>();
    byMember.forEach((member, parts) -> requests.put(member, new GuardRequest(new ArrayList<>(parts.keys), new ArrayList<>(parts.scopes), List.of())));
    return openAt(requests, entered);
  }

  @Override
  public Future<Held> openTables(Collection<String> tables) {
    return untilTheViewDropsTheSilent(() -> openTablesOnce(tables));
  }

  private Future<Held> openTablesOnce(Collection<String> tables) {
    if (!ownership.hasQuorum()) {
      return Future.failedFuture(noQuorum());
    }
    GuardRequest request = GuardRequest.ofTables(List.copyOf(tables));
    Map<String, GuardRequest> requests = new LinkedHashMap<>();
    for (NodeInfo member : ownership.view().members()) {
      if (!member.id().equals(ownership.localId())) {
        requests.put(member.id(), request);
      }
    }
    // Any item of the tables may change: none of this node's partitions is handed over meanwhile.
    Set<Integer> entered = new LinkedHashSet<>();
    for (int partition = 0; partition < Partitions.COUNT; partition++) {
      served(partition, entered);
    }
    return openAt(requests, entered);
  }

  /**
   * Opens the guards; when a member does not answer, waits (up to {@link #DEPARTURE_WAIT}) for the view to
   * drop it, as it does a killed member in about half a second, and opens them again under the new view,
   * whose owners then hold or wait for its partitions. A member that stays in the view fails the write.
   */
  private Future<Held> untilTheViewDropsTheSilent(Supplier<Future<Held>> attempt) {
    long deadline = System.nanoTime() + DEPARTURE_WAIT.toNanos();
    return attempt.get().recover(failure -> {
      if (!(failure instanceof Unanswered silent)) {
        return Future.failedFuture(failure);
      }
      Promise<Held> retried = Promise.promise();
      vertx.setPeriodic(POLL.toMillis(), timer -> {
        boolean gone = ownership.view().members().stream().noneMatch(member -> member.id().equals(silent.member));
        if (gone) {
          vertx.cancelTimer(timer);
          attempt.get().onComplete(retried);
        } else if (System.nanoTime() - deadline >= 0) {
          vertx.cancelTimer(timer);
          retried.fail(silent.answer);
        }
      });
      return retried.future();
    });
  }

  /** A member that did not open its guard; nothing was sent to DynamoDB. */
  private static final class Unanswered extends RuntimeException {

    private final String member;
    private final DynamoDbException answer;

    Unanswered(String member, DynamoDbException answer) {
      super(answer.getMessage(), null, false, false);
      this.member = member;
      this.answer = answer;
    }
  }

  /**
   * The members that may serve the partition while this node writes it: none if this node serves it
   * (its own tickets guard it); its owner in the view; and while the view names this node but its lease
   * is still held elsewhere (PENDING), every other member, since the previous holder is among them.
   */
  private List<String> guardedAt(ClusterView view, int partition, Set<Integer> entered) {
    if (served(partition, entered)) {
      return List.of();
    }
    String me = ownership.localId();
    Optional<NodeInfo> owner = view.owner(partition);
    if (owner.isPresent() && !owner.get().id().equals(me)) {
      return List.of(owner.get().id());
    }
    return view.members().stream().map(NodeInfo::id).filter(id -> !id.equals(me)).toList();
  }

  /**
   * Whether this node serves the partition, registering the write with its ownership (once per
   * partition) so that the lease is not handed over before the write is settled: its own tickets are
   * then the guard, and a new owner would hold none.
   */
  private boolean served(int partition, Set<Integer> entered) {
    if (entered.contains(partition)) {
      return true;
    }
    Route route = ownership.route(partition);
    if (route.kind() == Route.Kind.SERVE && ownership.enter(partition, route.epoch())) {
      entered.add(partition);
      return true;
    }
    return false;
  }

  private Future<Held> openAt(Map<String, GuardRequest> requests, Set<Integer> entered) {
    Runnable exit = () -> entered.forEach(ownership::exit);
    if (requests.isEmpty()) {
      if (entered.isEmpty()) {
        return Future.succeededFuture(Held.NOTHING);
      }
      return Future.succeededFuture(outcome -> {
        exit.run();
        return Future.succeededFuture();
      });
    }
    List<Opened> opened = new ArrayList<>();
    return openEach(requests, opened).compose(notHolding -> {
      // An owner in the view that does not hold the lease yet cannot vouch that nobody serves the
      // partition: its previous holder may still, for a reconcile tick. Guard at every member then.
      Map<String, GuardRequest> everywhere = new LinkedHashMap<>();
      for (String member : notHolding) {
        GuardRequest request = requests.get(member);
        ownership.view().members().stream().map(NodeInfo::id)
            .filter(id -> !id.equals(member) && !id.equals(ownership.localId()))
            .forEach(id -> everywhere.merge(id, request, GuardRequest::plus));
      }
      return everywhere.isEmpty() ? Future.succeededFuture(List.<String>of()) : openEach(everywhere, opened);
    }).transform(done -> {
      Held held = outcome -> closeAll(opened, outcome).onComplete(closed -> exit.run());
      if (done.succeeded()) {
        return Future.succeededFuture(held);
      }
      Throwable cause = done.cause();
      DynamoDbException answer = DynamoDbException.internal(
          "A member of the accelerator cluster could not guard this write (" + cause.getMessage() + "); nothing was sent to DynamoDB");
      // Nothing was sent: the guards opened so far are closed as a refused write.
      return held.close(GuardOutcome.REJECTED).transform(closed -> Future.failedFuture(
          cause instanceof SilentMember silent ? new Unanswered(silent.member, answer) : answer));
    });
  }

  /** Which member failed to open a guard, and how. */
  private static final class SilentMember extends RuntimeException {

    private final String member;

    SilentMember(String member, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.member = member;
    }
  }

  /** A guard opened at a member, to be closed there. */
  private record Opened(String member, long handle) {
  }

  /** Opens each request at its member, adding what opened to {@code opened}; yields the members that do not hold what they guard. */
  private Future<List<String>> openEach(Map<String, GuardRequest> requests, List<Opened> opened) {
    List<String> members = new ArrayList<>(requests.keySet());
    List<Future<JsonObject>> opening = members.stream().map(member -> open(member, requests.get(member))).toList();
    return Future.join(opening).transform(all -> {
      List<String> notHolding = new ArrayList<>();
      Throwable failure = null;
      for (int i = 0; i < members.size(); i++) {
        if (opening.get(i).succeeded()) {
          JsonObject reply = opening.get(i).result();
          opened.add(new Opened(members.get(i), reply.getLong("handle")));
          if (!reply.getBoolean("holds", true)) {
            notHolding.add(members.get(i));
          }
        } else if (failure == null) {
          failure = new SilentMember(members.get(i), opening.get(i).cause());
        }
      }
      return failure == null ? Future.succeededFuture(notHolding) : Future.failedFuture(failure);
    });
  }

  private Future<JsonObject> open(String member, GuardRequest request) {
    JsonObject body = new JsonObject().put("op", "open").put("guard", request.toJson());
    return vertx.eventBus().<JsonObject>request(ADDRESS + member, body, delivery).map(Message::body);
  }

  private Future<Void> closeAll(List<Opened> opened, GuardOutcome outcome) {
    List<Future<Message<JsonObject>>> closing = new ArrayList<>();
    opened.forEach(guard -> closing.add(vertx.eventBus().<JsonObject>request(ADDRESS + guard.member(),
        new JsonObject().put("op", "close").put("handle", guard.handle()).put("outcome", outcome.name()), delivery)
        .onFailure(e -> LOG.warn("Member {} did not confirm closing write guard {} ({}); it closes the guard itself when it expires", guard.member(),
            guard.handle(), e.getMessage()))));
    // A close that is lost is not the write's failure: the owner dropped what the guard covers when it opened.
    return Future.join(closing).<Void>mapEmpty().otherwiseEmpty();
  }

  private void answer(Message<JsonObject> message) {
    JsonObject body = message.body();
    switch (body.getString("op", "")) {
      case "open" -> {
        GuardRequest request = GuardRequest.fromJson(body.getJsonObject("guard"));
        long handle = book.open(request);
        meters.opened().increment();
        message.reply(new JsonObject().put("handle", handle).put("holds", holds(request)));
      }
      case "close" -> message.reply(new JsonObject().put("closed", book.close(body.getLong("handle"), GuardOutcome.valueOf(body.getString("outcome")))));
      default -> message.fail(400, "unknown guard operation " + body.getString("op"));
    }
  }

  /** Whether this member holds the leases of everything {@code request} guards, so that nobody else serves it. */
  private boolean holds(GuardRequest request) {
    return request.keys().stream().allMatch(key -> serves(Partitions.of(key)))
        && request.scopes().stream().allMatch(scope -> serves(Partitions.ofTable(scope.table())));
  }

  private boolean serves(int partition) {
    return ownership.route(partition).kind() == Route.Kind.SERVE;
  }

  private static DynamoDbException noQuorum() {
    return DynamoDbException.internal("This accelerator node is cut off from the majority of its cluster; try another node");
  }

  /** What one member is asked to guard. */
  private static final class Parts {
    final Set<ItemKey> keys = new LinkedHashSet<>();
    final Set<QueryScope> scopes = new LinkedHashSet<>();
  }
}
