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
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableSchemas;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Function;

/**
 * PutItem, UpdateItem and DeleteItem: DynamoDB first, then the cache. Under write-through the cache
 * then holds the item as DynamoDB stores it (or its absence); under invalidate the key is dropped.
 *
 * <p>To learn the new item of an UpdateItem, a request that asks for no return values is sent with
 * {@code ReturnValues: ALL_NEW} and the attributes are removed from the answer again. Requests that
 * ask for old or updated values are sent as they are and invalidate the key, since their answer
 * does not hold the whole new item.
 */
public final class ItemWriteHandler implements OperationHandler {

  private final ItemCache cache;
  private final QueryCache queries;
  private final TableSchemas schemas;
  private final UpstreamClient upstream;
  private final PassThrough passThrough;
  private final Function<String, WriteStrategy> strategies;
  private final TableWrites tableWrites;

  /** Creates the handler; {@code strategies} gives each table's configured write strategy. */
  public ItemWriteHandler(ItemCache cache, QueryCache queries, TableSchemas schemas, UpstreamClient upstream, Function<String, WriteStrategy> strategies, TableWrites tableWrites) {
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
    ObjectNode json = request.json();
    String spelling = TableNames.spelling(json.get("TableName"));
    if (spelling == null) {
      // DynamoDB rejects a write without a table name; nothing can change.
      return passThrough.handle(request);
    }
    return schemas.lookup(spelling).compose(table -> {
      if (table.reach() == TableLookup.Reach.UNKNOWN) {
        // DynamoDB would not describe the table, yet it may take the write: guard the whole table.
        return tableWrites.write(List.of(table.table()), request);
      }
      if (!table.cached()) {
        // No such table here, or another account's: nothing cached can change; DynamoDB answers.
        return passThrough.handle(request);
      }
      ItemKey key = keyOf(request.operation(), table.table(), table.metadata().key(), json);
      if (key == null) {
        // We cannot name the key, yet DynamoDB might accept the write: guard the whole table.
        return tableWrites.write(List.of(table.table()), request);
      }
      return write(request, key).andThen(ApiResponse.whenOk(() -> schemas.accept(table)));
    });
  }

  private static ItemKey keyOf(String operation, String table, KeySchema schema, ObjectNode json) {
    return operation.equals("PutItem") ? schema.keyOfItem(table, json.get("Item")) : schema.keyOf(table, json.get("Key"));
  }

  private Future<ApiResponse> write(ApiRequest request, ItemKey key) {
    ObjectNode json = request.json();
    String returnValues = json.path("ReturnValues").asText("NONE");
    boolean learnNewItem = request.operation().equals("UpdateItem") && returnValues.equals("NONE");
    Buffer body = request.body();
    if (learnNewItem) {
      body = Buffer.buffer(JsonCodec.write(json.deepCopy().put("ReturnValues", "ALL_NEW")));
    }
    WriteTicket ticket = cache.beginWrite(key);
    List<QueryWriteTicket> queryTickets = List.of(queries.beginWrite(key.table(), key.partition()));
    return upstream.send(request.operation(), body)
        .onFailure(failure -> WriteOutcomes.settleFailure(cache, List.of(ticket), queries, queryTickets, failure))
        .map(response -> {
          CachedItem value;
          try {
            value = response.ok() ? newValue(request, key, response) : null;
          } catch (RuntimeException e) {
            WriteOutcomes.settleFailure(cache, List.of(ticket), queries, queryTickets, e);
            throw e;
          }
          WriteOutcomes.settle(cache, List.of(ticket), queries, queryTickets, response, tickets -> cache.completeWrite(ticket, value));
          if (learnNewItem && response.ok()) {
            ObjectNode answer = (ObjectNode) JsonCodec.read(response.body().getBytes());
            answer.remove("Attributes");
            return ApiResponse.ok(answer);
          }
          return ApiResponse.relay(response);
        });
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

  /** The key's value after an applied write, or null where the key must be invalidated instead. */
  private CachedItem newValue(ApiRequest request, ItemKey key, UpstreamResponse response) {
    if (strategies.apply(key.table()) != WriteStrategy.WRITE_THROUGH) {
      return null;
    }
    return switch (request.operation()) {
      case "PutItem" -> normalizedPut((ObjectNode) request.json().get("Item"));
      case "DeleteItem" -> CachedItem.absent();
      default -> {
        JsonNode answer = JsonCodec.read(response.body().getBytes());
        String returnValues = request.json().path("ReturnValues").asText("NONE");
        boolean wholeItem = returnValues.equals("NONE") || returnValues.equals("ALL_NEW");
        JsonNode attributes = answer.get("Attributes");
        yield wholeItem && attributes != null ? CachedItem.present(JsonCodec.write(attributes)) : null;
      }
    };
  }
}
