package io.dynaccel.server.it;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.localstack.DynamoDbEmulator;
import io.dynaccel.server.DynaccelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Starts an accelerator node in front of an emulator, and builds clients for both. */
final class AcceleratorFixture implements AutoCloseable {

  private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private final DynaccelServer server;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AcceleratorFixture(DynaccelServer server) {
    this.server = server;
  }

  /** Starts a node in front of the emulator, with extra {@code --set key=value} settings. */
  static AcceleratorFixture start(DynamoDbEmulator upstream, String... settings) throws Exception {
    return start(upstream.endpoint(), upstream.region(), settings);
  }

  /** Starts a node in front of any DynamoDB endpoint (a proxy of the emulator, say), with extra settings. */
  static AcceleratorFixture start(URI upstream, String region, String... settings) throws Exception {
    return start(upstream, region, List.of(), settings);
  }

  /** Starts a node in front of the emulator with a configuration file, for what only a file can set (auth principals). */
  static AcceleratorFixture start(DynamoDbEmulator upstream, Path configFile, String... settings) throws Exception {
    return start(upstream.endpoint(), upstream.region(), List.of("--config", configFile.toString()), settings);
  }

  private static AcceleratorFixture start(URI upstream, String region, List<String> extra, String... settings) throws Exception {
    // The admin listener on a free port of its own, so that nodes of tests running side by side do not collide.
    List<String> args = new ArrayList<>(List.of("--port", "0", "--instances", "2", "--host", "127.0.0.1",
        "--upstream", upstream.toString(), "--region", region, "--set", "admin.port=0"));
    args.addAll(extra);
    for (String setting : settings) {
      args.add("--set");
      args.add(setting);
    }
    DynaccelConfig config = ConfigLoader.load(args.toArray(String[]::new), Map.of());
    DynaccelServer server = DynaccelServer.start(config, CREDENTIALS).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new AcceleratorFixture(server);
  }

  DynaccelServer server() {
    return server;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** The node's admin listener: {@code /admin/*}, {@code /metrics}, {@code /health}. */
  URI adminEndpoint() {
    return URI.create("http://127.0.0.1:" + server.adminPort());
  }

  DynamoDbClient syncClient(URI endpoint) {
    DynamoDbClient client = DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
        .build();
    clients.add(client);
    return client;
  }

  DynamoDbAsyncClient asyncClient(URI endpoint) {
    DynamoDbAsyncClient client = DynamoDbAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(NettyNioAsyncHttpClient.create())
        .build();
    clients.add(client);
    return client;
  }

  /** Sends a raw API call, as any DynamoDB client would, and returns the HTTP answer. */
  HttpResponse<String> call(URI endpoint, String target, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a counter in the node's Prometheus text, 0 if absent. */
  double metric(String name) {
    return PrometheusText.sum(server.metrics().scrape(), name);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable client : clients) {
      client.close();
    }
    server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
