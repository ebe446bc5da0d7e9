package io.dynaccel.server.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * An HTTP answer from DynamoDB, kept as bytes so that it can be relayed without re-encoding.
 *
 * @param statusCode the HTTP status
 * @param body the response body
 * @param requestId DynamoDB's {@code x-amzn-RequestId}, or null
 */
public record UpstreamResponse(int statusCode, Buffer body, String requestId) {

  /** Whether DynamoDB accepted the request. */
  public boolean ok() {
    return statusCode == 200;
  }

  /** The same answer over bytes of its own: for each of the misses that share one fill's answer. */
  public UpstreamResponse copy() {
    return new UpstreamResponse(statusCode, body.copy(), requestId);
  }

  /** Whether DynamoDB rejected the request for a reason of its own (4xx): it was not applied. */
  public boolean rejected() {
    return statusCode >= 400 && statusCode < 500;
  }
}
