package io.dynaccel.server.api;

import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.vertx.core.Future;

/**
 * Handles the calls of one or more DynamoDB operations. A failed future carries a
 * {@link io.dynaccel.server.protocol.DynamoDbException} or an
 * {@link io.dynaccel.server.upstream.UpstreamFailure}; {@link ErrorResponses} turns it into the answer.
 */
@FunctionalInterface
public interface OperationHandler {

  /** Answers one decoded call. Must not block: it runs on an event loop. */
  Future<ApiResponse> handle(ApiRequest request);
}
