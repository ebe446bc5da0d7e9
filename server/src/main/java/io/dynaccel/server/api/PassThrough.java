package io.dynaccel.server.api;

import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;

/** Sends a call to DynamoDB exactly as the client sent it and relays the answer unchanged. */
public final class PassThrough implements OperationHandler {

  private final UpstreamClient upstream;

  /** Creates the pass-through over an upstream client. */
  public PassThrough(UpstreamClient upstream) {
    this.upstream = upstream;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    return upstream.send(request.operation(), request.body()).map(ApiResponse::relay);
  }
}
