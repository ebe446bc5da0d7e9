package io.dynaccel.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds a {@link DynamoDbClient} that sends every request to a fleet of Dynaccel nodes: the requests for one item
 * to its owner in the nodes' cluster (from the ownership map any node serves), or, while no map is known or the owner
 * is down, to one node by consistent hashing over the live nodes; the others round-robin, failing over when a node
 * goes down.
 *
 * <pre>{@code
 * DynamoDbClient ddb = DynaccelClient.builder()
 *     .endpoints(URI.create("http://node-a:8111"), URI.create("http://node-b:8111"))
 *     .region(Region.US_EAST_1)
 *     .build();
 * }</pre>
 *
 * <p>Each node is reached through the AWS SDK's own {@code DynamoDbClient} with an endpoint override, so marshalling,
 * signing, paginators and waiters are the SDK's.
 */
public final class DynaccelClient {

  private DynaccelClient() {
  }

  /** A builder for a synchronous client. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds the synchronous client; node connections use the SDK's Apache 5 HTTP client. */
  public static final class Builder extends DynaccelClientBuilder<Builder, DynamoDbClient> {

    private Builder() {
    }

    @Override
    public DynamoDbClient build() {
      validate();
      List<AutoCloseable> owned = new ArrayList<>();
      AwsCredentialsProvider credentials = credentials(owned);
      List<Node> nodes = nodes();
      List<DynamoDbClient> clients = new ArrayList<>();
      for (Node node : nodes) {
        clients.add(client(node.endpoint(), credentials));
      }
      DynamoDbClient fallback = fallbackEndpoint == null ? null : client(fallbackEndpoint, credentials);
      ScheduledExecutorService probeScheduler = scheduler(owned);
      NodeHealth health = new NodeHealth(nodes, probe());
      Cluster<DynamoDbClient> cluster = new Cluster<>(nodes, clients, fallback, health, probeScheduler, owned,
          endpoint -> client(endpoint, credentials), maps());
      health.start(probeScheduler, healthCheckInterval);
      cluster.learnOwnership(clusterRefreshInterval);
      return SyncRouter.proxy(cluster);
    }

    private DynamoDbClient client(URI endpoint, AwsCredentialsProvider credentials) {
      var builder = DynamoDbClient.builder()
          .endpointOverride(endpoint)
          .credentialsProvider(credentials)
          .httpClientBuilder(Apache5HttpClient.builder().maxConnections(maxConnections).connectionTimeout(connectTimeout))
          .overrideConfiguration(overrideConfiguration());
      if (region != null) {
        builder.region(region);
      }
      return builder.build();
    }
  }
}
