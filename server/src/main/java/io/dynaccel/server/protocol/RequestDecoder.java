package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Turns an HTTP request into an {@link ApiRequest}, or into the error DynamoDB would answer, with
 * DynamoDB's checks in DynamoDB's order: the body must be JSON, the operation known, the call
 * signed (see {@link SignatureCheck}), and the body a JSON object of the types the operation takes.
 * (The media type comes before all of these; it decides how the answer is encoded, so the HTTP
 * front checks it.) This is the order DynamoDB answers in: an unsigned body that is not JSON gets
 * a SerializationException, an unsigned call of an unknown operation an UnknownOperationException,
 * and an unsigned call in a foreign media type the bare 404, as dynalite's connection tests
 * recorded against DynamoDB show.
 */
public final class RequestDecoder {

  private static final CharSequence TARGET = HttpHeaders.createOptimized("X-Amz-Target");

  private RequestDecoder() {}

  /** The tree of a body the streaming read accepted, parsed when a consumer of the tree first asks. */
  static ObjectNode tree(Buffer body) {
    return (ObjectNode) parse(body);
  }

  /** Parses the body in place when it is backed by an array, rather than copying it first. */
  private static JsonNode parse(Buffer body) {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    int from = bytes.readerIndex();
    // The JSON reader would skip a byte-order mark; DynamoDB reads a body that starts with one as no JSON.
    if (bytes.readableBytes() >= 3 && bytes.getByte(from) == (byte) 0xEF && bytes.getByte(from + 1) == (byte) 0xBB
        && bytes.getByte(from + 2) == (byte) 0xBF) {
      throw DynamoDbException.serialization(null);
    }
    if (bytes.hasArray()) {
      return JsonCodec.read(bytes.array(), bytes.arrayOffset() + from, bytes.readableBytes());
    }
    return JsonCodec.read(body.getBytes());
  }

  /**
   * Decodes one call.
   *
   * @param headers the request headers ({@code X-Amz-Target} and the signature's)
   * @param query the raw query string, or null when the URI has none
   * @param body the complete body
   * @throws DynamoDbException when DynamoDB would reject the call before looking at its meaning
   */
  public static ApiRequest decode(MultiMap headers, String query, Buffer body) {
    return decode(headers, query, body, false);
  }

  /**
   * Decodes a call another member of the cluster forwarded: it carries no signature of its own (the
   * member checked the client's), so that check is left out, and the call is marked forwarded.
   */
  public static ApiRequest decodeForwarded(MultiMap headers, Buffer body) {
    return decode(headers, null, body, true);
  }

  private static ApiRequest decode(MultiMap headers, String query, Buffer body, boolean forwarded) {
    String operation = Operations.fromTarget(headers.get(TARGET));
    StreamedGetItem getItem = "GetItem".equals(operation) ? StreamedGetItem.read(body) : null;
    if (getItem != null) {
      // JSON, a known operation, and members the full type check has nothing against: only the signature is left.
      if (!forwarded) {
        SignatureCheck.check(headers, query);
      }
      return new ApiRequest(operation, body, getItem, forwarded);
    }
    JsonNode json = body.length() == 0 ? null : parse(body);
    if (operation == null) {
      throw DynamoDbException.unknownOperation();
    }
    if (!forwarded) {
      SignatureCheck.check(headers, query);
    }
    if (json == null) {
      throw DynamoDbException.serialization(null);
    }
    if (!(json instanceof ObjectNode object)) {
      throw DynamoDbException.serialization("Start of " + (json.isArray() ? "list" : "structure") + " found where not expected");
    }
    if (RequestTypeChecker.supports(operation) && !PlainGetItem.matches(operation, object)) {
      // Malformed members never travel upstream: some DynamoDB implementations crash on them.
      RequestTypeChecker.check(operation, object);
    }
    return new ApiRequest(operation, body, object, forwarded);
  }
}
