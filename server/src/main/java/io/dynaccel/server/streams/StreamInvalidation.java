package io.dynaccel.server.streams;

import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.config.TableConfig;
import io.dynaccel.config.UpstreamConfig;
import io.dynaccel.server.streams.internal.SdkStreamsApi;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamTrust;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.model.Stream;

/**
 * Follows the DynamoDB streams of the tables configured with {@code streamInvalidation} and drops
 * what each record's write may have changed from this node's caches, so a write that bypassed the
 * node stops being hidden by the cache within about a second rather than a TTL. Stores nothing.
 *
 * <p>Every {@link #DISCOVERY_INTERVAL} it lists the streams (one ListStreams listing for every table:
 * the tables named in the configuration, and every table with a stream when the {@code "*"} entry
 * asks for it, are picked from it); each followed stream is described again when its follower needs
 * it (see {@link StreamFollower}), far less often. A table without a stream is logged once at
 * WARN and looked up again later, in case its stream gets enabled. See {@link StreamFollower} for
 * the order in which shards are read and why reading starts at LATEST, and {@link CacheInvalidator}
 * for how a record keeps the fill/write rule.
 */
public final class StreamInvalidation {

  /** How often the streams are listed, and a stream with an ended shard whose children are not known yet described again. */
  static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(5);

  private static final String EVERY_TABLE = "*";
  /** Calls to DynamoDB Streams that may run at once; each followed shard has at most one in flight. */
  private static final int API_THREADS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(StreamInvalidation.class);

  private final StreamsContext context;
  private final Set<String> named;
  private final Predicate<String> everyTableFollows;
  private final boolean everyTable;
  private final Map<String, StreamFollower> followers = new HashMap<>();
  private final Set<String> warned = new HashSet<>();
  private boolean discovering;
  private boolean lookupFailing;
  private volatile boolean stopped;

  /**
   * Creates the follower of some tables' streams; {@link #start()} begins.
   *
   * @param named the tables named in the configuration with {@code streamInvalidation: true}
   * @param everyTable whether the {@code "*"} entry asks for it: then every table that has a stream
   *     and is accepted by {@code follows} (tables named with {@code false} are not) is followed too
   * @param schemas the key schema of a table, or null if it is not known; never fails
   */
  public StreamInvalidation(StreamsApi api, Set<String> named, boolean everyTable, Predicate<String> follows,
      Function<String, CompletionStage<KeySchema>> schemas, CacheInvalidator invalidator, StreamMeters meters, Scheduling scheduling) {
    this.context = new StreamsContext(api, schemas, invalidator, meters, scheduling);
    this.named = Set.copyOf(named);
    this.everyTable = everyTable;
    this.everyTableFollows = follows;
  }

  /**
   * The stream invalidation a configuration asks for, or null if no table has {@code streamInvalidation}.
   * Calls go to the upstream's streams endpoint ({@link UpstreamConfig#effectiveStreamsEndpoint()}, logged once
   * here), with its region, the node's credentials and the trust of the DynamoDB connection. The
   * AWS SDK client blocks while it is built (it reads its configuration and endpoint rules), so it is
   * built on a worker; the future completes, on the caller's context, once it is.
   *
   * @param upstreamTrust the certificates accepted for DynamoDB, accepted for DynamoDB Streams too
   * @param readers how many nodes read every shard now (the cluster's members, 1 alone), which share its read limit
   */
  public static Future<StreamInvalidation> create(Vertx vertx, DynaccelConfig config, AwsCredentialsProvider credentials,
      UpstreamTrust upstreamTrust, TableSchemas schemas, CacheInvalidator invalidator, IntSupplier readers, MeterRegistry registry) {
    Set<String> named = new LinkedHashSet<>();
    config.tables().forEach((table, settings) -> {
      if (settings.streamInvalidation() && !EVERY_TABLE.equals(table)) {
        named.add(table);
      }
    });
    TableConfig everyTable = config.tables().get(EVERY_TABLE);
    boolean followsEveryTable = everyTable != null && everyTable.streamInvalidation();
    if (named.isEmpty() && !followsEveryTable) {
      return null;
    }
    Context context = vertx.getOrCreateContext();
    Executor loop = task -> context.runOnContext(v -> task.run());
    Scheduling scheduling = new Scheduling(loop, (delay, task) -> vertx.setTimer(Math.max(1, delay.toMillis()), id -> loop.execute(task)),
        Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble(), readers);
    Function<String, CompletionStage<KeySchema>> keySchemas = table -> schemas.lookup(table)
        .map(lookup -> lookup.metadata() == null ? null : lookup.metadata().key())
        .toCompletionStage();
    StreamMeters meters = StreamMeters.register(registry, named);
    UpstreamConfig upstream = config.upstream();
    LOG.info("Stream invalidation calls DynamoDB Streams at {} ({})", upstream.effectiveStreamsEndpoint(), streamsEndpointSource(upstream));
    return vertx.executeBlocking(() -> new SdkStreamsApi(upstream, upstreamTrust, credentials, API_THREADS))
        .map(api -> new StreamInvalidation(api, named, followsEveryTable, table -> config.table(table).streamInvalidation(), keySchemas,
            invalidator, meters, scheduling));
  }

  /** Why the streams endpoint is the one it is, for the start-up line: a derived one may be wrong for a VPC or FIPS endpoint. */
  private static String streamsEndpointSource(UpstreamConfig upstream) {
    if (upstream.streamsEndpoint().isPresent()) {
      return "upstream.streamsEndpoint";
    }
    if (upstream.effectiveStreamsEndpoint().equals(upstream.effectiveEndpoint())) {
      return "the DynamoDB endpoint itself; set upstream.streamsEndpoint if it serves no Streams, as VPC and FIPS endpoints do not";
    }
    return "derived from the DynamoDB endpoint " + upstream.effectiveEndpoint();
  }

  /** Begins following; the first lookup runs at once. */
  public void start() {
    context.scheduling().loop().execute(this::discover);
  }

  /** Stops following: no call is sent after this, answers still on their way are ignored, and the client is closed. */
  public void stop() {
    stopped = true;
    context.api().close();
  }

  boolean stopped() {
    return stopped;
  }

  private void discover() {
    if (stopped || discovering) {
      return;
    }
    discovering = true;
    // One listing of every stream rather than one per table: ListStreams allows five calls a second per account.
    latestStreams().whenCompleteAsync((found, failure) -> {
      discovering = false;
      if (stopped) {
        return;
      }
      if (found != null) {
        Map<String, String> followed = new HashMap<>(found);
        followed.keySet().removeIf(table -> !named.contains(table) && !(everyTable && everyTableFollows.test(table)));
        follow(followed);
      } else {
        // The listing failed: the followers keep their own cadence of descriptions all the same.
        List.copyOf(followers.values()).forEach(StreamFollower::rediscover);
      }
      context.scheduling().timer().schedule(DISCOVERY_INTERVAL, this::discover);
    }, context.scheduling().loop());
  }

  private void follow(Map<String, String> found) {
    found.forEach((table, arn) -> {
      StreamFollower current = followers.get(table);
      if (current != null && current.arn().equals(arn)) {
        current.rediscover();
        return;
      }
      if (current != null) {
        // The table was created anew or its stream enabled again: the old stream ends.
        current.stop();
      }
      StreamFollower follower = new StreamFollower(this, table, arn, context);
      followers.put(table, follower);
      follower.start();
    });
    for (String table : named) {
      if (!found.containsKey(table)) {
        notEnabled(table, "has no stream");
      }
    }
  }

  /** Called by a follower whose stream is disabled: it is looked up again at the next discovery. */
  void streamDisabled(StreamFollower follower) {
    if (followers.remove(follower.table(), follower)) {
      follower.stop();
    }
    notEnabled(follower.table(), "has its stream disabled");
  }

  /** Called by a follower once its stream answered: a later loss of the stream is logged again. */
  void streamFollowed(String table) {
    if (warned.remove(table)) {
      LOG.info("Following the stream of table {} for invalidation", table);
    }
  }

  private void notEnabled(String table, String why) {
    if (warned.add(table)) {
      LOG.warn("Table {} {}: writes that bypass this node stay cached until their TTL; enable a stream on it "
          + "(StreamSpecification, any view type, KEYS_ONLY is enough) for streamInvalidation. Looking again every {}s",
          table, why, DISCOVERY_INTERVAL.toSeconds());
    }
  }

  /** The newest stream of every table that has one, by table name; a stream label is its creation time. */
  private CompletionStage<Map<String, String>> latestStreams() {
    return listAll(null, new ArrayList<>()).thenApply(streams -> {
      Map<String, String> latest = new HashMap<>();
      streams.stream()
          .filter(stream -> stream.tableName() != null && stream.streamArn() != null)
          .collect(Collectors.groupingBy(Stream::tableName,
              Collectors.maxBy(Comparator.comparing(stream -> Optional.ofNullable(stream.streamLabel()).orElse("")))))
          .forEach((name, stream) -> stream.ifPresent(s -> latest.put(name, s.streamArn())));
      return latest;
    }).whenCompleteAsync((result, failure) -> {
      if (failure == null) {
        lookupFailing = false;
        return;
      }
      context.meters().error(StreamErrors.kindOf(failure));
      // Once per run of failures: a lookup denied for good would otherwise log every few seconds.
      if (!lookupFailing) {
        lookupFailing = true;
        LOG.warn("Looking up the tables' streams failed ({}); trying again every {}s", StreamErrors.describe(failure),
            DISCOVERY_INTERVAL.toSeconds());
      }
    }, context.scheduling().loop());
  }

  private CompletionStage<List<Stream>> listAll(String startArn, List<Stream> into) {
    return context.api().listStreams(ListStreamsRequest.builder().exclusiveStartStreamArn(startArn).build()).thenCompose((ListStreamsResponse page) -> {
      into.addAll(page.streams());
      String next = page.lastEvaluatedStreamArn();
      return next == null || next.equals(startArn) ? CompletableFuture.completedFuture(into) : listAll(next, into);
    });
  }
}
