package io.dynaccel.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;

/**
 * Key attribute names per table, learnt once through DescribeTable, so a PutItem can be routed by its item's key.
 * Forgotten when the table is created, updated or deleted through this client.
 */
final class KeySchemas {

  private final Map<String, List<String>> keyNames = new ConcurrentHashMap<>();

  /** The key attribute names of the table, partition key first, or null when not known yet. */
  List<String> keyNames(String table) {
    return keyNames.get(table);
  }

  /** Remembers the key schema of a described table; returns its key names. */
  List<String> learn(String table, DescribeTableResponse description) {
    List<String> names = new ArrayList<>(2);
    List<KeySchemaElement> schema = description.table().keySchema();
    schema.stream().filter(e -> e.keyType() == KeyType.HASH).forEach(e -> names.add(e.attributeName()));
    schema.stream().filter(e -> e.keyType() == KeyType.RANGE).forEach(e -> names.add(e.attributeName()));
    List<String> result = List.copyOf(names);
    if (!result.isEmpty()) {
      keyNames.put(table, result);
    }
    return result;
  }

  void forget(String table) {
    keyNames.remove(table);
  }
}
