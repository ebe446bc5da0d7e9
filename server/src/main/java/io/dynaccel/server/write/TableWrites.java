package io.dynaccel.server.write;

import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.TableWriteTicket;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamFailure;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * Sends writes that may change any item of some tables (PartiQL statements, table deletion, writes
 * whose key the accelerator cannot name): the tables are guarded while the write is in flight and
 * their cached items dropped when it ends, whatever its outcome. Also drops a table that changed
 * outside the accelerator, as a whole-table write of no duration.
 */
public final class TableWrites {

  private final ItemCache cache;
  private final QueryCache queries;
  private final UpstreamClient upstream;

  /** Creates the sender. */
  public TableWrites(ItemCache cache, QueryCache queries, UpstreamClient upstream) {
    this.cache = cache;
    this.queries = queries;
    this.upstream = upstream;
  }

  /** Forwards the request unchanged while the given tables are guarded. */
  public Future<ApiResponse> write(Collection<String> tables, ApiRequest request) {
    List<TableWriteTicket> tickets = tables.stream().distinct().map(cache::beginTableWrite).toList();
    List<QueryWriteTicket> queryTickets = tables.stream().distinct().map(queries::beginTableWrite).toList();
    return upstream.send(request.operation(), request.body())
        .andThen(result -> {
          boolean settled = result.succeeded() && (result.result().ok() || result.result().rejected());
          boolean neverSent = result.failed() && result.cause() instanceof UpstreamFailure f && !f.mayHaveArrived();
          tickets.forEach(ticket -> cache.endTableWrite(ticket, !settled && !neverSent));
          queryTickets.forEach(ticket -> queries.endWrite(ticket, !settled && !neverSent));
        })
        .map(ApiResponse::relay);
  }

  /**
   * Drops every cached item and query result of a table, coherently with fills in flight: a fill
   * that began before the drop does not install, as if a whole-table write had begun and ended.
   */
  public void drop(String table) {
    TableWriteTicket ticket = cache.beginTableWrite(table);
    QueryWriteTicket queryTicket = queries.beginTableWrite(table);
    cache.endTableWrite(ticket, false);
    queries.endWrite(queryTicket, false);
  }
}
