package io.dynaccel.server.write;

import io.dynaccel.server.upstream.UpstreamFailure;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.AsyncResult;

/** What became of a write as far as the caches must know: applied, refused, or unknown. */
public enum GuardOutcome {
  /** DynamoDB applied the write (HTTP 200). */
  APPLIED,
  /** DynamoDB refused it (a 4xx answer), or it certainly never reached DynamoDB. */
  REJECTED,
  /** It may have been applied, even later: a 5xx answer, a timeout, a reset after sending. */
  UNKNOWN;

  /** The outcome of an upstream call by its result, by the same rule the local write tickets are settled with. */
  public static GuardOutcome of(AsyncResult<UpstreamResponse> result) {
    if (result.succeeded()) {
      UpstreamResponse response = result.result();
      return response.ok() ? APPLIED : response.rejected() ? REJECTED : UNKNOWN;
    }
    return result.cause() instanceof UpstreamFailure failure && !failure.mayHaveArrived() ? REJECTED : UNKNOWN;
  }
}
