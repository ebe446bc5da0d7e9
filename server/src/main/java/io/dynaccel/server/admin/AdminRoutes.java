package io.dynaccel.server.admin;

import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cluster.ClusterAdmin;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Operator endpoints that drop cached data (which DAX cannot do): {@code DELETE /admin/query-cache}
 * and {@code DELETE /admin/item-cache}, for everything or, with {@code /{table}} appended, for one
 * table. Dropping is always safe: the next read fills from DynamoDB, and dirty write-back items are
 * not cached data but the node's acknowledged state, which no drop touches. In a cluster a drop acts
 * on every member and says how many answered; {@code GET /cluster} describes the cluster.
 * {@code POST /admin/write-back/flush} answers once every write-back change acknowledged before it
 * is in DynamoDB (or in the dead-letter file).
 */
public final class AdminRoutes {

  private final ClusterAdmin cluster;
  private final DirtyItems dirty;

  /** Creates the routes over the cluster's caches and this node's write-back state. */
  public AdminRoutes(ClusterAdmin cluster, DirtyItems dirty) {
    this.cluster = cluster;
    this.dirty = dirty;
  }

  /** Adds the routes to a router. */
  public void mount(Router router) {
    router.delete("/admin/query-cache").handler(context -> drop(context, ClusterAdmin.Cache.QUERY, ItemCache.ALL_TABLES));
    router.delete("/admin/query-cache/:table").handler(context -> drop(context, ClusterAdmin.Cache.QUERY, context.pathParam("table")));
    router.delete("/admin/item-cache").handler(context -> drop(context, ClusterAdmin.Cache.ITEM, ItemCache.ALL_TABLES));
    router.delete("/admin/item-cache/:table").handler(context -> drop(context, ClusterAdmin.Cache.ITEM, context.pathParam("table")));
    router.get("/cluster").handler(context -> context.response().putHeader("Content-Type", "application/json").end(cluster.describe().encode()));
    router.post("/admin/write-back/flush").handler(context -> dirty.flushed(null).onComplete(done -> {
      if (done.succeeded()) {
        context.response().putHeader("Content-Type", "application/json").end("{\"flushed\":true}");
      } else {
        context.fail(done.cause());
      }
    }));
  }

  private void drop(RoutingContext context, ClusterAdmin.Cache cache, String table) {
    cluster.purge(cache, table).onComplete(purged -> context.response()
        .putHeader("Content-Type", "application/json")
        .end("{\"cache\":\"" + cache.name().toLowerCase(Locale.ROOT) + "\",\"dropped\":" + Json.encode(table)
            + ",\"members\":" + purged.result().members() + ",\"answered\":" + purged.result().answered() + "}"));
  }
}
