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
import io.dynaccel.server.read.ReadOptions;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Query and Scan, read-through: eventually consistent calls are answered from the query cache and
 * sent upstream on a miss; consistent reads and calls that report consumed capacity always go to
 * DynamoDB. The answer is cached exactly as DynamoDB sent it.
 */
public final class QueryHandler implements OperationHandler {

  private final QueryCache cache;
  private final DirtyItems dirty;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final OperationHandler passThrough;
  private final DynaccelMetrics metrics;

  /** Creates the handler. */
  public QueryHandler(QueryCache cache, DirtyItems dirty, TableSchemas schemas, UpstreamClient upstream, DynaccelMetrics metrics) {
    this.cache = cache;
    this.dirty = dirty;
    this.schemas = schemas;
    this.upstream = upstream;
    this.passThrough = new DirtyFirst(new PassThrough(upstream), dirty);
    this.metrics = metrics;
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
    QueryFillTicket ticket = cache.beginFill(key);
    Buffer body = request.body();
    if (ticket.consistentRead()) {
      if (request.json().has("IndexName")) {
        // A moment after a write, only a consistent read is sure to show it, and global secondary
        // indexes have none: answer this one from DynamoDB without caching it.
        ticket = new QueryFillTicket(key, false, true);
      } else {
        body = Buffer.buffer(JsonCodec.write(request.json().deepCopy().put("ConsistentRead", true)));
      }
    }
    QueryFillTicket fill = ticket;
    return upstream.send(request.operation(), body).map(response -> {
      if (response.ok()) {
        cache.completeFill(fill, new CachedResult(response.body().getBytes()));
      }
      return ApiResponse.relay(response, CacheOutcome.MISS);
    });
  }
}
