package io.dynaccel.server.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.DirtyFirst;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.metrics.DynaccelMetrics;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.read.FillFlights;
import io.dynaccel.server.read.ReadOptions;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Query and Scan, read-through: eventually consistent calls are answered from the query cache and
 * sent upstream on a miss; consistent reads and calls that report consumed capacity always go to
 * DynamoDB. The answer is cached exactly as DynamoDB sent it. Concurrent misses of one request
 * share one upstream call while no write could have changed its answer ({@link FillFlights}).
 */
public final class QueryHandler implements OperationHandler {

  private final QueryCache cache;
  private final DirtyItems dirty;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final OperationHandler passThrough;
  private final DynaccelMetrics metrics;
  private final FillFlights<String, QueryFillTicket, Filled> flights;

  /** Creates the handler. */
  public QueryHandler(QueryCache cache, DirtyItems dirty, TableSchemas schemas, UpstreamClient upstream, DynaccelMetrics metrics) {
    this.cache = cache;
    this.dirty = dirty;
    this.schemas = schemas;
    this.upstream = upstream;
    this.passThrough = new DirtyFirst(new PassThrough(upstream), dirty);
    this.metrics = metrics;
    this.flights = new FillFlights<>(cache::unwrittenSince, metrics::queryFillMerged);
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    ObjectNode json = request.json();
    String spelling = TableNames.spelling(json.get("TableName"));
    if (spelling == null || !ReadOptions.cacheableRead(json)) {
      return passThrough.handle(request);
    }
    return schemas.lookup(spelling).compose(table -> !table.cached()
        ? serve(request, spelling, table)
        // DynamoDB must hold the table's acknowledged write-back changes before it answers for them.
        : dirty.flushed(table.table()).compose(v -> serve(request, spelling, table)));
  }

  private Future<ApiResponse> serve(ApiRequest request, String spelling, TableLookup table) {
    ObjectNode json = request.json();
    if (!table.servable()) {
      // DynamoDB answers: it knows no such table, or this spelling of it is yet to be accepted.
      return passThrough.handle(request).andThen(ApiResponse.whenOk(() -> schemas.accept(table)));
    }
    boolean tableQuery = request.operation().equals("Query") && !json.has("IndexName");
    String partition = tableQuery ? PartitionCondition.of(json, table.metadata().key()) : null;
    QueryScope scope = new QueryScope(table.table(), partition);
    // Both spellings of the table share results; the answers never name the table.
    ObjectNode identity = spelling.equals(table.table()) ? json : json.deepCopy().put("TableName", table.table());
    QueryCache.Key key = cache.keyOf(scope, request.operation() + JsonCodec.canonical(identity));
    CachedResult cached = cache.get(key);
    if (cached != null) {
      metrics.queryOrScan(key.table(), request.operation(), true);
      return Future.succeededFuture(ApiResponse.ok(cached.body(), cached.crc32(), CacheOutcome.HIT));
    }
    metrics.queryOrScan(key.table(), request.operation(), false);
    return fill(request, key);
  }

  private Future<ApiResponse> fill(ApiRequest request, QueryCache.Key key) {
    // Keyed by the request alone: whether a fill in flight still answers it is the cache's call.
    return flights.fill(key.request(), () -> cache.beginFill(key), ticket -> send(request, ticket)).map(Filled::answer);
  }

  /** Sends a fill's Query or Scan and offers DynamoDB's answer to the cache. */
  private Future<Filled> send(ApiRequest request, QueryFillTicket ticket) {
    boolean index = request.json().has("IndexName");
    // A moment after a write, only a consistent read is sure to show it, and global secondary indexes
    // have none: an index query is then answered from DynamoDB without caching it.
    QueryFillTicket fill = ticket.consistentRead() && index ? new QueryFillTicket(ticket.key(), false, true) : ticket;
    Buffer body = ticket.consistentRead() && !index
        ? Buffer.buffer(JsonCodec.write(request.json().deepCopy().put("ConsistentRead", true)))
        : request.body();
    return upstream.send(request.operation(), body).map(response -> {
      if (!response.ok()) {
        return new Filled(response, null);
      }
      CachedResult result = new CachedResult(response.body().getBytes());
      cache.completeFill(fill, result);
      return new Filled(response, result);
    });
  }

  /** What a fill read: DynamoDB's answer, and the result made of it if DynamoDB accepted the call. */
  private record Filled(UpstreamResponse response, CachedResult result) {

    /**
     * One caller's answer; misses that took one fill's answer each get a buffer of their own. An
     * accepted call's bytes are the result's, which never change, and are shared as a hit shares them.
     */
    ApiResponse answer() {
      if (result != null) {
        return ApiResponse.ok(result.body(), result.crc32(), CacheOutcome.MISS);
      }
      return ApiResponse.relay(response.copy(), CacheOutcome.MISS);
    }
  }
}
