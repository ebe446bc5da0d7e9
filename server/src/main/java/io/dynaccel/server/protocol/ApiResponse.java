package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * What the accelerator answers to one API call: a status and a JSON body, with DynamoDB's request id
 * when the answer came from DynamoDB.
 *
 * @param statusCode the HTTP status
 * @param body the JSON body
 * @param crc32 the CRC32 of the body if already known (cached answers), else -1
 * @param requestId DynamoDB's request id to relay, or null to make one up
 * @param cache whether a cache answered, for the access log; a constant, so saying it costs nothing per call
 */
public record ApiResponse(int statusCode, Buffer body, long crc32, String requestId, CacheOutcome cache) {

  /** An answer that no cache was consulted for. */
  public ApiResponse(int statusCode, Buffer body, long crc32, String requestId) {
    this(statusCode, body, crc32, requestId, CacheOutcome.NONE);
  }

  /** Relays DynamoDB's answer unchanged. */
  public static ApiResponse relay(UpstreamResponse response) {
    return relay(response, CacheOutcome.NONE);
  }

  /** Relays DynamoDB's answer unchanged, to a read that consulted a cache. */
  public static ApiResponse relay(UpstreamResponse response, CacheOutcome cache) {
    return new ApiResponse(response.statusCode(), response.body(), -1, response.requestId(), cache);
  }

  /**
   * A 200 answer with pre-encoded bytes and their CRC32. The bytes are wrapped, not copied: cached
   * answers are written as they are, and the array must never change.
   */
  public static ApiResponse ok(byte[] body, long crc32, CacheOutcome cache) {
    return new ApiResponse(200, BufferInternal.buffer(Unpooled.wrappedBuffer(body)), crc32, null, cache);
  }

  /** A 200 answer encoding a JSON tree. */
  public static ApiResponse ok(JsonNode body) {
    return ok(body, CacheOutcome.NONE);
  }

  /** A 200 answer encoding a JSON tree, to a read that consulted a cache. */
  public static ApiResponse ok(JsonNode body, CacheOutcome cache) {
    return new ApiResponse(200, Buffer.buffer(JsonCodec.write(body)), -1, null, cache);
  }

  /**
   * A handler of an answer that runs {@code action} once the answer is a 200: for what DynamoDB's
   * acceptance of a request vouches for (a projection shape, a table's ARN).
   */
  public static Handler<AsyncResult<ApiResponse>> whenOk(Runnable action) {
    return answer -> {
      if (answer.succeeded() && answer.result().statusCode() == 200) {
        action.run();
      }
    };
  }
}
