package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.item.AttributeValues;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * BatchWriteItem, write-through: the batch goes to DynamoDB as the client sent it; then every put or
 * delete that DynamoDB processed updates the cache, and every unprocessed one leaves it untouched.
 */
public final class BatchWriteItemHandler implements OperationHandler {

  private final ItemCache cache;
  private final QueryCache queries;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final PassThrough passThrough;
  private final Function<String, WriteStrategy> strategies;
  private final TableWrites tableWrites;

  /** Creates the handler. */
  public BatchWriteItemHandler(ItemCache cache, QueryCache queries, TableSchemas schemas, UpstreamClient upstream, Function<String, WriteStrategy> strategies, TableWrites tableWrites) {
    this.cache = cache;
    this.queries = queries;
    this.schemas = schemas;
    this.upstream = upstream;
    this.passThrough = new PassThrough(upstream);
    this.strategies = strategies;
    this.tableWrites = tableWrites;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    JsonNode requestItems = request.json().get("RequestItems");
    if (requestItems == null || !requestItems.isObject()) {
      return passThrough.handle(request);
    }
    List<String> names = new ArrayList<>();
    List<Future<TableLookup>> lookups = new ArrayList<>();
    for (Iterator<String> it = requestItems.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      names.add(name);
      lookups.add(schemas.lookup(name));
    }
    return Future.all(lookups).compose(done -> {
      Map<WriteRef, Planned> planned = new LinkedHashMap<>();
      Set<String> guarded = new LinkedHashSet<>();
      boolean unnamed = false;
      for (int i = 0; i < names.size(); i++) {
        TableLookup table = lookups.get(i).result();
        if (table.reach() == TableLookup.Reach.UNKNOWN) {
          guarded.add(table.table());
          unnamed = true;
        } else if (table.cached()) {
          guarded.add(table.table());
          for (JsonNode writeRequest : requestItems.get(names.get(i))) {
            Planned plan = Planned.of(table.table(), table.metadata().key(), writeRequest);
            if (plan == null) {
              unnamed = true;
            } else {
              planned.put(new WriteRef(names.get(i), writeRequest), plan);
            }
          }
        }
      }
      if (unnamed) {
        // Some write names no key we can read, yet DynamoDB might accept it: guard whole tables.
        return tableWrites.write(guarded, request);
      }
      List<TableLookup> tables = lookups.stream().map(Future::result).toList();
      return write(request, planned).andThen(ApiResponse.whenOk(() -> tables.forEach(schemas::accept)));
    });
  }

  private Future<ApiResponse> write(ApiRequest request, Map<WriteRef, Planned> planned) {
    Map<WriteTicket, Planned> tickets = new LinkedHashMap<>();
    planned.values().forEach(plan -> tickets.put(cache.beginWrite(plan.key), plan));
    List<QueryWriteTicket> queryTickets = planned.values().stream()
        .map(plan -> queries.beginWrite(plan.key.table(), plan.key.partition())).toList();
    Set<String> plannedNames = new HashSet<>();
    planned.keySet().forEach(ref -> plannedNames.add(ref.name()));
    return upstream.send(request.operation(), request.body())
        .onFailure(failure -> WriteOutcomes.settleFailure(cache, tickets.keySet(), queries, queryTickets, failure))
        .map(response -> {
          Set<ItemKey> unprocessed = new HashSet<>();
          if (response.ok()) {
            try {
              JsonNode answer = JsonCodec.read(response.body().getBytes()).path("UnprocessedItems");
              answer.fieldNames().forEachRemaining(name -> {
                if (!plannedNames.contains(name)) {
                  // Writes to a table nothing is cached for.
                  return;
                }
                for (JsonNode writeRequest : answer.get(name)) {
                  Planned plan = planned.get(new WriteRef(name, writeRequest));
                  unprocessed.add(plan == null ? null : plan.key);
                }
              });
            } catch (RuntimeException e) {
              WriteOutcomes.settleFailure(cache, tickets.keySet(), queries, queryTickets, e);
              throw e;
            }
          }
          WriteOutcomes.settle(cache, tickets.keySet(), queries, queryTickets, response, applied -> tickets.forEach((ticket, plan) -> {
            if (unprocessed.contains(null) || unprocessed.contains(plan.key)) {
              // Not processed, or an unprocessed write we cannot match: the cache must not move on.
              if (unprocessed.contains(null)) {
                cache.abandonWrite(ticket);
              } else {
                cache.failWrite(ticket);
              }
            } else {
              cache.completeWrite(ticket, strategies.apply(plan.key.table()) == WriteStrategy.WRITE_THROUGH ? plan.newValue : null);
            }
          }));
          return ApiResponse.relay(response);
        });
  }

  /**
   * One write request of the batch, under the table spelling it was sent with: equal requests to
   * two tables are two writes, and DynamoDB returns unprocessed ones under the same spelling.
   */
  private record WriteRef(String name, JsonNode writeRequest) {}

  /** One put or delete of the batch, with the cache entry it leaves behind. */
  private record Planned(ItemKey key, CachedItem newValue) {

    static Planned of(String table, KeySchema schema, JsonNode writeRequest) {
      try {
        return plan(table, schema, writeRequest);
      } catch (IllegalArgumentException e) {
        // An attribute value DynamoDB will reject; the caller then leaves the batch to DynamoDB.
        return null;
      }
    }

    private static Planned plan(String table, KeySchema schema, JsonNode writeRequest) {
      JsonNode put = writeRequest.path("PutRequest").get("Item");
      JsonNode delete = writeRequest.path("DeleteRequest").get("Key");
      if (put instanceof ObjectNode item && delete == null) {
        ItemKey key = schema.keyOfItem(table, item);
        return key == null ? null : new Planned(key, CachedItem.present(JsonCodec.write(AttributeValues.normalizeItem(item))));
      }
      if (delete != null && put == null) {
        ItemKey key = schema.keyOf(table, delete);
        return key == null ? null : new Planned(key, CachedItem.absent());
      }
      return null;
    }
  }
}
