package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.query.QueryCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's view of the cluster and the operations that act on all of it: a purge drops the
 * cache of every member (each answers at {@code dynaccel.admin.<memberId>}), and {@link #describe()}
 * is {@code GET /cluster}. A node that runs alone is a cluster of itself.
 */
public final class ClusterAdmin {

  private static final String ADDRESS = "dynaccel.admin.";
  private static final String ALONE_ID = "local";
  private static final DeliveryOptions DELIVERY = new DeliveryOptions().setSendTimeout(Duration.ofSeconds(5).toMillis());

  /** The caches a purge drops. */
  public enum Cache { ITEM, QUERY }

  /**
   * What a purge reached.
   *
   * @param members the members asked
   * @param answered the members that dropped their cache and said so
   */
  public record Purged(int members, int answered) {}

  private final ItemCache items;
  private final QueryCache queries;
  private final Vertx vertx;
  private final Ownership ownership;
  private volatile URI api;
  private MessageConsumer<JsonObject> consumer;

  private ClusterAdmin(ItemCache items, QueryCache queries, Vertx vertx, Ownership ownership) {
    this.items = items;
    this.queries = queries;
    this.vertx = vertx;
    this.ownership = ownership;
  }

  /** The admin of a node that runs alone. */
  public static ClusterAdmin alone(ItemCache items, QueryCache queries) {
    return new ClusterAdmin(items, queries, null, null);
  }

  /** The admin of a member of a cluster. */
  public static ClusterAdmin clustered(ItemCache items, QueryCache queries, Vertx vertx, Ownership ownership) {
    return new ClusterAdmin(items, queries, vertx, ownership);
  }

  /** Starts answering other members' purges; completes once the address is known cluster-wide. */
  public Future<Void> start() {
    if (ownership == null) {
      return Future.succeededFuture();
    }
    consumer = vertx.eventBus().consumer(ADDRESS + ownership.localId(), message -> {
      JsonObject body = message.body();
      dropLocally(Cache.valueOf(body.getString("cache")), body.getString("table"));
      message.reply(new JsonObject().put("dropped", true));
    });
    return consumer.completion();
  }

  /** Stops answering purges. */
  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Where this node serves the DynamoDB API, for {@link #describe()} of a node that runs alone. */
  public void serveAs(URI api) {
    this.api = api;
  }

  /**
   * Drops one cache of one table ({@link ItemCache#ALL_TABLES} for all) on every member: the serving
   * members of the view, and this one whether it serves yet or not.
   */
  public Future<Purged> purge(Cache cache, String table) {
    if (ownership == null) {
      dropLocally(cache, table);
      return Future.succeededFuture(new Purged(1, 1));
    }
    Set<String> members = new LinkedHashSet<>();
    members.add(ownership.localId());
    ownership.view().members().forEach(member -> members.add(member.id()));
    JsonObject body = new JsonObject().put("cache", cache.name()).put("table", table);
    List<Future<?>> asked = new ArrayList<>();
    members.forEach(member -> asked.add(vertx.eventBus().request(ADDRESS + member, body, DELIVERY)));
    return Future.join(asked).transform(all -> Future.succeededFuture(new Purged(members.size(),
        (int) asked.stream().filter(Future::succeeded).count())));
  }

  private void dropLocally(Cache cache, String table) {
    boolean all = ItemCache.ALL_TABLES.equals(table);
    switch (cache) {
      case ITEM -> {
        if (all) {
          items.invalidateAll();
        } else {
          items.invalidateTable(table);
        }
      }
      case QUERY -> {
        if (all) {
          queries.invalidateAll();
        } else {
          queries.invalidateTable(table);
        }
      }
    }
  }

  /**
   * {@code GET /cluster}: this node's id and quorum, the serving members with their endpoints and how
   * many partitions each owns, and the partitions this node serves with their epochs. Alone, the node
   * is the one member, owns every partition and has no epochs (0): nothing can move.
   */
  public JsonObject describe() {
    JsonObject answer = new JsonObject().put("partitions", Partitions.COUNT);
    if (ownership == null) {
      JsonArray owned = new JsonArray();
      for (int p = 0; p < Partitions.COUNT; p++) {
        owned.add(new JsonObject().put("partition", p).put("epoch", 0));
      }
      return answer.put("clustered", false).put("memberId", ALONE_ID).put("quorum", true)
          .put("members", new JsonArray().add(member(ALONE_ID, api, Partitions.COUNT)))
          .put("owned", owned);
    }
    ClusterView view = ownership.view();
    int[] counts = new int[view.members().size()];
    for (int p = 0; p < Partitions.COUNT; p++) {
      if (view.owners()[p] >= 0) {
        counts[view.owners()[p]]++;
      }
    }
    JsonArray members = new JsonArray();
    for (int m = 0; m < view.members().size(); m++) {
      members.add(member(view.members().get(m).id(), view.members().get(m).api(), counts[m]));
    }
    JsonArray owned = new JsonArray();
    for (Map.Entry<Integer, Long> entry : ownership.ownedEpochs().entrySet()) {
      owned.add(new JsonObject().put("partition", entry.getKey()).put("epoch", entry.getValue()));
    }
    return answer.put("clustered", true).put("memberId", ownership.localId()).put("quorum", ownership.hasQuorum())
        .put("members", members).put("owned", owned);
  }

  private static JsonObject member(String id, URI api, int ownedPartitions) {
    return new JsonObject().put("id", id).put("endpoint", api == null ? null : api.toString()).put("ownedPartitions", ownedPartitions);
  }
}
