package io.dynaccel.server.api;

import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends each call to the handler of its operation; operations without one are passed through to
 * DynamoDB untouched, bytes in and bytes out.
 */
public final class OperationRouter implements OperationHandler {

  private final Map<String, OperationHandler> handlers = new HashMap<>();
  private final PassThrough passThrough;

  /** Creates a router that passes every operation through until handlers are added. */
  public OperationRouter(UpstreamClient upstream) {
    this.passThrough = new PassThrough(upstream);
  }

  /** Routes the given operations to a handler. */
  public OperationRouter route(OperationHandler handler, String... operations) {
    for (String operation : operations) {
      handlers.put(operation, handler);
    }
    return this;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    OperationHandler handler = handlers.get(request.operation());
    if (handler == null) {
      return passThrough.handle(request);
    }
    try {
      return handler.handle(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
