package io.dynaccel.server.api;

import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.upstream.UpstreamFailure;
import io.vertx.core.buffer.Buffer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become DynamoDB-shaped answers; no stack trace ever reaches a client. */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /** The answer for a failure of any kind. */
  public static ApiResponse of(Throwable failure) {
    DynamoDbException error;
    if (failure instanceof DynamoDbException dynamo) {
      error = dynamo;
    } else if (failure instanceof UpstreamFailure upstream) {
      // While the breaker is open every call fails fast; the breaker logs that once, not per call.
      if (!upstream.failedFast()) {
        LOG.warn("Upstream failure: {}", upstream.getMessage());
      }
      error = upstream.toClientError();
    } else {
      LOG.error("Unexpected failure while handling a request", failure);
      error = DynamoDbException.internal("Internal error in the accelerator; the request may not have been processed");
    }
    return of(error);
  }

  /** The answer for a DynamoDB-shaped error. */
  public static ApiResponse of(DynamoDbException error) {
    ObjectNode body = JsonCodec.object().put("__type", error.type());
    if (error.getMessage() != null) {
      body.put(error.messageKey(), error.getMessage());
    }
    return new ApiResponse(error.statusCode(), Buffer.buffer(JsonCodec.write(body)), -1, null);
  }
}
