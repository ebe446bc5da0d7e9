package io.dynaccel.server.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * An admin route that answers with a text read on a worker thread, with the given headers, or fails the request
 * with what the read threw. For reads that walk the meters or the cache ({@code /metrics}, {@code /status.json}):
 * the admin listener shares its event loops with the API, which such a read would stall for tens of milliseconds.
 */
public final class WorkerRead implements Handler<RoutingContext> {

  private final Callable<String> read;
  private final Map<String, String> headers;

  /**
   * @param read computes the answer's body; runs on a worker
   * @param headers the answer's headers, {@code Content-Type} among them
   */
  public WorkerRead(Callable<String> read, Map<String, String> headers) {
    this.read = read;
    this.headers = Map.copyOf(headers);
  }

  @Override
  public void handle(RoutingContext context) {
    // Unordered: reads of one listener need not wait for one another.
    context.vertx().executeBlocking(read, false).onComplete(body -> {
      if (body.succeeded()) {
        headers.forEach(context.response()::putHeader);
        context.response().end(body.result());
      } else {
        context.fail(body.cause());
      }
    });
  }
}
