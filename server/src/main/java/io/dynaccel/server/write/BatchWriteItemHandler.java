package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.item.AttributeValues;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.TableLookup;
import io.dynaccel.server.table.TableMetadata;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * BatchWriteItem: names the item of every put and delete, then leaves the batch to the write path
 * of its tables. A batch with a write whose item cannot be named guards whole tables instead.
 */
public final class BatchWriteItemHandler implements OperationHandler {

  private final WriteContext context;
  private final PassThrough passThrough;
  private final WritePaths paths;

  /** Creates the handler. */
  public BatchWriteItemHandler(WriteContext context, WritePaths paths) {
    this.context = context;
    this.passThrough = new PassThrough(context.upstream());
    this.paths = paths;
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
      lookups.add(context.schemas().lookup(name));
    }
    return Future.all(lookups).compose(done -> {
      List<BatchWrite> writes = new ArrayList<>();
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
            BatchWrite write = plan(names.get(i), table, writeRequest);
            if (write == null) {
              unnamed = true;
            } else {
              writes.add(write);
            }
          }
        }
      }
      if (unnamed) {
        // Some write names no key we can read, yet DynamoDB might accept it: guard whole tables.
        return paths.beforeUnnamedWrite().compose(v -> context.tableWrites().write(guarded, request));
      }
      List<TableLookup> tables = lookups.stream().map(Future::result).toList();
      return paths.forBatch(guarded).writeBatch(request, writes)
          .andThen(ApiResponse.whenOk(() -> tables.forEach(context.schemas()::accept)));
    });
  }

  /** One put or delete of the batch, or null if its item cannot be named. */
  private static BatchWrite plan(String spelling, TableLookup table, JsonNode writeRequest) {
    TableMetadata metadata = table.metadata();
    JsonNode put = writeRequest.path("PutRequest").get("Item");
    JsonNode delete = writeRequest.path("DeleteRequest").get("Key");
    try {
      if (put instanceof ObjectNode item && delete == null) {
        ItemKey key = metadata.key().keyOfItem(table.table(), item);
        return key == null ? null : new BatchWrite(spelling, writeRequest, key, metadata,
            CachedItem.present(JsonCodec.write(AttributeValues.normalizeItem(item))));
      }
      if (delete != null && put == null) {
        ItemKey key = metadata.key().keyOf(table.table(), delete);
        return key == null ? null : new BatchWrite(spelling, writeRequest, key, metadata, CachedItem.absent());
      }
    } catch (IllegalArgumentException e) {
      // An attribute value DynamoDB will reject; the batch is then left to DynamoDB.
      return null;
    }
    return null;
  }
}
