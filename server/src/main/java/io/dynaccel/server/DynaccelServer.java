package io.dynaccel.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.config.ConfigException;
import io.dynaccel.config.ConfigLoader;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.wal.WriteAheadLog;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
 * <p>Startup is a chain of futures: resolve the upstream credentials, then deploy one HTTP front per
 * configured instance, all sharing the port.
 */
public final class DynaccelServer {

  private static final Logger LOG = LoggerFactory.getLogger(DynaccelServer.class);
  private static final String USAGE = """
      Usage: java -jar dynaccel-server.jar [--port N] [--host H] [--upstream URI] [--region R]
                                           [--instances N] [--config FILE] [--set key=value]...
      Every setting also has an environment variable (DYNACCEL_SERVER_PORT, DYNACCEL_UPSTREAM_ENDPOINT, ...).
      """;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Accelerator accelerator;
  private final RefreshingCredentials credentials;
  private final String frontsDeployment;
  private final int port;

  private DynaccelServer(Vertx vertx, boolean ownsVertx, Accelerator accelerator, RefreshingCredentials credentials, String frontsDeployment, int port) {
    this.vertx = vertx;
    this.frontsDeployment = frontsDeployment;
    this.ownsVertx = ownsVertx;
    this.accelerator = accelerator;
    this.credentials = credentials;
    this.port = port;
  }

  /**
   * Starts a node on its own Vert.x instance.
   *
   * @param config the configuration
   * @param credentialsProvider the accelerator's own credentials for signing upstream requests
   */
  public static Future<DynaccelServer> start(DynaccelConfig config, AwsCredentialsProvider credentialsProvider) {
    return start(Vertx.vertx(), true, config, credentialsProvider, Ticker.systemTicker());
  }

  static Future<DynaccelServer> start(Vertx vertx, boolean ownsVertx, DynaccelConfig config, AwsCredentialsProvider credentialsProvider, Ticker ticker) {
    RefreshingCredentials credentials = new RefreshingCredentials(vertx, credentialsProvider, Clock.systemUTC());
    Path logDir = config.writeBack().logDir();
    return credentials.start().compose(v -> vertx.executeBlocking(() -> WriteAheadLog.existsIn(logDir))).compose(logExists -> {
      // A log left by write-back tables must be replayed and flushed even if none is written back now.
      Accelerator accelerator = new Accelerator(vertx, config, credentials, ticker, config.writesBack() || logExists);
      return accelerator.start().compose(started -> deployFronts(vertx, ownsVertx, config, accelerator, credentials))
          .onFailure(e -> accelerator.close());
    }).onFailure(e -> {
      credentials.close();
      if (ownsVertx) {
        vertx.close();
      }
    });
  }

  private static Future<DynaccelServer> deployFronts(Vertx vertx, boolean ownsVertx, DynaccelConfig config, Accelerator accelerator,
      RefreshingCredentials credentials) {
    // A negative port makes Vert.x pick one random port that all fronts share.
    int requested = config.server().port() == 0 ? -1 : config.server().port();
    List<ServerVerticle> fronts = new CopyOnWriteArrayList<>();
    Supplier<ServerVerticle> front = () -> {
      ServerVerticle verticle = new ServerVerticle(config.server(), requested, accelerator.api(), accelerator.metrics(), accelerator.admin(), accelerator.health());
      fronts.add(verticle);
      return verticle;
    };
    return vertx.deployVerticle(front, new DeploymentOptions().setInstances(config.server().instances()))
        .map(id -> new DynaccelServer(vertx, ownsVertx, accelerator, credentials, id, fronts.get(0).actualPort()));
  }

  /** The port the node listens on. */
  public int port() {
    return port;
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
    vertx.undeploy(frontsDeployment)
        .eventually(accelerator::close)
        .onComplete(stopped -> {
          credentials.close();
          if (!ownsVertx) {
            closed.complete(null);
          } else {
            // Closed from outside Vert.x: a close future bound to one of its event loops would
            // never complete, the loop being gone by then.
            ForkJoinPool.commonPool().execute(() -> vertx.close().onComplete(done -> closed.complete(null)));
          }
        });
    return Future.fromCompletionStage(closed);
  }

  /** SIGTERM: stop accepting, let write-back flush within its deadline, then let the JVM exit. */
  private void stopOnSignal(Duration flushDeadline) {
    LOG.info("Dynaccel stopping");
    try {
      close().toCompletionStage().toCompletableFuture().get(flushDeadline.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      LOG.info("Dynaccel stopped");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Dynaccel did not stop cleanly: {}", e.toString());
    }
  }

  /** Runs a node until the process is stopped. */
  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    DynaccelConfig config;
    try {
      config = ConfigLoader.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("dynaccel: " + e.getMessage());
      System.exit(2);
      return;
    }
    URI upstream = config.upstream().effectiveEndpoint();
    long began = System.nanoTime();
    start(config, credentialsFor(upstream))
        .onSuccess(server -> {
          LOG.info("Dynaccel listening on {}:{} in front of {} (ready in {} ms)",
              config.server().host(), server.port(), upstream, (System.nanoTime() - began) / 1_000_000);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stopOnSignal(config.writeBack().shutdownTimeout()), "dynaccel-shutdown"));
        })
        .onFailure(e -> {
          LOG.error("Dynaccel failed to start: {}", e.getMessage(), e);
          System.exit(1);
        });
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
