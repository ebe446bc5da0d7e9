package io.dynaccel.server.write.through;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cache.WriteTicket;
import io.dynaccel.server.item.AttributeValues;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.query.QueryCache;
import io.dynaccel.server.query.QueryWriteTicket;
import io.dynaccel.server.table.TableMetadata;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.write.BatchWrite;
import io.dynaccel.server.write.PeerGuards;
import io.dynaccel.server.write.WriteContext;
import io.dynaccel.server.write.WritePath;
import io.dynaccel.server.write.internal.WriteOutcomes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Write-through and invalidate: DynamoDB first, acknowledged when DynamoDB succeeded; then the
 * cache holds the item as DynamoDB stores it (or its absence), or, for an invalidate table, drops
 * the key. The two strategies share this path because they differ only in that last step: the same
 * acknowledgement, the same guards against the fill/write race, the same failure rules.
 *
 * <p>To learn the new item of an UpdateItem, a request that asks for no return values is sent with
 * {@code ReturnValues: ALL_NEW} and the attributes are removed from the answer again. Requests that
 * ask for old or updated values are sent as they are and invalidate the key, since their answer
 * does not hold the whole new item.
 *
 * <p>In a cluster the write also holds {@link PeerGuards} at the owner of its table's table-wide
 * results (and of any key this node does not serve) until it is settled.
 */
public final class WriteThroughPath implements WritePath {

  private final ItemCache cache;
  private final QueryCache queries;
  private final UpstreamClient upstream;
  private final Function<String, WriteStrategy> strategies;
  private final PeerGuards peers;

  /** Creates the path; {@code strategies} tells which tables keep the new item in the cache. */
  public WriteThroughPath(WriteContext context, Function<String, WriteStrategy> strategies) {
    this.cache = context.cache();
    this.queries = context.queries();
    this.upstream = context.upstream();
    this.strategies = strategies;
    this.peers = context.peers();
  }

  @Override
  public Future<ApiResponse> writeItem(ApiRequest request, ItemKey key, TableMetadata table) {
    ObjectNode json = request.json();
    String returnValues = json.path("ReturnValues").asText("NONE");
    boolean learnNewItem = request.operation().equals("UpdateItem") && returnValues.equals("NONE");
    Buffer body = request.body();
    if (learnNewItem) {
      body = Buffer.buffer(JsonCodec.write(json.deepCopy().put("ReturnValues", "ALL_NEW")));
    }
    Buffer sent = body;
    return peers.openItems(List.of(key)).compose(held -> {
      WriteTicket ticket = cache.beginWrite(key);
      List<QueryWriteTicket> queryTickets = List.of(queries.beginWrite(key.table(), key.partition()));
      return held.closeAfter(upstream.send(request.operation(), sent))
          .onFailure(failure -> WriteOutcomes.settleFailure(cache, List.of(ticket), queries, queryTickets, failure))
          .map(response -> {
            JsonNode updated;
            CachedItem value;
            try {
              // An UpdateItem's answer is read once, for the new item and for the client's answer, and only
              // when one of them needs it.
              boolean read = response.ok() && request.operation().equals("UpdateItem") && (learnNewItem || keepsNewItem(key.table()));
              updated = read ? JsonCodec.read(response.body().getBytes()) : null;
              value = response.ok() ? newValue(request, key, updated) : null;
            } catch (RuntimeException e) {
              WriteOutcomes.settleFailure(cache, List.of(ticket), queries, queryTickets, e);
              throw e;
            }
            WriteOutcomes.settle(cache, List.of(ticket), queries, queryTickets, response, tickets -> cache.completeWrite(ticket, value));
            if (learnNewItem && updated != null) {
              ObjectNode answer = (ObjectNode) updated;
              answer.remove("Attributes");
              return ApiResponse.ok(answer);
            }
            return ApiResponse.relay(response);
          });
    });
  }

  @Override
  public Future<ApiResponse> writeBatch(ApiRequest request, List<BatchWrite> writes) {
    return peers.openItems(writes.stream().map(BatchWrite::key).toList()).compose(held -> writeBatch(request, writes, held));
  }

  private Future<ApiResponse> writeBatch(ApiRequest request, List<BatchWrite> writes, PeerGuards.Held held) {
    Map<WriteTicket, BatchWrite> tickets = new LinkedHashMap<>();
    Map<WriteRef, BatchWrite> byRequest = new LinkedHashMap<>();
    writes.forEach(write -> {
      tickets.put(cache.beginWrite(write.key()), write);
      byRequest.put(new WriteRef(write.spelling(), write.writeRequest()), write);
    });
    List<QueryWriteTicket> queryTickets = writes.stream()
        .map(write -> queries.beginWrite(write.key().table(), write.key().partition())).toList();
    Set<String> plannedNames = new HashSet<>();
    writes.forEach(write -> plannedNames.add(write.spelling()));
    return held.closeAfter(upstream.send(request.operation(), request.body()))
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
                  BatchWrite write = byRequest.get(new WriteRef(name, writeRequest));
                  unprocessed.add(write == null ? null : write.key());
                }
              });
            } catch (RuntimeException e) {
              WriteOutcomes.settleFailure(cache, tickets.keySet(), queries, queryTickets, e);
              throw e;
            }
          }
          WriteOutcomes.settle(cache, tickets.keySet(), queries, queryTickets, response, applied -> tickets.forEach((ticket, write) -> {
            if (unprocessed.contains(null)) {
              // An unprocessed write we cannot match: no cached entry may move on.
              cache.abandonWrite(ticket);
            } else if (unprocessed.contains(write.key())) {
              cache.failWrite(ticket);
            } else {
              cache.completeWrite(ticket, keepsNewItem(write.key().table()) ? write.newValue() : null);
            }
          }));
          return ApiResponse.relay(response);
        });
  }

  private boolean keepsNewItem(String table) {
    return strategies.apply(table) != WriteStrategy.INVALIDATE;
  }

  /**
   * The cache entry of an item DynamoDB accepted, or null (invalidate) if it holds a value outside
   * our number grammar, such as {@code "+5"}, which DynamoDB accepts but we do not canonicalise.
   */
  private static CachedItem normalizedPut(ObjectNode item) {
    try {
      return CachedItem.present(JsonCodec.write(AttributeValues.normalizeItem(item)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The key's value after an applied write, or null where the key must be invalidated instead.
   *
   * @param updated an UpdateItem's answer, read
   */
  private CachedItem newValue(ApiRequest request, ItemKey key, JsonNode updated) {
    if (!keepsNewItem(key.table())) {
      return null;
    }
    return switch (request.operation()) {
      case "PutItem" -> normalizedPut((ObjectNode) request.json().get("Item"));
      case "DeleteItem" -> CachedItem.absent();
      default -> {
        String returnValues = request.json().path("ReturnValues").asText("NONE");
        boolean wholeItem = returnValues.equals("NONE") || returnValues.equals("ALL_NEW");
        JsonNode attributes = updated.get("Attributes");
        yield wholeItem && attributes != null ? CachedItem.present(JsonCodec.write(attributes)) : null;
      }
    };
  }

  /**
   * One write request of the batch, under the table spelling it was sent with: equal requests to
   * two tables are two writes, and DynamoDB returns unprocessed ones under the same spelling.
   */
  private record WriteRef(String name, JsonNode writeRequest) {}
}
