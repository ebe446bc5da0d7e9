package io.dynaccel.server;

import io.dynaccel.config.ServerConfig;
import io.dynaccel.server.api.ApiEndpoint;
import io.dynaccel.server.health.NodeHealth;
import io.dynaccel.server.limits.BodyDeadlines;
import io.dynaccel.server.limits.ConnectionLimits;
import io.dynaccel.server.tls.FrontTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP front of the accelerator, bound to one event loop; the server deploys one per core, all
 * sharing the port, the caches and the connection limits. It serves the DynamoDB API and the health
 * line; the operator endpoints ({@code /admin/*}, {@code /metrics}) live on the admin listener
 * ({@link AdminVerticle}), so here they get the API's answer to an unknown path, as DynamoDB gives.
 */
final class ServerVerticle extends VerticleBase {

  private final ServerConfig config;
  private final int port;
  private final ApiEndpoint api;
  private final ConnectionLimits limits;
  private final NodeHealth health;
  private final FrontTls tls;
  /** Null when {@code server.requestReadTimeout} is 0. */
  private final BodyDeadlines bodyDeadlines;

  private HttpServer server;

  ServerVerticle(ServerConfig config, int port, ApiEndpoint api, ConnectionLimits limits, NodeHealth health, FrontTls tls) {
    this.health = health;
    this.config = config;
    this.port = port;
    this.api = api;
    this.limits = limits;
    this.tls = tls;
    this.bodyDeadlines = config.requestReadTimeout().isZero() ? null : new BodyDeadlines(config.requestReadTimeout());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    health.mount(router);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setTcpNoDelay(true)
        .setIdleTimeout((int) config.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // Over it Vert.x answers 431 and closes the connection before any handler runs.
        .setMaxHeaderSize(config.maxHeaderBytes())
        // DynamoDB speaks HTTP/1.1 only. With h2c detection on, Vert.x would create (and the limits
        // count) a connection only once its first bytes arrive, so silent sockets would go uncounted.
        .setHttp2ClearTextEnabled(false);
    // The API goes straight to its endpoint; the router only serves the health line. Like
    // DynamoDB, the API answers on every other path and method (GET with its health line).
    server = vertx.createHttpServer(tls.secure(options))
        .connectionHandler(limits)
        .requestHandler(request -> {
          if (isOperatorPath(request.path())) {
            router.handle(request);
          } else {
            api.handle(request);
            if (bodyDeadlines != null) {
              bodyDeadlines.watch(request);
            }
          }
        });
    if (bodyDeadlines != null) {
      // On this front's context, so the sweep runs on the event loop that watches; undeploying cancels it.
      vertx.setPeriodic(bodyDeadlines.period().toMillis(), sweep -> bodyDeadlines.sweep());
    }
    return server.listen().onSuccess(tls::serve);
  }

  private static boolean isOperatorPath(String path) {
    return path != null && (path.equals("/health") || path.equals("/health/live") || path.equals("/health/ready"));
  }

  /**
   * Stops accepting and lets requests in flight finish within {@code server.shutdownTimeout},
   * closing each connection once its answer is written (idle ones at once); connections still busy
   * after that are closed.
   */
  @Override
  public Future<?> stop() {
    tls.forget(server);
    return server.shutdown(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port this front listens on. */
  int actualPort() {
    return server.actualPort();
  }
}
