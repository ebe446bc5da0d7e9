package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableLookup;
import io.vertx.core.Future;
import java.util.List;

/**
 * PutItem, UpdateItem and DeleteItem: finds the table and the key, then leaves the write to the
 * table's {@link WritePath}. Writes whose key cannot be named guard the whole table.
 */
public final class ItemWriteHandler implements OperationHandler {

  private final WriteContext context;
  private final PassThrough passThrough;
  private final WritePaths paths;

  /** Creates the handler. */
  public ItemWriteHandler(WriteContext context, WritePaths paths) {
    this.context = context;
    this.passThrough = new PassThrough(context.upstream());
    this.paths = paths;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    ObjectNode json = request.json();
    String spelling = TableNames.spelling(json.get("TableName"));
    if (spelling == null) {
      // DynamoDB rejects a write without a table name; nothing can change.
      return passThrough.handle(request);
    }
    return context.schemas().lookup(spelling).compose(table -> {
      if (table.reach() == TableLookup.Reach.UNKNOWN) {
        // DynamoDB would not describe the table, yet it may take the write: guard the whole table.
        return paths.beforeUnnamedWrite().compose(v -> context.tableWrites().write(List.of(table.table()), request));
      }
      if (!table.cached()) {
        // No such table here, or another account's: nothing cached can change; DynamoDB answers.
        return passThrough.handle(request);
      }
      ItemKey key = keyOf(request.operation(), table.table(), table.metadata().key(), json);
      if (key == null) {
        // We cannot name the key, yet DynamoDB might accept the write: guard the whole table.
        return paths.beforeUnnamedWrite().compose(v -> context.tableWrites().write(List.of(table.table()), request));
      }
      return paths.forTable(table.table()).writeItem(request, key, table.metadata())
          .andThen(ApiResponse.whenOk(() -> context.schemas().accept(table)));
    });
  }

  private static ItemKey keyOf(String operation, String table, KeySchema schema, ObjectNode json) {
    return operation.equals("PutItem") ? schema.keyOfItem(table, json.get("Item")) : schema.keyOf(table, json.get("Key"));
  }
}
