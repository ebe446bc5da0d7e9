package io.dynaccel.server.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.upstream.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Key schemas of the tables, learnt from DescribeTable once per table and forgotten when a table is
 * created, updated or deleted through the accelerator.
 */
public final class TableSchemas {

  private final UpstreamClient upstream;
  private final ConcurrentMap<String, Future<Optional<KeySchema>>> schemas = new ConcurrentHashMap<>();

  /** Creates the registry over the given upstream. */
  public TableSchemas(UpstreamClient upstream) {
    this.upstream = upstream;
  }

  /**
   * The key schema of a table.
   *
   * @return the schema; empty if DynamoDB says the table does not exist (not remembered, so a table
   *     created later is found); a failed future if DynamoDB could not be asked
   */
  public Future<Optional<KeySchema>> schema(String table) {
    Future<Optional<KeySchema>> known = schemas.get(table);
    if (known != null) {
      return known;
    }
    Future<Optional<KeySchema>> lookup = describe(table);
    Future<Optional<KeySchema>> raced = schemas.putIfAbsent(table, lookup);
    if (raced != null) {
      return raced;
    }
    return lookup.andThen(
        result -> {
          if (result.failed() || result.result().isEmpty()) {
            schemas.remove(table, lookup);
          }
        });
  }

  /** Forgets what is known about a table, after it was created, updated or deleted. */
  public void forget(String table) {
    schemas.remove(table);
  }

  private Future<Optional<KeySchema>> describe(String table) {
    ObjectNode request = JsonCodec.object().put("TableName", table);
    return upstream
        .send("DescribeTable", Buffer.buffer(JsonCodec.write(request)))
        .map(
            response -> {
              if (response.ok()) {
                return Optional.of(parse(JsonCodec.read(response.body().getBytes()).path("Table")));
              }
              if (response.statusCode() == 400 && response.body().toString().contains("ResourceNotFoundException")) {
                return Optional.empty();
              }
              // Without the schema no write to this table can keep the cache coherent: refuse, clearly.
              throw DynamoDbException.unavailable(
                  "Could not learn the key schema of table " + table + ": DescribeTable answered "
                      + response.statusCode() + " " + response.body());
            });
  }

  static KeySchema parse(JsonNode table) {
    String hashName = null;
    String rangeName = null;
    for (JsonNode element : table.path("KeySchema")) {
      if ("HASH".equals(element.path("KeyType").asText())) {
        hashName = element.path("AttributeName").asText();
      } else {
        rangeName = element.path("AttributeName").asText();
      }
    }
    String hashType = null;
    String rangeType = null;
    for (JsonNode definition : table.path("AttributeDefinitions")) {
      String name = definition.path("AttributeName").asText();
      if (name.equals(hashName)) {
        hashType = definition.path("AttributeType").asText();
      } else if (name.equals(rangeName)) {
        rangeType = definition.path("AttributeType").asText();
      }
    }
    if (hashName == null || hashType == null || (rangeName != null && rangeType == null)) {
      throw new IllegalStateException("DescribeTable answered without a usable key schema: " + table);
    }
    return new KeySchema(hashName, hashType, rangeName, rangeType);
  }
}
