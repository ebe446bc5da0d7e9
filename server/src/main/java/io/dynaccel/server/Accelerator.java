package io.dynaccel.server;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.config.TableConfig;
import io.dynaccel.config.UpstreamConfig;
import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.admin.AdminRoutes;
import io.dynaccel.server.api.AccessLog;
import io.dynaccel.server.api.ApiEndpoint;
import io.dynaccel.server.api.ClusterMap;
import io.dynaccel.server.api.DirtyFirst;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.OperationRouter;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.auth.RequestAuthenticator;
import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.Fence;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cluster.ClusterAdmin;
import io.dynaccel.server.cluster.ClusterNode;
import io.dynaccel.server.cluster.ClusterReplication;
import io.dynaccel.server.cluster.ClusterRouting;
import io.dynaccel.server.cluster.Forwarder;
import io.dynaccel.server.cluster.GuardMeters;
import io.dynaccel.server.cluster.HopToken;
import io.dynaccel.server.cluster.Ownership;
import io.dynaccel.server.cluster.OwnershipFence;
import io.dynaccel.server.cluster.PartitionDrop;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.cluster.RemoteGuards;
import io.dynaccel.server.cluster.RouteTable;
import io.dynaccel.server.health.NodeHealth;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryHandler;
import io.dynaccel.server.read.BatchGetItemHandler;
import io.dynaccel.server.read.GetItemHandler;
import io.dynaccel.server.read.ProjectionShapes;
import io.dynaccel.server.streams.CacheInvalidator;
import io.dynaccel.server.streams.StreamInvalidation;
import io.dynaccel.server.table.SchemaWatch;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.RefreshingCredentials;
import io.dynaccel.server.upstream.UpstreamBreaker;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamTrust;
import io.dynaccel.server.write.BatchWriteItemHandler;
import io.dynaccel.server.write.ItemWriteHandler;
import io.dynaccel.server.write.NestingLimit;
import io.dynaccel.server.write.PeerGuards;
import io.dynaccel.server.write.SchemaChangeHandler;
import io.dynaccel.server.write.StatementHandler;
import io.dynaccel.server.write.TableWrites;
import io.dynaccel.server.write.TransactWriteItemsHandler;
import io.dynaccel.server.write.WriteContext;
import io.dynaccel.server.write.WritePath;
import io.dynaccel.server.write.WritePaths;
import io.dynaccel.server.write.back.Replication;
import io.dynaccel.server.write.back.WriteBackPath;
import io.dynaccel.server.write.through.WriteThroughPath;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The accelerator's parts wired together from configuration: upstream client, caches, handlers and
 * meters, shared by every HTTP front.
 */
final class Accelerator {

  /** How far DynamoDB's eventually consistent reads may lag a write. */
  private static final Duration CONSISTENCY_LAG = Duration.ofSeconds(1);

  private final UpstreamClient upstream;
  private final DynaccelMetrics metrics;
  private final ApiEndpoint api;
  private final AdminRoutes admin;
  private final NodeHealth health;
  private final Vertx vertx;
  private final long schemaRefreshTimer;
  private final long metricsFlushTimer;
  private final WriteBackPath writeBack;
  private final RemoteGuards remoteGuards;
  private final ClusterAdmin clusterAdmin;
  private final Forwarder forwarder;
  /** Null if no table follows its stream. */
  private final Future<StreamInvalidation> streams;
  private String writeBackDeployment;

  /**
   * Wires the parts.
   *
   * @param writesBack whether the write-back path runs: some table is written back, or the write-back
   *     log holds records from an earlier run that must be replayed and flushed
   * @param upstreamTrust the CAs accepted for the certificates of DynamoDB and of DynamoDB Streams
   * @param cluster this node's membership of its cluster, or null if it runs alone
   * @param registry the node's registry, which Vert.x reports to as well
   */
  Accelerator(Vertx vertx, DynaccelConfig config, RefreshingCredentials credentials, Ticker ticker, boolean writesBack, UpstreamTrust upstreamTrust,
      ClusterNode cluster, PrometheusMeterRegistry registry) {
    Ownership ownership = cluster == null ? null : cluster.ownership();
    HopToken hop = cluster == null ? HopToken.NONE : cluster.hopToken();
    UpstreamConfig up = config.upstream();
    Duration guardRetention = guardRetention(up);
    Fence fence = ownership == null ? Fence.ALONE : new OwnershipFence(ownership, System::nanoTime);
    ItemCache itemCache = new ItemCache(config.cache().maxBytes(), (table, exists) -> {
      TableConfig tableConfig = config.table(table);
      return exists ? tableConfig.itemTtl() : tableConfig.negativeTtl();
    }, guardRetention, config.cache().serveStaleOnError(), ticker, fence);
    QueryCache queryCache = new QueryCache(config.cache().queryMaxBytes(), table -> config.table(table).queryTtl().toNanos(), guardRetention, CONSISTENCY_LAG, ticker,
        fence);
    // Entries of a partition given up are never served again (their epoch has ended); dropping them frees the room.
    PartitionDrop cachesDrop = lost -> {
      itemCache.invalidateIf(key -> lost.get(Partitions.of(key)));
      queryCache.invalidateIf(key -> lost.get(key.partition() == null ? Partitions.ofTable(key.table())
          : Partitions.ofPartitionKey(key.table(), key.partition())));
    };
    this.metrics = new DynaccelMetrics(registry, itemCache, queryCache);
    // Readiness follows real time, whatever ticker the caches are given.
    this.health = new NodeHealth(config.health(), System::nanoTime);
    UpstreamBreaker breaker = UpstreamBreaker.create(vertx, config.breaker(), metrics.registry(), health::upstreamAnswered);
    // The API's fronts run on at most Vert.x's default number of event loops, which every Vertx of a node has.
    int apiLoops = Math.min(config.server().instances(), VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
    this.upstream = new UpstreamClient(vertx, up.effectiveEndpoint(), up.region(), up.connectTimeout(), up.requestTimeout(), up.maxConnections(), apiLoops,
        up.maxRetries(), credentials, breaker, upstreamTrust, metrics::upstream);
    GuardMeters guardMeters = GuardMeters.register(metrics.registry());
    PeerGuards peers = PeerGuards.ALONE;
    if (ownership == null) {
      this.remoteGuards = null;
      this.clusterAdmin = ClusterAdmin.alone(itemCache, queryCache);
    } else {
      this.remoteGuards = new RemoteGuards(vertx, ownership, itemCache, queryCache, guardHold(up), guardMeters);
      this.clusterAdmin = ClusterAdmin.clustered(itemCache, queryCache, vertx, ownership);
      peers = remoteGuards;
    }
    TableWrites tableWrites = new TableWrites(itemCache, queryCache, upstream, peers);
    TableSchemas schemas = new TableSchemas(upstream, tableWrites::drop, ticker);
    // In a cluster only the owner of a key (or of the table-wide results) holds anything a stream record makes stale.
    CacheInvalidator bypassedWrites = new CacheInvalidator(itemCache, queryCache, tableWrites::drop,
        ownership == null ? partition -> true : partition -> ownership.epoch(partition) != 0);
    this.streams = StreamInvalidation.create(vertx, config, credentials::get, upstreamTrust, schemas, bypassedWrites,
        ownership == null ? () -> 1 : () -> ownership.view().members().size(), metrics.registry());
    ProjectionShapes shapes = new ProjectionShapes();
    Function<String, WriteStrategy> strategies = table -> config.table(table).writeStrategy();
    WriteContext writes = new WriteContext(itemCache, queryCache, schemas, upstream, tableWrites, peers);
    WritePath writeThrough = new WriteThroughPath(writes, strategies);
    Map<WriteStrategy, WritePath> byStrategy = new EnumMap<>(WriteStrategy.class);
    byStrategy.put(WriteStrategy.WRITE_THROUGH, writeThrough);
    byStrategy.put(WriteStrategy.INVALIDATE, writeThrough);
    DirtyItems dirty = DirtyItems.NONE;
    PartitionDrop dropped = cachesDrop;
    if (writesBack) {
      ClusterReplication replication = cluster == null ? null : cluster.replication();
      this.writeBack = new WriteBackPath(writes, writeThrough, table -> strategies.apply(table) == WriteStrategy.WRITE_BACK,
          config.writeBack(), metrics.registry(), System::nanoTime, replication == null ? Replication.ALONE : replication);
      byStrategy.put(WriteStrategy.WRITE_BACK, writeBack);
      dirty = writeBack;
      if (replication != null) {
        ownership.onAdopt(replication.adoptionInto(writeBack, guardHold(up)));
        // Dirty items of a partition given up are not flushed from here: the new owner takes them over from the cluster's copies.
        dropped = lost -> {
          cachesDrop.drop(lost);
          writeBack.drop(key -> lost.get(Partitions.of(key)));
        };
      }
    } else {
      this.writeBack = null;
    }
    if (ownership != null) {
      ownership.onDrop(dropped);
    }
    WritePaths paths = new WritePaths(strategies, byStrategy, dirty);
    OperationRouter router = new OperationRouter(upstream)
        .route(new GetItemHandler(itemCache, dirty, schemas, upstream, shapes, metrics), "GetItem")
        .route(new BatchGetItemHandler(itemCache, dirty, schemas, upstream, shapes, metrics), "BatchGetItem")
        .route(new QueryHandler(queryCache, dirty, schemas, upstream, metrics), "Query", "Scan")
        .route(new NestingLimit(new ItemWriteHandler(writes, paths)), "PutItem", "UpdateItem", "DeleteItem")
        .route(new NestingLimit(new BatchWriteItemHandler(writes, paths)), "BatchWriteItem")
        .route(new DirtyFirst(new NestingLimit(new TransactWriteItemsHandler(writes)), dirty), "TransactWriteItems")
        .route(new DirtyFirst(new PassThrough(upstream), dirty), "TransactGetItems")
        .route(new DirtyFirst(new StatementHandler(upstream, tableWrites), dirty), "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction")
        .route(new DirtyFirst(new SchemaChangeHandler(schemas, tableWrites), dirty), "CreateTable", "DeleteTable", "UpdateTable",
            "RestoreTableFromBackup", "RestoreTableToPointInTime", "ImportTable");
    OperationHandler handlers = router;
    if (ownership != null) {
      // A write waits for a moving partition's lease up to twice the request timeout: a member joining
      // while Hazelcast migrates its own partitions took 11 s to take its leases in a loaded run.
      Duration pendingWait = up.requestTimeout().multipliedBy(2);
      // The owner may wait that long before it calls DynamoDB, which takes up to the request timeout.
      this.forwarder = Forwarder.create(vertx, config.tls(), hop, pendingWait.plus(up.requestTimeout()), up.maxConnections());
      handlers = new ClusterRouting(router, RouteTable.of(ownership), schemas::lookup,
          table -> strategies.apply(table) == WriteStrategy.WRITE_BACK, forwarder::forward, vertx, metrics.registry(),
          pendingWait, System::nanoTime);
    } else {
      this.forwarder = null;
    }
    this.api = new ApiEndpoint(new SchemaWatch(handlers, schemas), RequestAuthenticator.of(config.auth(), up.region(), Clock.systemUTC()),
        hop, metrics, config.server().maxRequestBytes(), up.region(), ClusterMap.of(ownership), AccessLog.of(config.log().access()));
    this.vertx = vertx;
    // Tables deleted and created again outside the accelerator are noticed within this period.
    this.schemaRefreshTimer = vertx.setPeriodic(config.cache().schemaRefresh().toMillis(), id -> schemas.refreshAll());
    this.metricsFlushTimer = vertx.setPeriodic(DynaccelMetrics.FLUSH_PERIOD.toMillis(), id -> metrics.flush());
    this.admin = new AdminRoutes(clusterAdmin, dirty);
    Duration probeTimeout = config.health().upstreamWindow();
    health.startProbing(vertx, () -> upstream.probe(probeTimeout));
  }

  /**
   * How long after a write its key's fills read consistently: a write may land up to the request
   * timeout after it was sent, and DynamoDB's eventually consistent reads lag by up to a second.
   */
  static Duration guardRetention(UpstreamConfig upstream) {
    return upstream.requestTimeout().plus(CONSISTENCY_LAG);
  }

  /**
   * How long a member holds a guard for another member's write before it closes it itself: past the
   * longest that member's upstream call can take (every retry of a request that never arrived, each
   * up to the request timeout, and the last one's connect), with a margin for the event bus.
   */
  static Duration guardHold(UpstreamConfig upstream) {
    return upstream.requestTimeout().plus(upstream.connectTimeout()).multipliedBy(upstream.maxRetries() + 1L).plus(Duration.ofSeconds(5));
  }

  /** The cluster as operators see it; told where this node serves once its listeners are up. */
  ClusterAdmin clusterAdmin() {
    return clusterAdmin;
  }

  ApiEndpoint api() {
    return api;
  }

  AdminRoutes admin() {
    return admin;
  }

  DynaccelMetrics metrics() {
    return metrics;
  }

  /** Liveness and readiness; the shutdown sequence calls {@link NodeHealth#drain()} on it. */
  NodeHealth health() {
    return health;
  }

  /** Makes the parts ready to serve: the write-back log, if any table writes back, is replayed first. */
  Future<Void> start() {
    Future<Void> following = streams == null ? Future.succeededFuture() : streams.onSuccess(StreamInvalidation::start).mapEmpty();
    // Other members may guard their writes here as soon as this node appears in their view.
    Future<Void> listening = Future.all(remoteGuards == null ? Future.succeededFuture() : remoteGuards.start(), clusterAdmin.start(), following)
        .mapEmpty();
    if (writeBack == null) {
      return listening.onSuccess(v -> health.started());
    }
    return listening.compose(v -> vertx.deployVerticle(writeBack)).map(id -> {
      writeBackDeployment = id;
      health.started();
      return null;
    });
  }

  /** Stops the parts: write-back flushes what it can within its deadline and closes the log. */
  Future<Void> close() {
    vertx.cancelTimer(schemaRefreshTimer);
    vertx.cancelTimer(metricsFlushTimer);
    if (streams != null) {
      // Also if its client is still being built: it stops once it is.
      streams.onSuccess(StreamInvalidation::stop);
    }
    health.stopProbing(vertx);
    Future<Void> stopped = writeBackDeployment == null ? Future.succeededFuture() : vertx.undeploy(writeBackDeployment);
    if (remoteGuards != null) {
      stopped = stopped.eventually(remoteGuards::stop);
    }
    stopped = stopped.eventually(clusterAdmin::stop);
    return stopped.eventually(() -> {
      upstream.close();
      if (forwarder != null) {
        forwarder.close();
      }
      return Future.succeededFuture();
    });
  }
}
