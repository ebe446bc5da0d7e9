package io.dynaccel.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * Builds a {@link DynamoDbAsyncClient} over a fleet of Dynaccel nodes: the asynchronous twin of
 * {@link DynaccelClient}, with the same routing, failover and fallback.
 *
 * <pre>{@code
 * DynamoDbAsyncClient ddb = DynaccelAsyncClient.builder()
 *     .endpoints(URI.create("http://node-a:8111"), URI.create("http://node-b:8111"))
 *     .region(Region.US_EAST_1)
 *     .build();
 * }</pre>
 */
public final class DynaccelAsyncClient {

  private DynaccelAsyncClient() {
  }

  /** A builder for an asynchronous client. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds the asynchronous client; node connections use the SDK's Netty client on one shared event loop group. */
  public static final class Builder extends DynaccelClientBuilder<Builder, DynamoDbAsyncClient> {

    private Builder() {
    }

    @Override
    public DynamoDbAsyncClient build() {
      validate();
      List<AutoCloseable> owned = new ArrayList<>();
      AwsCredentialsProvider credentials = credentials(owned);
      // One event loop group for all node clients rather than one per node; the SDK leaves a given group open.
      SdkEventLoopGroup eventLoops = SdkEventLoopGroup.builder().build();
      owned.add(() -> eventLoops.eventLoopGroup().shutdownGracefully().awaitUninterruptibly());
      List<Node> nodes = nodes();
      List<DynamoDbAsyncClient> clients = new ArrayList<>();
      for (Node node : nodes) {
        clients.add(client(node.endpoint(), credentials, eventLoops));
      }
      DynamoDbAsyncClient fallback = fallbackEndpoint == null ? null : client(fallbackEndpoint, credentials, eventLoops);
      ScheduledExecutorService probeScheduler = scheduler(owned);
      NodeHealth health = new NodeHealth(nodes, probe());
      Cluster<DynamoDbAsyncClient> cluster = new Cluster<>(nodes, clients, fallback, health, probeScheduler, owned,
          endpoint -> client(endpoint, credentials, eventLoops), maps());
      health.start(probeScheduler, healthCheckInterval);
      cluster.learnOwnership(clusterRefreshInterval);
      return AsyncRouter.proxy(cluster);
    }

    private DynamoDbAsyncClient client(URI endpoint, AwsCredentialsProvider credentials, SdkEventLoopGroup eventLoops) {
      var builder = DynamoDbAsyncClient.builder()
          .endpointOverride(endpoint)
          .credentialsProvider(credentials)
          .httpClientBuilder(NettyNioAsyncHttpClient.builder()
              .eventLoopGroup(eventLoops)
              .maxConcurrency(maxConnections)
              .connectionTimeout(connectTimeout))
          .overrideConfiguration(overrideConfiguration());
      if (region != null) {
        builder.region(region);
      }
      return builder.build();
    }
  }
}
