package io.dynaccel.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Function;

/**
 * Vert.x HTTP fronts on one loopback port, one verticle per front like the accelerator's: what the
 * benchmark's own baseline servers run on. Each front makes its request handler in its own start, on
 * its own event loop, so that whatever the handler holds (an HTTP client, say) is that loop's.
 */
final class LoopbackFronts implements AutoCloseable {

  private final Vertx vertx;
  private final int port;

  private LoopbackFronts(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  /**
   * Deploys the fronts and waits until they listen.
   *
   * @param instances how many fronts
   * @param listenPort the port; negative for Vert.x's "one random port shared by every front"
   * @param handlers makes each front's request handler, given the front's Vert.x
   */
  static LoopbackFronts start(int instances, int listenPort, Function<Vertx, Handler<HttpServerRequest>> handlers) {
    int[] port = new int[1];
    Vertx vertx = Vertx.vertx();
    LoadGenerator.await(vertx.deployVerticle(() -> new Front(handlers, listenPort, port), new DeploymentOptions().setInstances(instances)));
    return new LoopbackFronts(vertx, port[0]);
  }

  /** The port the fronts listen on. */
  int port() {
    return port;
  }

  @Override
  public void close() {
    LoadGenerator.await(vertx.close());
  }

  private static final class Front extends VerticleBase {
    private final Function<Vertx, Handler<HttpServerRequest>> handlers;
    private final int listenPort;
    private final int[] port;

    Front(Function<Vertx, Handler<HttpServerRequest>> handlers, int listenPort, int[] port) {
      this.handlers = handlers;
      this.listenPort = listenPort;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(handlers.apply(vertx)).listen(listenPort, "127.0.0.1").onSuccess(s -> port[0] = s.actualPort());
    }
  }
}
