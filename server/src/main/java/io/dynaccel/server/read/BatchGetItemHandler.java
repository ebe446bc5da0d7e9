package io.dynaccel.server.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.DirtyFirst;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.item.ItemSize;
import io.dynaccel.server.item.Projection;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BatchGetItem, read-through: each key is answered from the item cache, and all the misses are
 * fetched in one upstream call. Keys DynamoDB leaves unprocessed are returned to the client as
 * {@code UnprocessedKeys}, with the client's own read options, exactly as DynamoDB would.
 *
 * <p>The answer keeps DynamoDB's limit of 16 MB of items, counted as DynamoDB counts item sizes
 * ({@link ItemSize}) over the whole items read, before projection: an item that would take the
 * answer past it is left out and its key returned in {@code UnprocessedKeys}, for the client to ask
 * again, as DynamoDB does when it stops at the limit.
 *
 * <p>With {@code cache.serveStaleOnError}, a fetch DynamoDB fails to answer is answered from
 * entries past their TTL if every missed key has one ({@link ItemCache#staleOnError}).
 */
public final class BatchGetItemHandler implements OperationHandler {

  private static final int MAX_KEYS = 100;
  /** DynamoDB's limit on the items of one answer. */
  static final long MAX_RESPONSE_BYTES = 16L * 1024 * 1024;
  private static final Set<String> CACHEABLE_MEMBERS = Set.of("RequestItems", "ReturnConsumedCapacity");
  private static final Set<String> CACHEABLE_TABLE_MEMBERS =
      Set.of("Keys", "ConsistentRead", "ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet");

  private final ItemCache cache;
  private final DirtyItems dirty;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final OperationHandler passThrough;
  private final ProjectionShapes shapes;
  private final DynaccelMetrics metrics;

  /** Creates the handler. */
  public BatchGetItemHandler(ItemCache cache, DirtyItems dirty, TableSchemas schemas, UpstreamClient upstream, ProjectionShapes shapes, DynaccelMetrics metrics) {
    this.cache = cache;
    this.dirty = dirty;
    this.schemas = schemas;
    this.upstream = upstream;
    this.passThrough = new DirtyFirst(new PassThrough(upstream), dirty);
    this.shapes = shapes;
    this.metrics = metrics;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    ObjectNode json = request.json();
    JsonNode requestItems = json.get("RequestItems");
    if (!ReadOptions.onlyMembers(json, CACHEABLE_MEMBERS) || !ReadOptions.cacheableRead(json) || requestItems == null || !requestItems.isObject() || requestItems.isEmpty()) {
      return passThrough.handle(request);
    }
    List<String> spellings = new ArrayList<>();
    List<Future<TableLookup>> lookups = new ArrayList<>();
    for (Iterator<String> it = requestItems.fieldNames(); it.hasNext(); ) {
      String spelling = it.next();
      spellings.add(spelling);
      lookups.add(schemas.lookup(spelling));
    }
    return Future.all(lookups).compose(done -> {
      List<TableLookup> tables = lookups.stream().map(Future::result).toList();
      if (tables.stream().anyMatch(t -> !t.cached()) || tables.stream().map(TableLookup::table).distinct().count() < tables.size()) {
        // A table the cache knows nothing of, or one table under two spellings: DynamoDB answers.
        return passThrough.handle(request);
      }
      List<TableLookup> unverifiedTables = tables.stream().filter(t -> !t.servable()).toList();
      if (!unverifiedTables.isEmpty()) {
        return passThrough.handle(request).andThen(ApiResponse.whenOk(() -> unverifiedTables.forEach(schemas::accept)));
      }
      List<TableRead> reads = new ArrayList<>();
      int keyCount = 0;
      for (int i = 0; i < spellings.size(); i++) {
        TableRead read = TableRead.plan(spellings.get(i), requestItems.get(spellings.get(i)), tables.get(i));
        if (read == null) {
          return passThrough.handle(request);
        }
        keyCount += read.keys.size();
        reads.add(read);
      }
      if (keyCount > MAX_KEYS) {
        return passThrough.handle(request);
      }
      List<String> unverified = reads.stream().map(r -> r.options.shape()).filter(s -> !shapes.isAccepted(s)).toList();
      if (!unverified.isEmpty()) {
        return passThrough.handle(request).andThen(ApiResponse.whenOk(() -> unverified.forEach(shapes::accept)));
      }
      return answer(reads);
    });
  }

  private Future<ApiResponse> answer(List<TableRead> reads) {
    int misses = 0;
    for (TableRead read : reads) {
      int tableHits = 0;
      int tableMisses = 0;
      for (Map.Entry<ItemKey, JsonNode> key : read.keys.entrySet()) {
        CachedItem cached = dirty.current(key.getKey(), cache);
        if (cached != null) {
          tableHits++;
          if (cached.exists()) {
            read.found.add(Found.of(key.getValue(), CachedAnswers.item(cached), cached.itemLength(), read.options));
          }
        } else {
          tableMisses++;
          read.misses.put(key.getKey(), cache.beginFill(key.getKey()));
        }
      }
      metrics.itemHits(read.table, tableHits);
      metrics.itemMisses(read.table, tableMisses);
      misses += tableMisses;
    }
    if (misses == 0) {
      return Future.succeededFuture(ApiResponse.ok(encode(reads), CacheOutcome.HIT));
    }
    return upstream.send("BatchGetItem", Buffer.buffer(JsonCodec.write(fetchRequest(reads)))).transform(result -> {
      if (result.succeeded() && result.result().statusCode() < 500) {
        return Future.succeededFuture(filled(reads, result.result()));
      }
      if (cache.servesStale() && answerStale(reads)) {
        return Future.succeededFuture(ApiResponse.ok(encode(reads), CacheOutcome.MISS));
      }
      return result.succeeded() ? Future.succeededFuture(ApiResponse.relay(result.result(), CacheOutcome.MISS)) : Future.failedFuture(result.cause());
    });
  }

  private ApiResponse filled(List<TableRead> reads, UpstreamResponse response) {
    if (!response.ok()) {
      return ApiResponse.relay(response, CacheOutcome.MISS);
    }
    JsonNode answer = JsonCodec.read(response.body().getBytes());
    for (TableRead read : reads) {
      settle(read, answer.path("Responses").path(read.requestName), answer.path("UnprocessedKeys").path(read.requestName).path("Keys"));
    }
    return ApiResponse.ok(encode(reads), CacheOutcome.MISS);
  }

  /**
   * Answers every missed key with its entry past its TTL, after DynamoDB failed the fetch: all of
   * them or none, so a batch is never answered in part from stale entries and in part with an error.
   */
  private boolean answerStale(List<TableRead> reads) {
    Map<ItemKey, CachedItem> stale = new HashMap<>();
    for (TableRead read : reads) {
      for (ItemKey key : read.misses.keySet()) {
        CachedItem entry = cache.staleOnError(key);
        if (entry == null) {
          return false;
        }
        stale.put(key, entry);
      }
    }
    for (TableRead read : reads) {
      for (ItemKey key : read.misses.keySet()) {
        CachedItem entry = stale.get(key);
        if (entry.exists()) {
          read.found.add(Found.of(read.keys.get(key), CachedAnswers.item(entry), entry.itemLength(), read.options));
        }
      }
    }
    metrics.staleServed(stale.size());
    return true;
  }

  private static ObjectNode fetchRequest(List<TableRead> reads) {
    ObjectNode requestItems = JsonCodec.object();
    for (TableRead read : reads) {
      if (read.misses.isEmpty()) {
        continue;
      }
      ObjectNode entry = requestItems.putObject(read.requestName);
      ArrayNode keys = entry.putArray("Keys");
      boolean consistent = false;
      for (Map.Entry<ItemKey, FillTicket> miss : read.misses.entrySet()) {
        keys.add(read.keys.get(miss.getKey()));
        consistent |= miss.getValue().consistentRead();
      }
      entry.put("ConsistentRead", consistent);
    }
    ObjectNode request = JsonCodec.object();
    request.set("RequestItems", requestItems);
    return request;
  }

  private void settle(TableRead read, JsonNode items, JsonNode unprocessed) {
    Map<ItemKey, FillTicket> pending = new HashMap<>(read.misses);
    for (JsonNode item : items) {
      ItemKey key = read.schema.keyOfItem(read.table, item);
      FillTicket ticket = key == null ? null : pending.remove(key);
      if (ticket != null) {
        CachedItem entry = CachedAnswers.entryOf(item);
        cache.completeFill(ticket, entry);
        read.found.add(Found.of(read.keys.get(key), (ObjectNode) item, entry.itemLength(), read.options));
      }
    }
    for (JsonNode key : unprocessed) {
      ItemKey itemKey = read.schema.keyOf(read.table, key);
      if (itemKey != null && pending.remove(itemKey) != null) {
        read.unprocessed.add(read.keys.get(itemKey));
      }
    }
    // DynamoDB answered for every remaining key and returned no item: the items do not exist.
    pending.values().forEach(ticket -> cache.completeFill(ticket, CachedItem.absent()));
  }

  private static ObjectNode encode(List<TableRead> reads) {
    ObjectNode body = JsonCodec.object();
    ObjectNode responses = body.putObject("Responses");
    ObjectNode unprocessedKeys = body.putObject("UnprocessedKeys");
    // An item's JSON is never shorter than DynamoDB's size of it, so sizes are only counted when
    // the JSON of all the items could pass the limit: never on the usual, small answer.
    long bound = reads.stream().flatMap(r -> r.found.stream()).mapToLong(Found::jsonLength).sum();
    boolean counting = bound > MAX_RESPONSE_BYTES;
    long room = MAX_RESPONSE_BYTES;
    for (TableRead read : reads) {
      ArrayNode items = responses.putArray(read.requestName);
      for (Found found : read.found) {
        long size = counting ? ItemSize.of(found.wholeItem) : 0;
        if (size > room) {
          read.unprocessed.add(found.key);
        } else {
          room -= size;
          items.add(found.item);
        }
      }
      if (!read.unprocessed.isEmpty()) {
        ObjectNode entry = read.request.deepCopy();
        ArrayNode keys = entry.putArray("Keys");
        read.unprocessed.forEach(keys::add);
        unprocessedKeys.set(read.requestName, entry);
      }
    }
    return body;
  }

  /**
   * An item found for a key: what the answer shows (projected if asked), and the whole item, which
   * is what counts against the answer's limit, with the length of its JSON, a bound of its size.
   */
  private record Found(JsonNode key, ObjectNode item, ObjectNode wholeItem, long jsonLength) {
    static Found of(JsonNode key, ObjectNode wholeItem, long jsonLength, ReadOptions options) {
      Projection projection = options.projection();
      return new Found(key, projection == null ? wholeItem : projection.apply(wholeItem), wholeItem, jsonLength);
    }
  }

  /** The part of a batch that reads one table. */
  private static final class TableRead {
    final String requestName;
    final String table;
    final ObjectNode request;
    final KeySchema schema;
    final ReadOptions options;
    final Map<ItemKey, JsonNode> keys;
    final Map<ItemKey, FillTicket> misses = new LinkedHashMap<>();
    final List<Found> found = new ArrayList<>();
    final List<JsonNode> unprocessed = new ArrayList<>();

    private TableRead(String requestName, String table, ObjectNode request, KeySchema schema, ReadOptions options, Map<ItemKey, JsonNode> keys) {
      this.requestName = requestName;
      this.table = table;
      this.request = request;
      this.schema = schema;
      this.options = options;
      this.keys = keys;
    }

    /** Plans the read of one table, or null if the cache must leave the whole batch to DynamoDB. */
    static TableRead plan(String requestName, JsonNode entry, TableLookup table) {
      if (!(entry instanceof ObjectNode request)) {
        return null;
      }
      ReadOptions options = ReadOptions.parse(request, CACHEABLE_TABLE_MEMBERS);
      JsonNode keyList = request.get("Keys");
      if (options == null || !options.answerableFor(table.metadata()) || keyList == null || !keyList.isArray() || keyList.isEmpty()) {
        return null;
      }
      KeySchema schema = table.metadata().key();
      Map<ItemKey, JsonNode> keys = new LinkedHashMap<>();
      for (JsonNode key : keyList) {
        ItemKey itemKey = schema.keyOf(table.table(), key);
        if (itemKey == null || keys.put(itemKey, key) != null) {
          // An invalid or duplicate key: DynamoDB rejects the batch, and says why.
          return null;
        }
      }
      return new TableRead(requestName, table.table(), request, schema, options, keys);
    }
  }
}
