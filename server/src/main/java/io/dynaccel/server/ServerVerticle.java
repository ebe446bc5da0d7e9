package io.dynaccel.server;

import io.dynaccel.config.ServerConfig;
import io.dynaccel.server.admin.AdminRoutes;
import io.dynaccel.server.api.ApiEndpoint;
import io.dynaccel.server.health.NodeHealth;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP front of the accelerator, bound to one event loop; the server deploys one per core, all
 * sharing the port and the caches.
 */
final class ServerVerticle extends VerticleBase {

  private final ServerConfig config;
  private final int port;
  private final ApiEndpoint api;
  private final DynaccelMetrics metrics;
  private final AdminRoutes admin;
  private final NodeHealth health;
  /** How long a stopping front waits for requests in flight: longer than any write-back ack, short enough for a SIGTERM deadline. */
  private static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(10);

  private HttpServer server;

  ServerVerticle(ServerConfig config, int port, ApiEndpoint api, DynaccelMetrics metrics, AdminRoutes admin, NodeHealth health) {
    this.health = health;
    this.config = config;
    this.port = port;
    this.api = api;
    this.metrics = metrics;
    this.admin = admin;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    health.mount(router);
    router.get("/metrics").handler(context -> context.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    admin.mount(router);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setTcpNoDelay(true)
        .setIdleTimeout((int) config.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    // The API goes straight to its endpoint; the router only serves the operator endpoints. Like
    // DynamoDB, the API answers on every other path and method (GET with its health line).
    server = vertx.createHttpServer(options).requestHandler(request -> {
      if (isOperatorPath(request.path())) {
        router.handle(request);
      } else {
        api.handle(request);
      }
    });
    return server.listen();
  }

  private static boolean isOperatorPath(String path) {
    return path != null && path.length() > 1 && (path.equals("/health") || path.equals("/health/live") || path.equals("/health/ready") || path.equals("/metrics") || path.equals("/admin") || path.startsWith("/admin/"));
  }

  /**
   * Stops accepting and lets requests in flight finish, closing each connection once it is idle;
   * connections still busy after the grace period are closed.
   */
  @Override
  public Future<?> stop() {
    return server.shutdown(IN_FLIGHT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port this front listens on. */
  int actualPort() {
    return server.actualPort();
  }
}
