package io.dynaccel.server.read;

import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;

/** Query and Scan: sent to DynamoDB as they are (there is no query cache yet), counted as misses. */
public final class QueryHandler implements OperationHandler {

  private final PassThrough passThrough;
  private final DynaccelMetrics metrics;

  /** Creates the handler. */
  public QueryHandler(UpstreamClient upstream, DynaccelMetrics metrics) {
    this.passThrough = new PassThrough(upstream);
    this.metrics = metrics;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    metrics.queryOrScan(request.operation(), false);
    return passThrough.handle(request);
  }
}
