package io.dynaccel.server.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.server.cluster.internal.HazelcastMembers;
import io.dynaccel.server.cluster.internal.HazelcastSetup;
import io.dynaccel.server.cluster.internal.MajorityConfirmation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of a Dynaccel cluster: a clustered Vert.x on embedded Hazelcast, and the
 * {@link Ownership} of partitions, reconciled on its own thread every {@value #TICK_MILLIS} ms and on
 * every membership change.
 *
 * <p>Start it with {@link #join} before anything else uses Vert.x; call {@link #serveAs} once the node
 * answers calls, {@link #leave} when it stops.
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  static final long TICK_MILLIS = 100;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Ownership ownership;
  private final ScheduledExecutorService reconciler;
  /** Its own thread: a reconcile blocked on a slow map call must not let this member's confirmation lapse. */
  private final ScheduledExecutorService confirmer;
  private final HopToken hopToken;
  private final HazelcastMembers members;

  private ClusterNode(Vertx vertx, HazelcastInstance hazelcast, HazelcastMembers members, Ownership ownership, ScheduledExecutorService reconciler,
      ScheduledExecutorService confirmer, HopToken hopToken) {
    this.vertx = vertx;
    this.members = members;
    this.hopToken = hopToken;
    this.hazelcast = hazelcast;
    this.ownership = ownership;
    this.reconciler = reconciler;
    this.confirmer = confirmer;
  }

  /**
   * Starts a clustered Vert.x and joins the cluster.
   *
   * @param takeover how a partition just taken over is read and cached
   * @param builder a Vert.x builder with the given options and whatever the node adds (its meters)
   */
  public static Future<ClusterNode> join(ClusterConfig config, Takeover takeover, Function<VertxOptions, VertxBuilder> builder) {
    return join(config, HazelcastSetup.of(config), takeover, builder);
  }

  /** Joins with a Hazelcast configuration prepared by the caller (tests route members through proxies). */
  static Future<ClusterNode> join(ClusterConfig config, Config hazelcastConfig, Takeover takeover, Function<VertxOptions, VertxBuilder> builder) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig);
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions().setHost(config.host()).setPort(0)
        .setClusterPublicHost(config.host()));
    // The token is read from the cluster on a worker: a Hazelcast call may take a network round trip.
    return builder.apply(options).withClusterManager(manager).buildClustered().compose(vertx -> vertx.executeBlocking(
        () -> HopToken.join(manager.getHazelcastInstance())).map(hopToken -> {
      HazelcastInstance hazelcast = manager.getHazelcastInstance();
      HazelcastMembers members = new HazelcastMembers(hazelcast);
      Ownership ownership = new Ownership(members, takeover, System::nanoTime);
      ClusterNode node = new ClusterNode(vertx, hazelcast, members, ownership, daemonThread("dynaccel-ownership"), daemonThread("dynaccel-confirm"),
          hopToken);
      node.start();
      LOG.info("Joined cluster '{}' as member {} ({} member(s) now)", config.name(), ownership.localId(),
          hazelcast.getCluster().getMembers().size());
      return node;
    }));
  }

  private void start() {
    members.onChange(this::reconcileSoon);
    reconciler.scheduleWithFixedDelay(this::reconcile, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    confirmer.scheduleAtFixedRate(() -> {
      if (hazelcast.getLifecycleService().isRunning()) {
        members.confirm();
      }
    }, 0, MajorityConfirmation.PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ScheduledExecutorService daemonThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  private void reconcileSoon() {
    try {
      reconciler.execute(this::reconcile);
    } catch (RejectedExecutionException e) {
      // Closed: membership events keep coming while Vert.x leaves the cluster.
    }
  }

  private void reconcile() {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return; // the member is shutting down or was terminated: there is nothing left to reconcile with
    }
    try {
      ownership.reconcile();
    } catch (RuntimeException e) {
      LOG.warn("Ownership reconcile failed; retrying at the next tick", e);
    }
  }

  /** The clustered Vert.x instance the node runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** Which partitions this node owns. */
  public Ownership ownership() {
    return ownership;
  }

  /** Write-back's copies of changes in this cluster, under this node's ownership. */
  public ClusterReplication replication() {
    return new ClusterReplication(vertx, ReplicaMap.of(vertx, hazelcast), ownership, members.leases());
  }

  /** The cluster's secret that marks calls forwarded between members. */
  public HopToken hopToken() {
    return hopToken;
  }

  /** Joins ownership: from now on this node may own partitions; other members forward to {@code api}. */
  public void serveAs(URI api) {
    ownership.serveAs(new NodeInfo(ownership.localId(), api));
    reconcileSoon();
  }

  /**
   * Hands this node's partitions over: it withdraws from the view, drains its writes in flight, drops
   * its entries and releases its leases, so the new owners start at once instead of waiting out a
   * departed member's grace.
   *
   * @return completes once everything is released, or after {@code timeout}
   */
  public Future<Void> leave(Duration timeout) {
    ownership.leave();
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    long timer = vertx.setPeriodic(TICK_MILLIS, id -> {
      if (ownership.holdsNothing() || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    reconcileSoon();
    return done.future().onComplete(v -> vertx.cancelTimer(timer));
  }

  /** Stops reconciling; the caller closes Vert.x, which leaves the Hazelcast cluster. */
  public void close() {
    reconciler.shutdownNow();
    confirmer.shutdownNow();
  }
}
