package io.dynaccel.server.admin;

import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.query.QueryCache;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Operator endpoints that drop cached data (which DAX cannot do): {@code DELETE /admin/query-cache}
 * and {@code DELETE /admin/item-cache}, for everything or, with {@code /{table}} appended, for one
 * table. Dropping is always safe: the next read fills from DynamoDB, and dirty write-back items are
 * not cached data but the node's acknowledged state, which no drop touches.
 * {@code POST /admin/write-back/flush} answers once every write-back change acknowledged before it
 * is in DynamoDB (or in the dead-letter file).
 */
public final class AdminRoutes {

  private final ItemCache items;
  private final QueryCache queries;
  private final DirtyItems dirty;

  /** Creates the routes over the node's caches and write-back state. */
  public AdminRoutes(ItemCache items, QueryCache queries, DirtyItems dirty) {
    this.items = items;
    this.queries = queries;
    this.dirty = dirty;
  }

  /** Adds the routes to a router. */
  public void mount(Router router) {
    router.delete("/admin/query-cache").handler(context -> drop(context, "query", "*", t -> queries.invalidateAll()));
    router.delete("/admin/query-cache/:table").handler(context -> drop(context, "query", context.pathParam("table"), queries::invalidateTable));
    router.delete("/admin/item-cache").handler(context -> drop(context, "item", "*", t -> items.invalidateAll()));
    router.delete("/admin/item-cache/:table").handler(context -> drop(context, "item", context.pathParam("table"), items::invalidateTable));
    router.post("/admin/write-back/flush").handler(context -> dirty.flushed(null).onComplete(done -> {
      if (done.succeeded()) {
        context.response().putHeader("Content-Type", "application/json").end("{\"flushed\":true}");
      } else {
        context.fail(done.cause());
      }
    }));
  }

  private static void drop(RoutingContext context, String cache, String table, Consumer<String> dropper) {
    dropper.accept(table);
    context.response()
        .putHeader("Content-Type", "application/json")
        .end("{\"cache\":\"" + cache + "\",\"dropped\":" + Json.encode(table) + "}");
  }
}
