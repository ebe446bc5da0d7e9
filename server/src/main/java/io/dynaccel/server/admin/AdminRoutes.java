package io.dynaccel.server.admin;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.query.QueryCache;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Operator endpoints that drop cached data (which DAX cannot do): {@code DELETE /admin/query-cache}
 * and {@code DELETE /admin/item-cache}, for everything or, with {@code /{table}} appended, for one
 * table. Dropping is always safe: the next read fills from DynamoDB.
 */
public final class AdminRoutes {

  private final ItemCache items;
  private final QueryCache queries;

  /** Creates the routes over the node's caches. */
  public AdminRoutes(ItemCache items, QueryCache queries) {
    this.items = items;
    this.queries = queries;
  }

  /** Adds the routes to a router. */
  public void mount(Router router) {
    router.delete("/admin/query-cache").handler(context -> drop(context, "query", "*", t -> queries.invalidateAll()));
    router.delete("/admin/query-cache/:table").handler(context -> drop(context, "query", context.pathParam("table"), queries::invalidateTable));
    router.delete("/admin/item-cache").handler(context -> drop(context, "item", "*", t -> items.invalidateAll()));
    router.delete("/admin/item-cache/:table").handler(context -> drop(context, "item", context.pathParam("table"), items::invalidateTable));
  }

  private static void drop(RoutingContext context, String cache, String table, Consumer<String> dropper) {
    dropper.accept(table);
    context.response()
        .putHeader("Content-Type", "application/json")
        .end("{\"cache\":\"" + cache + "\",\"dropped\":" + Json.encode(table) + "}");
  }
}
