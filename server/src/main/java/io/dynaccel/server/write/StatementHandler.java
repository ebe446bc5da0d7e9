package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.api.PassThrough;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction): sent as is. SELECTs touch
 * nothing; any other statement may change items the accelerator cannot name, so it guards the
 * tables it writes, or every table when the statement's table cannot be read.
 */
public final class StatementHandler implements OperationHandler {

  private static final Pattern SELECT = Pattern.compile("^\\s*SELECT\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern WRITE_TARGET =
      Pattern.compile("^\\s*(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(?:\"([^\"]+)\"|([A-Za-z0-9_.-]+))[\\s.]", Pattern.CASE_INSENSITIVE);

  private final PassThrough passThrough;
  private final TableWrites tableWrites;

  /** Creates the handler. */
  public StatementHandler(UpstreamClient upstream, TableWrites tableWrites) {
    this.passThrough = new PassThrough(upstream);
    this.tableWrites = tableWrites;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    Set<String> written = new LinkedHashSet<>();
    JsonNode json = request.json();
    statement(json.get("Statement"), written);
    for (JsonNode entry : json.path("Statements")) {
      statement(entry.get("Statement"), written);
    }
    for (JsonNode entry : json.path("TransactStatements")) {
      statement(entry.get("Statement"), written);
    }
    if (written.isEmpty()) {
      return passThrough.handle(request);
    }
    return tableWrites.write(List.copyOf(written), request);
  }

  private static void statement(JsonNode statement, Set<String> written) {
    if (statement == null || !statement.isTextual() || SELECT.matcher(statement.textValue()).find()) {
      return;
    }
    Matcher target = WRITE_TARGET.matcher(statement.textValue() + " ");
    if (target.find()) {
      written.add(target.group(1) != null ? target.group(1) : target.group(2));
    } else {
      written.add(ItemCache.ALL_TABLES);
    }
  }
}
