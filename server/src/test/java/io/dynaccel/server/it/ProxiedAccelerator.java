package io.dynaccel.server.it;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.localstack.DynamoDbEmulator;
import io.dynaccel.server.DynaccelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * An accelerator node (two HTTP fronts) in front of a {@link DelayingProxy} in front of the
 * emulator, with clients for the node and for the emulator itself.
 */
final class ProxiedAccelerator implements AutoCloseable {

  static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private final DelayingProxy proxy;
  private final DynaccelServer server;
  private final List<AutoCloseable> clients = new ArrayList<>();
  private final HttpClient admin = HttpClient.newHttpClient();

  private ProxiedAccelerator(DelayingProxy proxy, DynaccelServer server) {
    this.proxy = proxy;
    this.server = server;
  }

  /** Starts the proxy (with no delay) and a node in front of it, with extra {@code --set key=value} settings. */
  static ProxiedAccelerator start(DynamoDbEmulator emulator, String... settings) throws Exception {
    DelayingProxy proxy = DelayingProxy.start(emulator.endpoint(), Duration.ZERO, Duration.ZERO);
    try {
      // Not --port 0: with --instances 2 the second HTTP front then fails with "Address already in use" (it asks for
      // the first front's actual port, which Vert.x does not share under the port-0 key).
      List<String> args = new ArrayList<>(List.of("--port", Integer.toString(FreePorts.loopback()), "--instances", "2", "--host", "127.0.0.1",
          "--upstream", proxy.endpoint().toString(), "--region", emulator.region(), "--set", "admin.port=0"));
      for (String setting : settings) {
        args.add("--set");
        args.add(setting);
      }
      DynaccelConfig config = ConfigLoader.load(args.toArray(String[]::new), Map.of());
      StaticCredentialsProvider upstreamCredentials =
          StaticCredentialsProvider.create(AwsBasicCredentials.create(emulator.accessKeyId(), emulator.secretAccessKey()));
      DynaccelServer server = DynaccelServer.start(config, upstreamCredentials).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new ProxiedAccelerator(proxy, server);
    } catch (Exception e) {
      proxy.close();
      throw e;
    }
  }

  DelayingProxy proxy() {
    return proxy;
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

  /** A blocking client that does not retry, so that every error is seen as it is. */
  DynamoDbClient syncClient(URI endpoint, Duration apiCallTimeout) {
    DynamoDbClient client = DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(noRetries()).apiCallTimeout(apiCallTimeout))
        .build();
    clients.add(client);
    return client;
  }

  /** A non-blocking client with a connection pool, that does not retry. */
  DynamoDbAsyncClient asyncClient(URI endpoint, int maxConcurrency, Duration apiCallTimeout) {
    DynamoDbAsyncClient client = DynamoDbAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(NettyNioAsyncHttpClient.builder().maxConcurrency(maxConcurrency).build())
        .overrideConfiguration(o -> o.retryStrategy(noRetries()).apiCallTimeout(apiCallTimeout))
        .build();
    clients.add(client);
    return client;
  }

  /**
   * Creates a table keyed by a string {@code pk} and waits until it is ACTIVE: dynalite, like
   * DynamoDB, keeps a new table CREATING for a moment and rejects items written to it meanwhile.
   */
  static void createTable(DynamoDbClient client, String table) {
    client.createTable(b -> b.tableName(table)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    client.waiter().waitUntilTableExists(b -> b.tableName(table));
  }

  private static RetryStrategy noRetries() {
    return AwsRetryStrategy.doNotRetry();
  }

  /**
   * Asks the node to flush its write-back changes: the answer comes once DynamoDB holds every one
   * acknowledged before the call (at once without write-back tables).
   */
  HttpResponse<String> flushWriteBack(Duration timeout) throws Exception {
    return admin.send(HttpRequest.newBuilder(adminEndpoint().resolve("/admin/write-back/flush")).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a meter in the node's Prometheus text (summed over tags), 0 if absent. */
  double metric(String name) {
    return PrometheusText.sum(server.metrics().scrape(), name);
  }

  @Override
  public void close() throws Exception {
    try {
      for (AutoCloseable client : clients) {
        client.close();
      }
      server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      proxy.close();
    }
  }
}
