package io.dynaccel.server.write;

import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.TableNames;
import io.dynaccel.server.table.TableSchemas;
import io.vertx.core.Future;
import java.util.List;

/**
 * Operations that create, replace or delete a table (CreateTable, DeleteTable, UpdateTable, restores,
 * imports): sent as they are, the table's cached items dropped and its key schema learnt afresh.
 */
public final class SchemaChangeHandler implements OperationHandler {

  private final TableSchemas schemas;
  private final TableWrites tableWrites;

  /** Creates the handler. */
  public SchemaChangeHandler(TableSchemas schemas, TableWrites tableWrites) {
    this.schemas = schemas;
    this.tableWrites = tableWrites;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    String table = TableNames.of(request.json().get("TableName"));
    if (table == null) {
      table = TableNames.of(request.json().get("TargetTableName"));
    }
    if (table == null) {
      table = TableNames.of(request.json().path("TableCreationParameters").get("TableName"));
    }
    String changed = table;
    if (changed == null) {
      return tableWrites.write(List.of(ItemCache.ALL_TABLES), request);
    }
    return tableWrites.write(List.of(changed), request).andThen(r -> schemas.forget(changed));
  }
}
