package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * One decoded DynamoDB API call.
 *
 * @param operation the operation from {@code X-Amz-Target}, e.g. {@code GetItem}
 * @param body the request body exactly as the client sent it, for forwarding unchanged
 * @param json the parsed body
 * @param forwarded whether another member of the cluster forwarded the call here (it authenticated it
 *     already, and the call must not be forwarded again)
 */
public record ApiRequest(String operation, Buffer body, ObjectNode json, boolean forwarded) {

  /** A call a client sent to this node. */
  public ApiRequest(String operation, Buffer body, ObjectNode json) {
    this(operation, body, json, false);
  }
}
