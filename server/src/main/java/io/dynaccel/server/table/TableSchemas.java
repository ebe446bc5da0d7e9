package io.dynaccel.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.table.TableLookup.Reach;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Metadata of the tables (key schemas, index keys, identity), learnt from DescribeTable when a
 * request first needs it, and learnt again whenever the table may have changed.
 *
 * <p>A description is kept only when DynamoDB gave one. When DescribeTable is refused, the refusal
 * is never the answer: the lookup says so ({@link Reach#UNCACHED} or {@link Reach#UNKNOWN}) and the
 * handler sends the client's own request to DynamoDB, which answers it in its own words. Only a
 * DynamoDB that cannot be reached fails the lookup.
 *
 * <p>An ARN is the same table as its plain name only if it is exactly the {@code TableArn} that
 * DynamoDB gave for that name (this upstream's partition, region and account); any other ARN names
 * a table the cache knows nothing of. Even the table's own ARN is served from the cache only once
 * DynamoDB has accepted it from a client ({@link #accept}): endpoints that take only plain names
 * (dynalite, older emulators) must get the same answer cold or warm.
 *
 * <p>A table deleted and created again outside the accelerator gets a new id and creation time.
 * {@link #refreshAll} (run periodically) and {@link #refreshAfterError} (when DynamoDB answers a
 * request with a schema error) describe known tables again; a changed or vanished table has all its
 * cached items and query results dropped through the drop action, which must be coherent with
 * fills in flight (a whole-table write of no duration does that).
 */
public final class TableSchemas {

  /** Refreshes after errors of one table are at least this far apart, so bad keys cannot flood DescribeTable. */
  static final Duration ERROR_REFRESH_SPACING = Duration.ofSeconds(1);

  private final Function<Buffer, Future<UpstreamResponse>> describeTable;
  private final Consumer<String> dropTable;
  private final Ticker ticker;
  private final ConcurrentMap<String, Future<Described>> tables = new ConcurrentHashMap<>();
  private final Set<String> acceptedArns = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<String, Future<Void>> refreshing = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> lastErrorRefresh = new ConcurrentHashMap<>();
  private final AtomicBoolean periodicRunning = new AtomicBoolean();

  /**
   * Creates the registry over the given upstream.
   *
   * @param dropTable drops every cached item and query result of a table, coherently with fills in flight
   * @param ticker the time source, injected so tests control the spacing of refreshes
   */
  public TableSchemas(UpstreamClient upstream, Consumer<String> dropTable, Ticker ticker) {
    this(body -> upstream.send("DescribeTable", body), dropTable, ticker);
  }

  TableSchemas(Function<Buffer, Future<UpstreamResponse>> describeTable, Consumer<String> dropTable, Ticker ticker) {
    this.describeTable = describeTable;
    this.dropTable = dropTable;
    this.ticker = ticker;
  }

  /**
   * What a table name or ARN, as a request spells it, means to the cache.
   *
   * @return the lookup; a failed future only if DynamoDB could not be reached
   */
  public Future<TableLookup> lookup(String spelling) {
    Future<Described> known = tables.get(spelling);
    if (known != null && known.succeeded() && known.result().byName() != null) {
      // The plain name of a described table, as nearly every request spells it: one lookup, no copy.
      return known.result().byName();
    }
    String table = TableNames.plain(spelling);
    return described(table).map(described -> classify(spelling, table, described));
  }

  /**
   * The lookup of a table already described, by the plain name it was described under, without a
   * future: what {@link #lookup} would complete with at once.
   *
   * @return the lookup, or null if the spelling is not the plain name of a described table (then ask {@link #lookup})
   */
  public TableLookup knownLookup(String spelling) {
    Future<Described> known = tables.get(spelling);
    return known != null && known.succeeded() && known.result().byName() != null ? known.result().byName().result() : null;
  }

  private TableLookup classify(String spelling, String table, Described described) {
    TableMetadata metadata = described.metadata();
    if (metadata == null) {
      return new TableLookup(spelling, table, null, described.otherwise());
    }
    if (spelling.equals(table)) {
      return described.byName().result();
    }
    if (!spelling.equals(metadata.tableArn())) {
      // Another region's or account's table of the same name, or no table DynamoDB would accept.
      return new TableLookup(spelling, table, null, Reach.UNCACHED);
    }
    return new TableLookup(spelling, table, metadata, acceptedArns.contains(spelling) ? Reach.SERVABLE : Reach.UNVERIFIED);
  }

  /** Records that DynamoDB answered a request with this spelling successfully, so the cache may serve it. */
  public void accept(TableLookup lookup) {
    if (lookup.reach() == Reach.UNVERIFIED) {
      acceptedArns.add(lookup.spelling());
    }
  }

  /** Forgets what is known about a table, after it was created, updated or deleted through the accelerator. */
  public void forget(String table) {
    tables.remove(table);
  }

  /**
   * Describes every known table again; tables deleted or created anew have their cached data
   * dropped. A run that finds the previous one still going does nothing.
   */
  public Future<Void> refreshAll() {
    if (!periodicRunning.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Future<Void>> each = List.copyOf(tables.keySet()).stream().map(this::refresh).toList();
    return Future.join(each).<Void>mapEmpty().otherwiseEmpty().andThen(done -> periodicRunning.set(false));
  }

  /**
   * Describes a table again after DynamoDB answered a request for it with a schema error (no such
   * table, key not matching the schema): the table may have been deleted or created anew. Does
   * nothing for tables never described, which nothing is cached for, or if the last such refresh of
   * the table was less than a second ago.
   *
   * @return completes once the refresh is done (never fails)
   */
  public Future<Void> refreshAfterError(String table) {
    if (!tables.containsKey(table)) {
      return Future.succeededFuture();
    }
    long now = ticker.read();
    Long last = lastErrorRefresh.get(table);
    if (last != null && now - last < ERROR_REFRESH_SPACING.toNanos()) {
      return Future.succeededFuture();
    }
    lastErrorRefresh.put(table, now);
    return refresh(table);
  }

  /** One refresh of a table at a time; later callers wait for the one in flight. */
  private Future<Void> refresh(String table) {
    Promise<Void> mine = Promise.promise();
    Future<Void> running = refreshing.putIfAbsent(table, mine.future());
    if (running != null) {
      return running;
    }
    describeAgain(table).onComplete(done -> {
      refreshing.remove(table, mine.future());
      mine.complete();
    });
    return mine.future();
  }

  private Future<Void> describeAgain(String table) {
    Future<Described> current = tables.get(table);
    if (current == null || !current.succeeded() || current.result().metadata() == null) {
      return Future.succeededFuture();
    }
    TableMetadata old = current.result().metadata();
    return describe(table).map(fresh -> {
      if (fresh.metadata() != null) {
        if (!fresh.metadata().equals(old)) {
          tables.replace(table, current, Future.succeededFuture(fresh));
        }
        if (!old.sameIncarnation(fresh.metadata())) {
          dropTable.accept(table);
        }
      } else if (fresh.otherwise() == Reach.UNCACHED) {
        // DynamoDB no longer knows the table: nothing cached for it is true any more.
        tables.remove(table, current);
        dropTable.accept(table);
      }
      return null;
    });
  }

  private Future<Described> described(String table) {
    Future<Described> known = tables.get(table);
    if (known != null) {
      return known;
    }
    Future<Described> lookup = describe(table);
    Future<Described> raced = tables.putIfAbsent(table, lookup);
    if (raced != null) {
      return raced;
    }
    return lookup.andThen(result -> {
      if (result.failed() || result.result().metadata() == null) {
        // Not remembered: a table created later is found, and a refusal may not last.
        tables.remove(table, lookup);
      } else {
        // Every call of the table reads this entry, from every event loop. A completed future of
        // Vert.x's own reads its state under a monitor; fought over by two loops, that monitor
        // stalled cache hits for milliseconds (issue 14). A succeeded future reads a plain field.
        tables.replace(table, lookup, Future.succeededFuture(result.result()));
      }
    });
  }

  private Future<Described> describe(String table) {
    ObjectNode request = JsonCodec.object().put("TableName", table);
    return describeTable.apply(Buffer.buffer(JsonCodec.write(request))).map(response -> {
      if (response.ok()) {
        return Described.of(table, parse(JsonCodec.read(response.body().getBytes()).path("Table")));
      }
      String type = response.statusCode() == 400 ? DynamoDbException.typeIn(response.body()) : "";
      // No such table, or a name DynamoDB rejects: no request naming it can touch cached data.
      if (type.endsWith("#ResourceNotFoundException") || type.endsWith("#ValidationException")) {
        return Described.none(Reach.UNCACHED);
      }
      // Throttled, denied or failing: the client's request goes to DynamoDB, which answers it.
      return Described.none(Reach.UNKNOWN);
    });
  }

  /** Reads the metadata from DescribeTable's {@code Table}. */
  static TableMetadata parse(JsonNode table) {
    String hashName = null;
    String rangeName = null;
    for (JsonNode element : table.path("KeySchema")) {
      if ("HASH".equals(element.path("KeyType").asText())) {
        hashName = element.path("AttributeName").asText();
      } else {
        rangeName = element.path("AttributeName").asText();
      }
    }
    Map<String, String> definedTypes = new HashMap<>();
    for (JsonNode definition : table.path("AttributeDefinitions")) {
      definedTypes.put(definition.path("AttributeName").asText(), definition.path("AttributeType").asText());
    }
    String hashType = definedTypes.get(hashName);
    String rangeType = rangeName == null ? null : definedTypes.get(rangeName);
    if (hashName == null || hashType == null || (rangeName != null && rangeType == null)) {
      throw new IllegalStateException("DescribeTable answered without a usable key schema: " + table);
    }
    Map<String, String> keyAttributes = new HashMap<>();
    keyAttributes.put(hashName, hashType);
    if (rangeName != null) {
      keyAttributes.put(rangeName, rangeType);
    }
    for (String indexes : List.of("LocalSecondaryIndexes", "GlobalSecondaryIndexes")) {
      for (JsonNode index : table.path(indexes)) {
        for (JsonNode element : index.path("KeySchema")) {
          String name = element.path("AttributeName").asText();
          keyAttributes.put(name, definedTypes.getOrDefault(name, ""));
        }
      }
    }
    JsonNode created = table.get("CreationDateTime");
    return new TableMetadata(new KeySchema(hashName, hashType, rangeName, rangeType), keyAttributes,
        table.path("TableArn").textValue(), table.path("TableId").textValue(), created == null ? null : created.asText());
  }

  /**
   * A description, or (when DynamoDB gave none) what that means for requests; with a description,
   * also the lookup of the table by its plain name, built once.
   */
  private record Described(TableMetadata metadata, Reach otherwise, Future<TableLookup> byName) {

    static Described of(String table, TableMetadata metadata) {
      return new Described(metadata, null, Future.succeededFuture(new TableLookup(table, table, metadata, Reach.SERVABLE)));
    }

    static Described none(Reach otherwise) {
      return new Described(null, otherwise, null);
    }
  }
}
