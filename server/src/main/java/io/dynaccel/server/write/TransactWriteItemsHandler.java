package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.write.internal.WriteOutcomes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * TransactWriteItems: the transaction goes to DynamoDB as the client sent it, and once it succeeds
 * every key it puts, updates or deletes is invalidated (its new values are not all in the answer).
 */
public final class TransactWriteItemsHandler implements OperationHandler {

  private static final List<String> WRITES = List.of("Put", "Update", "Delete");

  private final ItemCache cache;
  private final QueryCache queries;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final PassThrough passThrough;
  private final TableWrites tableWrites;
  private final PeerGuards peers;

  /** Creates the handler. */
  public TransactWriteItemsHandler(WriteContext context) {
    this.cache = context.cache();
    this.queries = context.queries();
    this.schemas = context.schemas();
    this.upstream = context.upstream();
    this.passThrough = new PassThrough(upstream);
    this.tableWrites = context.tableWrites();
    this.peers = context.peers();
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    List<String> spellings = new ArrayList<>();
    List<JsonNode> writes = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (JsonNode item : request.json().path("TransactItems")) {
      for (String kind : WRITES) {
        JsonNode write = item.get(kind);
        if (write != null) {
          String spelling = TableNames.spelling(write.get("TableName"));
          if (spelling == null) {
            // DynamoDB rejects a write without a table; nothing can change.
            return passThrough.handle(request);
          }
          spellings.add(spelling);
          writes.add(write);
          kinds.add(kind);
        }
      }
    }
    List<Future<TableLookup>> lookups = spellings.stream().map(schemas::lookup).toList();
    return Future.all(lookups).compose(done -> {
      List<TableLookup> tables = lookups.stream().map(Future::result).toList();
      List<String> guarded = tables.stream().filter(t -> t.cached() || t.reach() == TableLookup.Reach.UNKNOWN).map(TableLookup::table).toList();
      List<ItemKey> keys = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        TableLookup table = tables.get(i);
        if (table.reach() == TableLookup.Reach.UNKNOWN) {
          return tableWrites.write(guarded, request);
        }
        if (!table.cached()) {
          // No such table here, or another account's: nothing cached can change.
          continue;
        }
        KeySchema schema = table.metadata().key();
        JsonNode write = writes.get(i);
        ItemKey key = kinds.get(i).equals("Put") ? schema.keyOfItem(table.table(), write.get("Item")) : schema.keyOf(table.table(), write.get("Key"));
        if (key == null) {
          return tableWrites.write(guarded, request);
        }
        keys.add(key);
      }
      // The transaction runs here whoever owns its keys: their owners hold guards until it is settled.
      return peers.openItems(keys).compose(held -> {
        List<WriteTicket> tickets = keys.stream().map(cache::beginWrite).toList();
        List<QueryWriteTicket> queryTickets = keys.stream().map(key -> queries.beginWrite(key.table(), key.partition())).toList();
        return held.closeAfter(upstream.send(request.operation(), request.body()))
            .onFailure(failure -> WriteOutcomes.settleFailure(cache, tickets, queries, queryTickets, failure))
            .map(response -> {
              WriteOutcomes.settle(cache, tickets, queries, queryTickets, response, applied -> applied.forEach(ticket -> cache.completeWrite(ticket, null)));
              if (response.ok()) {
                tables.forEach(schemas::accept);
              }
              return ApiResponse.relay(response);
            });
      });
    });
  }
}
