package io.dynaccel.bench;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Calls signed by the AWS SDK's own SigV4 signer for one node, as the benchmark principal whose
 * configuration {@link #principalConfig} writes; for the benchmarks that run a node with
 * {@code auth.mode: sigv4}.
 */
final class SignedCalls {

  private static final String KEY_ID = "AKIDBENCH";
  private static final String SECRET = "bench-secret";
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
  private static final AwsCredentialsIdentity IDENTITY = AwsCredentialsIdentity.create(KEY_ID, SECRET);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final URI node;
  private final String region;

  SignedCalls(URI node, String region) {
    this.node = node;
    this.region = region;
  }

  /**
   * Writes a configuration file with {@code auth.mode: sigv4} and the benchmark principal, allowed to
   * read and write {@code table}, its secret in a file beside it.
   *
   * @return the configuration file
   */
  static Path principalConfig(Path dir, String table) throws IOException {
    Path secret = Files.writeString(dir.resolve("bench.secret"), SECRET);
    return Files.writeString(dir.resolve("auth.yaml"), """
        auth:
          mode: sigv4
          principals:
            - name: bench
              accessKeyId: %s
              secretFile: %s
              allow:
                - { operations: ["*"], tables: ["%s"] }
        """.formatted(KEY_ID, secret, table));
  }

  /** A call signed now; DynamoDB, and the node, accept it for 15 minutes. */
  ApiCall sign(String operation, String body) {
    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(node)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", "DynamoDB_20120810." + operation)
        .build();
    SdkHttpRequest signed = SIGNER.sign(r -> r.identity(IDENTITY)
        .request(request)
        .payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
    Map<String, String> headers = new LinkedHashMap<>();
    signed.forEachHeader((name, values) -> headers.put(name, String.join(",", values)));
    return new ApiCall(operation, Buffer.buffer(body), headers);
  }

  /** Sends one signed call and returns the answer's body, failing on any status but 200. */
  String call(String operation, String body) throws IOException, InterruptedException {
    ApiCall call = sign(operation, body);
    HttpRequest.Builder request = HttpRequest.newBuilder(node).POST(HttpRequest.BodyPublishers.ofByteArray(call.body().getBytes()));
    call.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Host")) {
        request.header(name, value);
      }
    });
    HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(operation + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer.body();
  }

  /** Creates a table keyed by the string {@code pk} and waits until it is ACTIVE. */
  void createTable(String table) throws IOException, InterruptedException {
    call("CreateTable", "{\"TableName\":\"" + table + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!call("DescribeTable", "{\"TableName\":\"" + table + "\"}").contains("\"ACTIVE\"")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("table " + table + " did not become ACTIVE");
      }
    }
  }
}
