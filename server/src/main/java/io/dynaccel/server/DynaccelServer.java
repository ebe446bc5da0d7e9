package io.dynaccel.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.config.AuthMode;
import io.dynaccel.config.ConfigException;
import io.dynaccel.config.ConfigLoader;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.config.TableConfig;
import io.dynaccel.config.Usage;
import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.admin.AdminToken;
import io.dynaccel.server.cluster.ClusterNode;
import io.dynaccel.server.cluster.Takeover;
import io.dynaccel.server.limits.ConnectionLimits;
import io.dynaccel.server.logging.ConsoleLog;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.metrics.NodeRegistry;
import io.dynaccel.server.status.StatusPage;
import io.dynaccel.server.tls.FrontTls;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.upstream.UpstreamTrust;
import io.dynaccel.server.wal.WriteAheadLog;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

/**
 * A running Dynaccel node, and its {@code main}: start with {@link #start}, stop with {@link #close}.
 *
 * <p>Startup is a chain of futures: create the meter registry (before Vert.x, which reports its own
 * meters to it), build Vert.x (clustered if configured), resolve the upstream credentials, read the
 * upstream trust and the certificate files (on a worker), then deploy one HTTP front per configured
 * instance, all sharing the port, then the admin listener on its own port. SIGTERM and SIGINT stop it gracefully and exit 0
 * ({@link ShutdownSignals}).
 */
public final class DynaccelServer {

  private static final Logger LOG = LoggerFactory.getLogger(DynaccelServer.class);
  /** What the JVM may take beyond the two shutdown timeouts to close the rest. */
  private static final Duration STOP_SLACK = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Accelerator accelerator;
  private final RefreshingCredentials credentials;
  private final FrontTls tls;
  private final Deployed deployed;
  private final ClusterNode cluster;
  private final Duration handOverTimeout;
  private final NodeRegistry meters;

  /** What {@link #deployListeners} started: the API fronts and the admin listener, and their ports. */
  private record Deployed(String fronts, int port, String admin, int adminPort) {
  }

  private DynaccelServer(Vertx vertx, boolean ownsVertx, Accelerator accelerator, RefreshingCredentials credentials, FrontTls tls,
      Deployed deployed, ClusterNode cluster, Duration handOverTimeout, NodeRegistry meters) {
    this.vertx = vertx;
    this.meters = meters;
    this.cluster = cluster;
    this.handOverTimeout = handOverTimeout;
    this.ownsVertx = ownsVertx;
    this.accelerator = accelerator;
    this.credentials = credentials;
    this.tls = tls;
    this.deployed = deployed;
  }

  /**
   * Starts a node on its own Vert.x instance.
   *
   * @param config the configuration
   * @param credentialsProvider the accelerator's own credentials for signing upstream requests
   */
  public static Future<DynaccelServer> start(DynaccelConfig config, AwsCredentialsProvider credentialsProvider) {
    NodeRegistry meters = new NodeRegistry(config.admin().httpServerMeters());
    if (!config.cluster().enabled()) {
      return start(meters.vertxBuilder(new VertxOptions()).build(), true, config, credentialsProvider, Ticker.systemTicker(), null, meters);
    }
    return ClusterNode.join(config.cluster(), new Takeover(Accelerator.guardRetention(config.upstream()), Accelerator.guardHold(config.upstream())),
            meters::vertxBuilder)
        .onFailure(e -> meters.close())
        .compose(node -> start(node.vertx(), true, config, credentialsProvider, Ticker.systemTicker(), node, meters)
            .onFailure(e -> node.close()));
  }

  /** Starts a node on a Vert.x built elsewhere: the node's meters have all but Vert.x's own. */
  static Future<DynaccelServer> start(Vertx vertx, boolean ownsVertx, DynaccelConfig config, AwsCredentialsProvider credentialsProvider, Ticker ticker) {
    return start(vertx, ownsVertx, config, credentialsProvider, ticker, null, new NodeRegistry());
  }

  /** Starts a node on {@code vertx}, as a member of {@code cluster} if it is not null; the node closes {@code meters}. */
  private static Future<DynaccelServer> start(Vertx vertx, boolean ownsVertx, DynaccelConfig config, AwsCredentialsProvider credentialsProvider,
      Ticker ticker, ClusterNode cluster, NodeRegistry meters) {
    RefreshingCredentials credentials = new RefreshingCredentials(vertx, credentialsProvider, Clock.systemUTC());
    Path logDir = config.writeBack().logDir();
    return credentials.start()
        .compose(v -> vertx.executeBlocking(() -> UpstreamTrust.load(config.upstream().trustCaFile())))
        .compose(upstreamTrust -> vertx.executeBlocking(() -> WriteAheadLog.existsIn(logDir)).compose(logExists -> {
          // A log left by write-back tables must be replayed (and, in a cluster, handed to it) even if none is written back now.
          Accelerator accelerator = new Accelerator(vertx, config, credentials, ticker, config.writesBack() || logExists, upstreamTrust, cluster,
              meters.registry());
          // The certificate is checked before the log is replayed, so a bad file fails the start at once.
          return FrontTls.start(vertx, config.tls(), accelerator.metrics().registry())
              .compose(tls -> accelerator.start().compose(started -> deployListeners(vertx, config, accelerator, tls))
                  .map(deployed -> {
                    accelerator.clusterAdmin().serveAs(advertised(config, deployed.port()));
                    if (cluster != null) {
                      cluster.serveAs(advertised(config, deployed.port()));
                    }
                    return new DynaccelServer(vertx, ownsVertx, accelerator, credentials, tls, deployed, cluster,
                        config.server().shutdownTimeout(), meters);
                  })
                  .onFailure(e -> tls.close()))
              .onFailure(e -> accelerator.close());
        })).onFailure(e -> {
      credentials.close();
      if (ownsVertx) {
        vertx.close();
      }
      // Not after Vert.x's close: called on one of its event loops, that close would never complete.
      meters.close();
    });
  }

  private static Future<Deployed> deployListeners(Vertx vertx, DynaccelConfig config, Accelerator accelerator, FrontTls tls) {
    // A negative port makes Vert.x pick one random port that all fronts share.
    int requested = config.server().port() == 0 ? -1 : config.server().port();
    ConnectionLimits limits = new ConnectionLimits(config.server().maxConnections(), config.server().maxConnectionsPerClient(),
        accelerator.metrics().registry());
    List<ServerVerticle> fronts = new CopyOnWriteArrayList<>();
    Supplier<ServerVerticle> front = () -> {
      ServerVerticle verticle = new ServerVerticle(config.server(), requested, accelerator.api(), limits, accelerator.health(), tls);
      fronts.add(verticle);
      return verticle;
    };
    Future<Optional<AdminToken>> token = vertx.executeBlocking(() -> {
      Optional<Path> file = config.admin().tokenFile();
      return file.isPresent() ? Optional.of(AdminToken.read(file.get())) : Optional.empty();
    });
    return token.compose(adminToken -> vertx.deployVerticle(front, new DeploymentOptions().setInstances(config.server().instances()))
        .compose(frontsId -> {
          AdminVerticle admin = new AdminVerticle(config.admin(), adminToken, accelerator.metrics(), accelerator.admin(), accelerator.health(),
              new StatusPage(accelerator.metrics().registry(), accelerator.clusterAdmin(), config.redacted(), Clock.systemUTC()), tls,
              config.server().shutdownTimeout());
          return vertx.deployVerticle(admin)
              .map(adminId -> new Deployed(frontsId, fronts.get(0).actualPort(), adminId, admin.actualPort()))
              .recover(e -> vertx.undeploy(frontsId).transform(undeployed -> Future.failedFuture(e)));
        }));
  }

  /** Where other members and clients reach this node's API: the listen host, or the cluster host if it listens on every address. */
  private static URI advertised(DynaccelConfig config, int port) {
    String host = config.server().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = config.cluster().host();
    }
    return URI.create((config.tls().enabled() ? "https" : "http") + "://" + host + ":" + port);
  }

  /** The port the node listens on for the DynamoDB API. */
  public int port() {
    return deployed.port();
  }

  /** The port of the admin listener ({@code /admin/*}, {@code /metrics}, {@code /health}). */
  public int adminPort() {
    return deployed.adminPort();
  }

  /** The node's meters. */
  public DynaccelMetrics metrics() {
    return accelerator.metrics();
  }

  /**
   * Stops the node: it stops accepting requests first, then write-back flushes what it can within
   * its deadline (the rest stays in the log), then the resources are released.
   */
  public Future<Void> close() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    Future.join(vertx.undeploy(deployed.fronts()), vertx.undeploy(deployed.admin()))
        .eventually(accelerator::close)
        .onComplete(stopped -> {
          tls.close();
          credentials.close();
          if (cluster != null) {
            cluster.close();
          }
          if (!ownsVertx) {
            meters.close();
            closed.complete(null);
          } else {
            // Closed from outside Vert.x: a close future bound to one of its event loops would
            // never complete, the loop being gone by then. The registry goes last: Vert.x removes its meters as it closes.
            ForkJoinPool.commonPool().execute(() -> vertx.close().onComplete(done -> {
              meters.close();
              closed.complete(null);
            }));
          }
        });
    return Future.fromCompletionStage(closed);
  }

  /**
   * A graceful shutdown, in this order: readiness goes down; every API answer from now on carries
   * {@code Connection: close}; the listeners stop accepting and the requests in flight finish within
   * {@code server.shutdownTimeout}; write-back flushes within {@code writeBack.shutdownTimeout}; the
   * resources are released.
   */
  public Future<Void> shutdown() {
    accelerator.health().drain();
    // A member hands its partitions over first, so their new owners need not wait out a departed lease.
    Future<Void> handedOver = cluster == null ? Future.succeededFuture() : cluster.leave(handOverTimeout);
    return handedOver.compose(v -> {
      accelerator.api().drain();
      return close();
    });
  }

  /**
   * The first SIGTERM or SIGINT: a graceful {@link #shutdown}, waited for on the calling thread.
   *
   * @return the process's exit status: 0 once the node stopped, 1 if it failed to stop in time
   */
  private int stopOnSignal(String signal, DynaccelConfig config) {
    Duration deadline = config.server().shutdownTimeout().plus(config.writeBack().shutdownTimeout()).plus(STOP_SLACK);
    LOG.info("Dynaccel stopping on SIG{}: draining requests in flight (up to {}), then flushing write-back (up to {});"
        + " a second signal exits at once", signal, config.server().shutdownTimeout(), config.writeBack().shutdownTimeout());
    long began = System.nanoTime();
    try {
      shutdown().toCompletionStage().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("Dynaccel stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Dynaccel did not stop cleanly within {}: {}", deadline, e.toString());
      return 1;
    }
  }

  /** Runs a node until the process is stopped; {@code --help} and {@code --version} print and exit 0. */
  public static void main(String[] args) {
    List<String> words = Arrays.asList(args);
    if (words.contains("--help") || words.contains("-h")) {
      System.out.print(Usage.text());
      return;
    }
    if (words.contains("--version")) {
      System.out.println("dynaccel " + Version.current());
      return;
    }
    ClassPreload.start();
    DynaccelConfig config;
    try {
      config = ConfigLoader.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("dynaccel: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Before anything else logs, so that every line of the node is in the configured format.
    ConsoleLog.use(config.log().format());
    URI upstream = config.upstream().effectiveEndpoint();
    long began = System.nanoTime();
    start(config, credentialsFor(upstream))
        .onSuccess(server -> {
          // The JVM's own start counts too: an operator's "how long until it serves" starts at the launch.
          LOG.info("Dynaccel listening on {}:{} (admin on {}:{}) in front of {} (ready in {} ms, {} ms after the JVM's launch)",
              config.server().host(), server.port(), config.admin().host(), server.adminPort(), upstream,
              (System.nanoTime() - began) / 1_000_000, ManagementFactory.getRuntimeMXBean().getUptime());
          LOG.info("Dynaccel {}: {}; auth {}; {}; access log {}", Version.current(), strategies(config),
              config.auth().mode().configName(), clusterLine(config), config.log().access() ? "on" : "off");
          ExposureWarning.log(config.server().host(), config.auth().mode() != AuthMode.NONE);
          ShutdownSignals.install(signal -> {
            int status = server.stopOnSignal(signal, config);
            // Last, so that the queued access lines of the final calls are written before the process exits.
            ConsoleLog.stop();
            return status;
          });
        })
        .onFailure(e -> {
          LOG.error("Dynaccel failed to start: {}", e.getMessage(), e);
          System.exit(1);
        });
  }

  /** The start-up banner's write strategies: the default (the {@code "*"} entry's, if any) and each table's own. */
  static String strategies(DynaccelConfig config) {
    TableConfig everyTable = config.tables().get("*");
    WriteStrategy byDefault = everyTable != null ? everyTable.writeStrategy() : WriteStrategy.WRITE_THROUGH;
    StringBuilder line = new StringBuilder("write strategy ").append(byDefault.configName()).append(" by default");
    for (Map.Entry<String, TableConfig> table : config.tables().entrySet()) {
      if (!table.getKey().equals("*")) {
        line.append(", ").append(table.getKey()).append(' ').append(table.getValue().writeStrategy().configName());
      }
    }
    return line.toString();
  }

  private static String clusterLine(DynaccelConfig config) {
    if (!config.cluster().enabled()) {
      return "alone (no cluster)";
    }
    return "member of cluster " + config.cluster().name() + " on " + config.cluster().host() + ":" + config.cluster().port()
        + " with members " + String.join(",", config.cluster().members());
  }

  /**
   * The AWS default provider chain. In front of a DynamoDB on this machine (an emulator, which does
   * not check signatures) only the local sources are asked (environment, system properties,
   * profile files) and a fixed local identity stands in when they have nothing: asking the instance
   * metadata service there would only send packets off the machine and slow the start.
   */
  private static AwsCredentialsProvider credentialsFor(URI upstream) {
    if (!isLoopback(upstream)) {
      return DefaultCredentialsProvider.builder().build();
    }
    return AwsCredentialsProviderChain.builder()
        .credentialsProviders(
            EnvironmentVariableCredentialsProvider.create(),
            SystemPropertyCredentialsProvider.create(),
            ProfileCredentialsProvider.create(),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("dynaccel-local", "dynaccel-local")))
        .build();
  }

  private static boolean isLoopback(URI uri) {
    try {
      return InetAddress.getByName(uri.getHost()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
