package io.dynaccel.server;

import io.dynaccel.config.ServerConfig;
import io.dynaccel.server.admin.AdminRoutes;
import io.dynaccel.server.api.ApiEndpoint;
import io.dynaccel.server.api.ErrorResponses;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.DynamoDbException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
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
  private HttpServer server;

  ServerVerticle(ServerConfig config, int port, ApiEndpoint api, DynaccelMetrics metrics, AdminRoutes admin) {
    this.config = config;
    this.port = port;
    this.api = api;
    this.metrics = metrics;
    this.admin = admin;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/")
        .handler(BodyHandler.create(false).setBodyLimit(config.maxRequestBytes()))
        .handler(api)
        .failureHandler(context -> {
          DynamoDbException error = context.statusCode() == 413
              ? DynamoDbException.validation("Request size of the call exceeds the limit of " + config.maxRequestBytes() + " bytes")
              : DynamoDbException.internal("Internal error in the accelerator");
          ApiEndpoint.write(context.response(), ErrorResponses.of(error));
        });
    router.get("/health").handler(context -> context.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}"));
    router.get("/metrics").handler(context -> context.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    admin.mount(router);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(port)
        .setTcpNoDelay(true)
        .setIdleTimeout((int) config.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  /** The port this front listens on. */
  int actualPort() {
    return server.actualPort();
  }
}
