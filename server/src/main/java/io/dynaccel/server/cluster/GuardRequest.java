package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.query.QueryScope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one guard covers at one member, as it travels on the event bus.
 *
 * @param keys items the member owns: their cached entries and the results of their partitions
 * @param scopes query scopes the member owns without the items: a table's table-wide results,
 *     changed by a write of one partition ({@link QueryScope#partition()} set) of it
 * @param tables tables any item of which the write may change ({@code "*"} for every table)
 */
record GuardRequest(List<ItemKey> keys, List<QueryScope> scopes, List<String> tables) {

  GuardRequest {
    keys = List.copyOf(keys);
    scopes = List.copyOf(scopes);
    tables = List.copyOf(tables);
  }

  /** A guard of whole tables. */
  static GuardRequest ofTables(List<String> tables) {
    return new GuardRequest(List.of(), List.of(), tables);
  }

  /** This guard and {@code other} as one. */
  GuardRequest plus(GuardRequest other) {
    List<ItemKey> allKeys = new ArrayList<>(keys);
    allKeys.addAll(other.keys);
    List<QueryScope> allScopes = new ArrayList<>(scopes);
    allScopes.addAll(other.scopes);
    List<String> allTables = new ArrayList<>(tables);
    allTables.addAll(other.tables);
    return new GuardRequest(allKeys, allScopes, allTables);
  }

  boolean isEmpty() {
    return keys.isEmpty() && scopes.isEmpty() && tables.isEmpty();
  }

  JsonObject toJson() {
    JsonArray keyArray = new JsonArray();
    keys.forEach(key -> keyArray.add(new JsonArray().add(key.table()).add(key.partition()).add(key.sort())));
    JsonArray scopeArray = new JsonArray();
    scopes.forEach(scope -> scopeArray.add(new JsonArray().add(scope.table()).add(scope.partition())));
    return new JsonObject().put("keys", keyArray).put("scopes", scopeArray).put("tables", new JsonArray(new ArrayList<>(tables)));
  }

  static GuardRequest fromJson(JsonObject json) {
    List<ItemKey> keys = new ArrayList<>();
    for (Object key : json.getJsonArray("keys")) {
      JsonArray parts = (JsonArray) key;
      keys.add(new ItemKey(parts.getString(0), parts.getString(1), parts.getString(2)));
    }
    List<QueryScope> scopes = new ArrayList<>();
    for (Object scope : json.getJsonArray("scopes")) {
      JsonArray parts = (JsonArray) scope;
      scopes.add(new QueryScope(parts.getString(0), parts.getString(1)));
    }
    List<String> tables = new ArrayList<>();
    json.getJsonArray("tables").forEach(table -> tables.add((String) table));
    return new GuardRequest(keys, scopes, tables);
  }
}
