package io.dynaccel.server.it;

import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The clients of a cluster test: a stock AWS SDK client per node that never retries (so every error is
 * seen as it is), a {@link DynaccelClient} seeded with every node, and a client of the emulator itself.
 * The stock clients can be limited to the nodes a load balancer would still send to.
 */
final class ClusterClients implements AutoCloseable {

  static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private final Map<Integer, DynamoDbClient> stock = new ConcurrentHashMap<>();
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final DynamoDbClient dynaccel;
  private final DynamoDbClient direct;
  private volatile List<Integer> targets;

  ClusterClients(ClusterFixture cluster, DynamoDbEmulator emulator) {
    for (int i = 0; i < cluster.size(); i++) {
      stock.put(i, stockClient(cluster.endpoint(i)));
    }
    targets = List.copyOf(stock.keySet());
    dynaccel = DynaccelClient.builder()
        .endpoints(cluster.endpoints())
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .build();
    direct = DynamoDbClient.builder()
        .endpointOverride(emulator.endpoint())
        .region(Region.of(emulator.region()))
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
    owned.add(dynaccel);
    owned.add(direct);
  }

  private DynamoDbClient stockClient(URI endpoint) {
    DynamoDbClient client = DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
        .build();
    owned.add(client);
    return client;
  }

  /** Node {@code i}'s stock client. */
  DynamoDbClient stock(int i) {
    return stock.get(i);
  }

  /** Adds the stock client of a node added to the cluster, and sends to it from now on. */
  void added(ClusterFixture cluster, int i) {
    stock.put(i, stockClient(cluster.endpoint(i)));
    List<Integer> more = new ArrayList<>(targets);
    more.add(i);
    targets = List.copyOf(more);
  }

  /** Sends stock calls to node {@code i} again, restarted at its addresses after {@link #withdraw}. */
  void restored(int i) {
    List<Integer> more = new ArrayList<>(targets);
    more.add(i);
    targets = List.copyOf(more);
  }

  /** Stops sending stock calls to node {@code i}, as a load balancer does once its health check fails. */
  void withdraw(int i) {
    targets = targets.stream().filter(t -> t != i).toList();
  }

  DynamoDbClient dynaccel() {
    return dynaccel;
  }

  DynamoDbClient direct() {
    return direct;
  }

  /** A random target node's stock client, or (with {@code dynaccelPercent} per cent) the Dynaccel client. */
  ClusterLoad.Via pick(int dynaccelPercent) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextInt(100) < dynaccelPercent) {
      return new ClusterLoad.Via("dynaccel", dynaccel);
    }
    List<Integer> now = targets;
    return new ClusterLoad.Via("stock", stock.get(now.get(random.nextInt(now.size()))));
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable client : owned) {
      client.close();
    }
  }
}
