package io.dynaccel.server.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.DirtyFirst;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.FillTicket;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.protocol.StreamedGetItem;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Set;

/**
 * GetItem, read-through: eventually consistent reads are answered from the item cache and filled
 * from DynamoDB on a miss (an absent item is cached too); every other read goes to DynamoDB as is,
 * once DynamoDB holds every write-back change. A dirty write-back item is answered as logged.
 * With {@code cache.serveStaleOnError}, an eventually consistent read that DynamoDB fails to answer
 * may be answered with an entry past its TTL ({@link ItemCache#staleOnError}).
 */
public final class GetItemHandler implements OperationHandler {

  private static final Set<String> CACHEABLE_MEMBERS =
      Set.of("TableName", "Key", "ConsistentRead", "ReturnConsumedCapacity", "ProjectionExpression",
          "ExpressionAttributeNames", "AttributesToGet");

  private final ItemCache cache;
  private final DirtyItems dirty;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final OperationHandler passThrough;
  private final ProjectionShapes shapes;
  private final DynaccelMetrics metrics;
  private final FillFlights<ItemKey, FillTicket, Filled> flights;

  /** Creates the handler. */
  public GetItemHandler(ItemCache cache, DirtyItems dirty, TableSchemas schemas, UpstreamClient upstream, ProjectionShapes shapes, DynaccelMetrics metrics) {
    this.cache = cache;
    this.dirty = dirty;
    this.schemas = schemas;
    this.upstream = upstream;
    this.passThrough = new DirtyFirst(new PassThrough(upstream), dirty);
    this.shapes = shapes;
    this.metrics = metrics;
    this.flights = new FillFlights<>(cache::unwrittenSince, metrics::itemFillMerged);
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    StreamedGetItem plain = request.getItem();
    if (plain != null) {
      TableLookup table = schemas.knownLookup(plain.table());
      ItemKey key = table != null && table.servable() ? table.metadata().key().keyOf(table.table(), plain) : null;
      if (key != null) {
        // What the path below decides for this call, without its tree and futures: a whole-item eventually
        // consistent read of a table already described, so every check there passes.
        return readWholeItem(request, table, key);
      }
    }
    ObjectNode json = request.json();
    String spelling = TableNames.spelling(json.get("TableName"));
    ReadOptions options = ReadOptions.parse(json, CACHEABLE_MEMBERS);
    if (spelling != null && options == null && !dirty.isEmpty() && json.path("ConsistentRead").asBoolean(false)) {
      // A dirty write-back item's acknowledged state is the most recent there is: a consistent
      // read of it is answered from memory too.
      ObjectNode eventual = json.deepCopy();
      eventual.remove("ConsistentRead");
      ReadOptions dirtyOptions = ReadOptions.parse(eventual, CACHEABLE_MEMBERS);
      if (dirtyOptions != null) {
        return schemas.lookup(spelling).compose(table -> consistentRead(request, table, dirtyOptions));
      }
    }
    if (spelling == null || options == null) {
      return passThrough.handle(request);
    }
    return schemas.lookup(spelling).compose(table -> {
      if (!table.servable()) {
        // DynamoDB answers: it knows no such table, or this spelling of it is yet to be accepted.
        return passThrough.handle(request).andThen(ApiResponse.whenOk(() -> schemas.accept(table)));
      }
      ItemKey key = table.metadata().key().keyOf(table.table(), json.get("Key"));
      if (key == null || !options.answerableFor(table.metadata())) {
        return passThrough.handle(request);
      }
      if (!shapes.isAccepted(options.shape())) {
        return passThrough.handle(request).andThen(ApiResponse.whenOk(() -> shapes.accept(options.shape())));
      }
      CachedItem cached = dirty.current(key, cache);
      if (cached != null) {
        metrics.itemHits(table.table(), 1);
        return Future.succeededFuture(CachedAnswers.getItem(cached, options, CacheOutcome.HIT));
      }
      metrics.itemMisses(table.table(), 1);
      return fill(json, key, options);
    });
  }

  private Future<ApiResponse> readWholeItem(ApiRequest request, TableLookup table, ItemKey key) {
    CachedItem cached = dirty.current(key, cache);
    if (cached != null) {
      metrics.itemHits(table.table(), 1);
      return Future.succeededFuture(CachedAnswers.getItem(cached, ReadOptions.WHOLE_ITEM, CacheOutcome.HIT));
    }
    metrics.itemMisses(table.table(), 1);
    return fill(request.json(), key, ReadOptions.WHOLE_ITEM);
  }

  private Future<ApiResponse> consistentRead(ApiRequest request, TableLookup table, ReadOptions options) {
    ItemKey key = table.servable() ? table.metadata().key().keyOf(table.table(), request.json().get("Key")) : null;
    CachedItem state = key == null ? null : dirty.get(key);
    if (state == null || !options.answerableFor(table.metadata()) || !shapes.isAccepted(options.shape())) {
      return passThrough.handle(request);
    }
    metrics.itemHits(table.table(), 1);
    return Future.succeededFuture(CachedAnswers.getItem(state, options, CacheOutcome.HIT));
  }

  private Future<ApiResponse> fill(ObjectNode json, ItemKey key, ReadOptions options) {
    return flights.fill(key, () -> cache.beginFill(key), ticket -> read(json, ticket)).transform(result -> {
      if (result.succeeded() && result.result().response().statusCode() < 500) {
        Filled filled = result.result();
        if (filled.entry() == null) {
          // Misses that took one fill's answer each write it out: each gets bytes of its own.
          return Future.succeededFuture(ApiResponse.relay(filled.response().copy(), CacheOutcome.MISS));
        }
        return Future.succeededFuture(CachedAnswers.getItem(filled.entry(), options, CacheOutcome.MISS));
      }
      CachedItem stale = cache.staleOnError(key);
      if (stale == null) {
        return result.succeeded() ? Future.succeededFuture(ApiResponse.relay(result.result().response().copy(), CacheOutcome.MISS))
            : Future.failedFuture(result.cause());
      }
      metrics.staleServed(1);
      return Future.succeededFuture(CachedAnswers.getItem(stale, options, CacheOutcome.HIT));
    });
  }

  /** Sends a fill's GetItem, of the whole item, and offers what DynamoDB found to the cache. */
  private Future<Filled> read(ObjectNode json, FillTicket ticket) {
    ObjectNode fetch = JsonCodec.object();
    fetch.set("TableName", json.get("TableName"));
    fetch.set("Key", json.get("Key"));
    fetch.put("ConsistentRead", ticket.consistentRead());
    return upstream.send("GetItem", Buffer.buffer(JsonCodec.write(fetch))).map(response -> {
      if (!response.ok()) {
        return new Filled(response, null);
      }
      // The item's bytes are taken from the answer as they are: no tree, no re-encoding.
      CachedItem entry = CachedAnswers.entryOfItem(JsonCodec.memberBytes(response.body().getBytes(), "Item"));
      cache.completeFill(ticket, entry);
      return new Filled(response, entry);
    });
  }

  /** What a fill read: DynamoDB's answer, and the entry made of it if DynamoDB accepted the read. */
  private record Filled(UpstreamResponse response, CachedItem entry) {
  }
}
