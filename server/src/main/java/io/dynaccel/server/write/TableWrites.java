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
  private final PeerGuards peers;

  /** Creates the sender of a node that runs alone. */
  public TableWrites(ItemCache cache, QueryCache queries, UpstreamClient upstream) {
    this(cache, queries, upstream, PeerGuards.ALONE);
  }

  /** Creates the sender; {@code peers} guards the tables at the other members of the cluster too. */
  public TableWrites(ItemCache cache, QueryCache queries, UpstreamClient upstream, PeerGuards peers) {
    this.cache = cache;
    this.queries = queries;
    this.upstream = upstream;
    this.peers = peers;
  }

  /** Forwards the request unchanged while the given tables are guarded. */
  public Future<ApiResponse> write(Collection<String> tables, ApiRequest request) {
    List<String> distinct = tables.stream().distinct().toList();
    // Any member may cache items of these tables: all of them are guarded, not only this one.
    return peers.openTables(distinct).compose(held -> {
      List<TableWriteTicket> tickets = distinct.stream().map(cache::beginTableWrite).toList();
      List<QueryWriteTicket> queryTickets = distinct.stream().map(queries::beginTableWrite).toList();
      return held.closeAfter(upstream.send(request.operation(), request.body()))
          .andThen(result -> {
            boolean settled = result.succeeded() && (result.result().ok() || result.result().rejected());
            boolean neverSent = result.failed() && result.cause() instanceof UpstreamFailure f && !f.mayHaveArrived();
            tickets.forEach(ticket -> cache.endTableWrite(ticket, !settled && !neverSent));
            queryTickets.forEach(ticket -> queries.endWrite(ticket, !settled && !neverSent));
          })
          .map(ApiResponse::relay);
    });
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
