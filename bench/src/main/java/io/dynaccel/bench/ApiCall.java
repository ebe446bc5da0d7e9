package io.dynaccel.bench;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One DynamoDB API call as the load generator sends it.
 *
 * @param operation the operation, e.g. {@code GetItem}
 * @param body the JSON body
 * @param headers the headers of a call signed for real (SigV4), sent instead of the generator's unverified
 *     signature; empty for an ordinary call
 */
public record ApiCall(String operation, Buffer body, Map<String, String> headers) {

  /** A call with a body given as text. */
  public static ApiCall of(String operation, String json) {
    return new ApiCall(operation, Buffer.buffer(json), Map.of());
  }
}
