package io.dynaccel.server.it.conformance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends raw DynamoDB JSON API calls, {@code POST /} with {@code X-Amz-Target}, as an AWS SDK would, with a
 * well-formed but fake SigV4 {@code Authorization} header: DynamoDB refuses unsigned requests, and neither
 * dynalite nor the accelerator checks the signature itself.
 */
public final class SignedJsonClient {

  /** The target prefix of every DynamoDB operation. */
  public static final String TARGET_PREFIX = "DynamoDB_20120810.";
  static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
      + "SignedHeaders=host;x-amz-date, Signature=00";
  static final String DATE = "20260101T000000Z";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;

  /** A client of the DynamoDB API at {@code endpoint}. */
  public SignedJsonClient(URI endpoint) {
    this.endpoint = endpoint;
  }

  /** Sends {@code body} as operation {@code operation} and returns the HTTP answer. */
  public HttpResponse<String> call(String operation, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", TARGET_PREFIX + operation)
        .header("X-Amz-Date", DATE)
        .header("Authorization", AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
