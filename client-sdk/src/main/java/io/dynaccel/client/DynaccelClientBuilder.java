package io.dynaccel.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Settings shared by {@link DynaccelClient.Builder} and {@link DynaccelAsyncClient.Builder}: the nodes, the
 * cluster map's refresh, the fallback endpoint, credentials, timeouts, retries, connection pool size and metric publishers.
 *
 * @param <B> the concrete builder, returned by every setter
 * @param <C> the client it builds
 */
public abstract class DynaccelClientBuilder<B extends DynaccelClientBuilder<B, C>, C> {

  /** Default TCP connect timeout: nodes are near, and a node that does not accept quickly should be failed over. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  /** Default time for one attempt: above a node's own upstream timeout (2 s), so its error reaches the caller. */
  public static final Duration DEFAULT_API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
  /** Default time for a whole call to one node or the fallback, SDK retries included. */
  public static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(10);
  /** Default attempts per node call: one SDK retry (for a reset pooled connection); failover does the rest. */
  public static final int DEFAULT_MAX_ATTEMPTS = 2;
  /** Default connection pool size per node, the SDK's own. */
  public static final int DEFAULT_MAX_CONNECTIONS = 50;
  /** Default period between probes of a node that is down. */
  public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofMillis(200);
  /** Default time a probe of a down node waits for {@code GET /health}. */
  public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofMillis(250);
  /** Default period between reads of the cluster's ownership map: membership changes reach the client this fast. */
  public static final Duration DEFAULT_CLUSTER_REFRESH_INTERVAL = Duration.ofSeconds(2);

  final List<URI> endpoints = new ArrayList<>();
  Region region;
  AwsCredentialsProvider credentialsProvider;
  URI fallbackEndpoint;
  Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  Duration apiCallTimeout = DEFAULT_API_CALL_TIMEOUT;
  Duration apiCallAttemptTimeout = DEFAULT_API_CALL_ATTEMPT_TIMEOUT;
  RetryStrategy retryStrategy;
  int maxConnections = DEFAULT_MAX_CONNECTIONS;
  final List<MetricPublisher> metricPublishers = new ArrayList<>();
  Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
  Duration healthCheckTimeout = DEFAULT_HEALTH_CHECK_TIMEOUT;
  Duration clusterRefreshInterval = DEFAULT_CLUSTER_REFRESH_INTERVAL;
  ScheduledExecutorService scheduler;
  HealthProbe healthProbe;
  MapSource mapSource;

  DynaccelClientBuilder() {
  }

  /** The accelerator nodes, e.g. {@code http://node-a:8111}; at least one. Replaces any set before. */
  public B endpoints(URI... endpoints) {
    return endpoints(Arrays.asList(endpoints));
  }

  /** The accelerator nodes; at least one. Replaces any set before. */
  public B endpoints(Collection<URI> endpoints) {
    this.endpoints.clear();
    endpoints.forEach(e -> this.endpoints.add(Objects.requireNonNull(e, "endpoint")));
    return self();
  }

  /** The region requests are signed for; by default the SDK's region provider chain decides. */
  public B region(Region region) {
    this.region = region;
    return self();
  }

  /** The credentials requests are signed with; by default the SDK's default provider chain. */
  public B credentialsProvider(AwsCredentialsProvider credentialsProvider) {
    this.credentialsProvider = credentialsProvider;
    return self();
  }

  /**
   * Where requests go while no node is up, typically DynamoDB itself ({@code https://dynamodb.us-east-1.amazonaws.com});
   * requests return to the nodes as soon as one answers its health probe. None by default: with every node down,
   * requests are still tried on the nodes and fail.
   */
  public B fallbackEndpoint(URI fallbackEndpoint) {
    this.fallbackEndpoint = fallbackEndpoint;
    return self();
  }

  /** TCP connect timeout to a node (and the fallback); default {@link #DEFAULT_CONNECT_TIMEOUT}. */
  public B connectTimeout(Duration connectTimeout) {
    this.connectTimeout = positive(connectTimeout, "connectTimeout");
    return self();
  }

  /** Time allowed for a call to one node, SDK retries included; default {@link #DEFAULT_API_CALL_TIMEOUT}. */
  public B apiCallTimeout(Duration apiCallTimeout) {
    this.apiCallTimeout = positive(apiCallTimeout, "apiCallTimeout");
    return self();
  }

  /** Time allowed for one HTTP attempt; default {@link #DEFAULT_API_CALL_ATTEMPT_TIMEOUT}. */
  public B apiCallAttemptTimeout(Duration apiCallAttemptTimeout) {
    this.apiCallAttemptTimeout = positive(apiCallAttemptTimeout, "apiCallAttemptTimeout");
    return self();
  }

  /**
   * The SDK retry strategy of each node client and of the fallback client; by default the standard strategy with
   * {@link #DEFAULT_MAX_ATTEMPTS} attempts. Keep it low: the Dynaccel client fails over to another node itself.
   */
  public B retryStrategy(RetryStrategy retryStrategy) {
    this.retryStrategy = retryStrategy;
    return self();
  }

  /** Maximum open connections to each node (and the fallback); default {@link #DEFAULT_MAX_CONNECTIONS}. */
  public B maxConnections(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
    }
    this.maxConnections = maxConnections;
    return self();
  }

  /** Metric publishers given to every node client and the fallback client, as {@code overrideConfiguration} would. */
  public B metricPublishers(Collection<MetricPublisher> metricPublishers) {
    this.metricPublishers.clear();
    this.metricPublishers.addAll(metricPublishers);
    return self();
  }

  /** Adds one metric publisher; see {@link #metricPublishers(Collection)}. */
  public B addMetricPublisher(MetricPublisher metricPublisher) {
    this.metricPublishers.add(Objects.requireNonNull(metricPublisher, "metricPublisher"));
    return self();
  }

  /** How often a node that is down is probed; default {@link #DEFAULT_HEALTH_CHECK_INTERVAL}. */
  public B healthCheckInterval(Duration healthCheckInterval) {
    this.healthCheckInterval = positive(healthCheckInterval, "healthCheckInterval");
    return self();
  }

  /** How long a probe waits for {@code GET /health}; default {@link #DEFAULT_HEALTH_CHECK_TIMEOUT}. */
  public B healthCheckTimeout(Duration healthCheckTimeout) {
    this.healthCheckTimeout = positive(healthCheckTimeout, "healthCheckTimeout");
    return self();
  }

  /**
   * How often the client reads the ownership map of the nodes' cluster ({@code GET /_dynaccel/cluster} on any node);
   * it also reads it at once after a call fails on a node. Default {@link #DEFAULT_CLUSTER_REFRESH_INTERVAL}.
   */
  public B clusterRefreshInterval(Duration clusterRefreshInterval) {
    this.clusterRefreshInterval = positive(clusterRefreshInterval, "clusterRefreshInterval");
    return self();
  }

  /** For tests: the scheduler that probes down nodes. The client does not shut down a scheduler it was given. */
  B scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    return self();
  }

  /** For tests: how nodes are probed. */
  B healthProbe(HealthProbe healthProbe) {
    this.healthProbe = healthProbe;
    return self();
  }

  /** For tests: where the cluster's ownership map is read. */
  B mapSource(MapSource mapSource) {
    this.mapSource = mapSource;
    return self();
  }

  /** Builds the client. It owns its node clients and threads until {@code close()}. */
  public abstract C build();

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  private static Duration positive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + duration);
    }
    return duration;
  }

  // ---- used by the concrete builders ----

  void validate() {
    if (endpoints.isEmpty()) {
      throw new IllegalStateException("endpoints: name at least one Dynaccel node, e.g. http://node-a:8111");
    }
    if (endpoints.stream().distinct().count() != endpoints.size()) {
      throw new IllegalStateException("endpoints: each node once, got " + endpoints);
    }
  }

  List<Node> nodes() {
    return endpoints.stream().map(Node::new).toList();
  }

  /** The override configuration of every node client and the fallback client. */
  ClientOverrideConfiguration overrideConfiguration() {
    RetryStrategy retries = retryStrategy != null
        ? retryStrategy
        : AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(DEFAULT_MAX_ATTEMPTS).build();
    return ClientOverrideConfiguration.builder()
        .apiCallTimeout(apiCallTimeout)
        .apiCallAttemptTimeout(apiCallAttemptTimeout)
        .retryStrategy(retries)
        .metricPublishers(metricPublishers)
        .build();
  }

  /** The credentials to sign with; a default chain that the client made is added to {@code owned}. */
  AwsCredentialsProvider credentials(List<AutoCloseable> owned) {
    if (credentialsProvider != null) {
      return credentialsProvider;
    }
    DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
    owned.add(chain);
    return chain;
  }

  /** The probe scheduler; one the client made is added to {@code owned}, to be shut down on close. */
  ScheduledExecutorService scheduler(List<AutoCloseable> owned) {
    if (scheduler != null) {
      return scheduler;
    }
    ScheduledThreadPoolExecutor made = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, runnable -> {
      Thread thread = new Thread(runnable, "dynaccel-client-health");
      thread.setDaemon(true);
      return thread;
    });
    made.setRemoveOnCancelPolicy(true);
    owned.add(() -> {
      made.shutdownNow();
      made.awaitTermination(5, TimeUnit.SECONDS);
    });
    return made;
  }

  MapSource maps() {
    return mapSource != null ? mapSource : new HttpMapSource(connectTimeout);
  }

  HealthProbe probe() {
    return healthProbe != null ? healthProbe : new HttpHealthProbe(healthCheckTimeout);
  }
}
