package io.dynaccel.server;

import io.dynaccel.config.AdminConfig;
import io.dynaccel.server.admin.AdminRoutes;
import io.dynaccel.server.admin.AdminToken;
import io.dynaccel.server.admin.WorkerRead;
import io.dynaccel.server.health.NodeHealth;
import io.dynaccel.server.status.StatusPage;
import io.dynaccel.server.tls.FrontTls;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener: one HTTP server of its own, apart from the API port, serving the operator
 * endpoints ({@code /admin/*}, {@code /metrics}, {@code /health}, the {@code /status} page). It is bound to loopback unless
 * configured otherwise, and off loopback it requires a bearer token ({@link AdminConfig}). It speaks
 * HTTPS whenever the API port does. Its connections do not count against the API's connection
 * limits, so an operator can still reach a node that a flood of clients holds at its cap.
 *
 * <p>With a token, every request but the health probes must carry {@code Authorization: Bearer
 * <token>}, else it is answered 401. The health routes stay open: the API port answers them without
 * a token anyway, and a load balancer's probe should not need a secret. So do the status page's
 * static files, which hold no data; the data they read, {@code /status.json}, needs the token.
 */
final class AdminVerticle extends VerticleBase {

  private final AdminConfig config;
  private final Optional<AdminToken> token;
  private final DynaccelMetrics metrics;
  private final AdminRoutes admin;
  private final NodeHealth health;
  private final StatusPage status;
  private final FrontTls tls;
  private final Duration shutdownTimeout;

  private HttpServer server;

  AdminVerticle(AdminConfig config, Optional<AdminToken> token, DynaccelMetrics metrics, AdminRoutes admin, NodeHealth health,
      StatusPage status, FrontTls tls, Duration shutdownTimeout) {
    this.config = config;
    this.token = token;
    this.metrics = metrics;
    this.admin = admin;
    this.health = health;
    this.status = status;
    this.tls = tls;
    this.shutdownTimeout = shutdownTimeout;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    health.mount(router);
    status.mountPage(router);
    token.ifPresent(expected -> router.route().handler(context -> authorize(context, expected)));
    // A scrape writes every meter (about 260 KB, milliseconds): on a worker, not on an event loop API fronts share.
    router.get("/metrics").handler(new WorkerRead(metrics::scrape, Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8")));
    admin.mount(router);
    status.mountData(router);
    // With TLS on the API port the admin port takes the same certificate (and client CA), so a
    // token sent off loopback never crosses the network in clear.
    server = vertx.createHttpServer(tls.secure(new HttpServerOptions().setHost(config.host()).setPort(config.port()))).requestHandler(router);
    return server.listen().onSuccess(tls::serve);
  }

  private static void authorize(RoutingContext context, AdminToken expected) {
    if (expected.accepts(context.request().getHeader("Authorization"))) {
      context.next();
    } else {
      context.response()
          .setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer realm=\"dynaccel-admin\"")
          .putHeader("Content-Type", "application/json")
          .end("{\"error\":\"a valid admin bearer token is required\"}");
    }
  }

  /** Stops accepting; requests in flight (a write-back flush, say) get {@code server.shutdownTimeout} to finish. */
  @Override
  public Future<?> stop() {
    tls.forget(server);
    return server.shutdown(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port the admin listener is bound to. */
  int actualPort() {
    return server.actualPort();
  }
}
