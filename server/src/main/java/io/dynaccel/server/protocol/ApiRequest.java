package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * One decoded DynamoDB API call.
 *
 * @param operation the operation from {@code X-Amz-Target}, e.g. {@code GetItem}
 * @param body the request body exactly as the client sent it, for forwarding unchanged
 * @param json the parsed body
 */
public record ApiRequest(String operation, Buffer body, ObjectNode json) {}
