package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Turns an HTTP request into an {@link ApiRequest}, or into the error DynamoDB would answer: the
 * operation must be known, and the body must be a JSON object of the types the operation takes.
 */
public final class RequestDecoder {

  private RequestDecoder() {}

  /** Parses the body in place when it is backed by an array, rather than copying it first. */
  private static JsonNode parse(Buffer body) {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    if (bytes.hasArray()) {
      return JsonCodec.read(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
    }
    return JsonCodec.read(body.getBytes());
  }

  /**
   * Decodes one call.
   *
   * @param target the {@code X-Amz-Target} header, possibly null
   * @param body the complete body
   * @throws DynamoDbException when DynamoDB would reject the call before looking at its meaning
   */
  public static ApiRequest decode(String target, Buffer body) {
    String operation = Operations.fromTarget(target);
    if (operation == null) {
      throw DynamoDbException.unknownOperation();
    }
    if (body.length() == 0) {
      throw DynamoDbException.serialization(null);
    }
    JsonNode json = parse(body);
    if (!(json instanceof ObjectNode object)) {
      throw DynamoDbException.serialization("Start of " + (json.isArray() ? "list" : "structure") + " found where not expected");
    }
    if (RequestTypeChecker.supports(operation) && !PlainGetItem.matches(operation, object)) {
      // Malformed members never travel upstream: some DynamoDB implementations crash on them.
      RequestTypeChecker.check(operation, object);
    }
    return new ApiRequest(operation, body, object);
  }
}
