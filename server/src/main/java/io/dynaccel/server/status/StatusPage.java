package io.dynaccel.server.status;

import io.dynaccel.server.admin.WorkerRead;
import io.dynaccel.server.cluster.ClusterAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.Map;

/**
 * The live status page of the admin listener: {@code GET /status} serves a static page from the jar
 * (HTML, JavaScript and the vendored uPlot chart library, no build step at run time), which polls
 * {@code GET /status.json} every second and charts what it reads.
 *
 * <p>The page's files carry no data of the node, so {@link #mountPage} adds them ahead of the admin
 * token check, as the health probes are: a browser cannot put a bearer token on the request that
 * opens a page. The data can tell an outsider a lot, so {@link #mountData} goes behind the token like
 * every other admin route; the page sends the token it is given in its URL's fragment
 * ({@code /status#token=...}), which the browser never sends to a server.
 */
public final class StatusPage {

  private static final String RESOURCES = "io/dynaccel/server/status";

  private final StatusSnapshot meters;
  private final ClusterAdmin cluster;
  private final JsonObject config;

  /**
   * Creates the page over the node's meters, its cluster view and its configuration.
   *
   * @param config the effective configuration with its secrets already redacted
   */
  public StatusPage(MeterRegistry registry, ClusterAdmin cluster, Map<String, Object> config, Clock clock) {
    this.meters = new StatusSnapshot(registry, clock);
    this.cluster = cluster;
    this.config = new JsonObject(config);
  }

  /** Adds {@code GET /status} and its static files. */
  public void mountPage(Router router) {
    router.get("/status").handler(context -> context.reroute("/status/index.html"));
    router.get("/status/*").handler(StaticHandler.create(RESOURCES).setCachingEnabled(false));
  }

  /**
   * Adds {@code GET /status.json}: the meters now, the cluster's members and the configuration. Read on
   * a worker, as a scrape is: it searches the registry, snapshots every timer that ran and reads gauges
   * such as the oldest unflushed write-back change, which walks the dirty items; each open page asks
   * every second, and the admin listener shares its event loops with the API.
   */
  public void mountData(Router router) {
    router.get("/status.json").handler(new WorkerRead(() -> snapshot().encode(),
        Map.of("Content-Type", "application/json", "Cache-Control", "no-store")));
  }

  /** What {@code /status.json} answers. */
  JsonObject snapshot() {
    JsonObject described = cluster.describe();
    // The partition list is for /cluster; the page shows members, and a second's poll need not carry every partition.
    JsonObject members = new JsonObject()
        .put("clustered", described.getBoolean("clustered"))
        .put("memberId", described.getString("memberId"))
        .put("quorum", described.getBoolean("quorum"))
        .put("partitions", described.getInteger("partitions"))
        .put("members", described.getJsonArray("members"));
    return meters.read().put("cluster", members).put("config", config);
  }
}
