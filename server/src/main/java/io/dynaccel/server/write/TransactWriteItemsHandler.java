package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

  /** Creates the handler. */
  public TransactWriteItemsHandler(ItemCache cache, QueryCache queries, TableSchemas schemas, UpstreamClient upstream, TableWrites tableWrites) {
    this.cache = cache;
    this.queries = queries;
    this.schemas = schemas;
    this.upstream = upstream;
    this.passThrough = new PassThrough(upstream);
    this.tableWrites = tableWrites;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    List<String> tables = new ArrayList<>();
    List<JsonNode> writes = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (JsonNode item : request.json().path("TransactItems")) {
      for (String kind : WRITES) {
        JsonNode write = item.get(kind);
        if (write != null) {
          String table = TableNames.of(write.get("TableName"));
          if (table == null) {
            // DynamoDB rejects a write without a table; nothing can change.
            return passThrough.handle(request);
          }
          tables.add(table);
          writes.add(write);
          kinds.add(kind);
        }
      }
    }
    List<Future<Optional<KeySchema>>> lookups = tables.stream().map(schemas::schema).toList();
    return Future.all(lookups).compose(done -> {
      List<ItemKey> keys = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        Optional<KeySchema> schema = lookups.get(i).result();
        JsonNode write = writes.get(i);
        int index = i;
        String table = tables.get(i);
        ItemKey key = schema.map(s -> kinds.get(index).equals("Put") ? s.keyOfItem(table, write.get("Item")) : s.keyOf(table, write.get("Key"))).orElse(null);
        if (key == null && schema.isPresent()) {
          return tableWrites.write(tables, request);
        }
        if (key != null) {
          keys.add(key);
        }
      }
      List<WriteTicket> tickets = keys.stream().map(cache::beginWrite).toList();
      List<QueryWriteTicket> queryTickets = keys.stream().map(key -> queries.beginWrite(key.table(), key.partition())).toList();
      return upstream.send(request.operation(), request.body())
          .onFailure(failure -> WriteOutcomes.settleFailure(cache, tickets, queries, queryTickets, failure))
          .map(response -> {
            WriteOutcomes.settle(cache, tickets, queries, queryTickets, response, applied -> applied.forEach(ticket -> cache.completeWrite(ticket, null)));
            return ApiResponse.relay(response);
          });
    });
  }
}
