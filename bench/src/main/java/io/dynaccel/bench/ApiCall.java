package io.dynaccel.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
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

  /** A well-formed signature no node with {@code auth.mode: none} verifies. */
  private static final String UNVERIFIED_SIGNATURE =
      "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0";

  /** A call with a body given as text. */
  public static ApiCall of(String operation, String json) {
    return new ApiCall(operation, Buffer.buffer(json), Map.of());
  }

  /** The HTTP request of this call, {@code POST /}: its own signed headers, or the unverified signature. */
  public RequestOptions requestOptions() {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI("/");
    if (headers.isEmpty()) {
      return options.putHeader("Content-Type", "application/x-amz-json-1.0")
          .putHeader("X-Amz-Target", "DynamoDB_20120810." + operation)
          .putHeader("X-Amz-Date", "20260101T000000Z")
          .putHeader("Authorization", UNVERIFIED_SIGNATURE);
    }
    // Signed for this host and port: the client writes the same Host header itself.
    headers.forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Host")) {
        options.putHeader(name, value);
      }
    });
    return options;
  }
}
