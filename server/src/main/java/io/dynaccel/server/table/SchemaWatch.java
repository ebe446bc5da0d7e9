package io.dynaccel.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.TableNames;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wraps the handlers so that a schema error from DynamoDB (no such table, or a key that does not
 * match the schema) makes the node describe the tables of the request again before it answers: the
 * table may have been deleted, or created anew with another key, outside the accelerator. Once the
 * client has the error, nothing cached under the old schema is served any more.
 */
public final class SchemaWatch implements OperationHandler {

  private static final String KEY_MISMATCH = "The provided key element does not match the schema";

  private final OperationHandler handlers;
  private final TableSchemas schemas;

  /** Wraps the handlers. */
  public SchemaWatch(OperationHandler handlers, TableSchemas schemas) {
    this.handlers = handlers;
    this.schemas = schemas;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    Future<ApiResponse> answer = handlers.handle(request);
    if (answer.succeeded() && answer.result().statusCode() != 400) {
      // Answered already, and not with an error: nothing to watch, and no composition to allocate.
      return answer;
    }
    return answer.compose(response -> {
      if (response.statusCode() != 400 || !schemaError(response)) {
        return Future.succeededFuture(response);
      }
      List<Future<Void>> refreshes = new ArrayList<>();
      for (String table : tables(request)) {
        refreshes.add(schemas.refreshAfterError(table));
      }
      return Future.join(refreshes).transform(done -> Future.succeededFuture(response));
    });
  }

  private static boolean schemaError(ApiResponse response) {
    String type = DynamoDbException.typeIn(response.body());
    if (type.endsWith("#ResourceNotFoundException")) {
      return true;
    }
    return type.endsWith("#ValidationException") && response.body().toString().contains(KEY_MISMATCH);
  }

  /** The plain names of every table a request names. */
  static Set<String> tables(ApiRequest request) {
    Set<String> tables = new LinkedHashSet<>();
    add(tables, request.json().get("TableName"));
    request.json().path("RequestItems").fieldNames().forEachRemaining(name -> tables.add(TableNames.plain(name)));
    for (JsonNode item : request.json().path("TransactItems")) {
      item.forEach(action -> add(tables, action.get("TableName")));
    }
    return tables;
  }

  private static void add(Set<String> tables, JsonNode member) {
    String table = TableNames.of(member);
    if (table != null) {
      tables.add(table);
    }
  }
}
