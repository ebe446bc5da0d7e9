package io.dynaccel.bench;

import io.vertx.core.buffer.Buffer;

/**
 * One DynamoDB API call as the load generator sends it.
 *
 * @param operation the operation, e.g. {@code GetItem}
 * @param body the JSON body
 */
public record ApiCall(String operation, Buffer body) {

  /** A call with a body given as text. */
  public static ApiCall of(String operation, String json) {
    return new ApiCall(operation, Buffer.buffer(json));
  }
}
