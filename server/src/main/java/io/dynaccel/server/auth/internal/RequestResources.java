package io.dynaccel.server.auth.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.TableNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every action a call performs on every table it touches, as IAM authorises DynamoDB calls: batch calls
 * per table of {@code RequestItems}, transactions per item with the item's own action, PartiQL per
 * statement, a Query or Scan of an index on the index's table.
 *
 * <p>A member that is missing or of the wrong shape names no table: DynamoDB refuses such a call with a
 * validation error before it could touch anything, and so it still does through the accelerator. A call
 * that names no table at all, and is not one of the calls on no table, is authorised on {@code *}.
 */
final class RequestResources {

  /** Calls on no table; IAM authorises them on resource {@code *}. */
  private static final Set<String> TABLELESS = Set.of("ListTables", "DescribeLimits", "DescribeEndpoints", "ListBackups",
      "ListGlobalTables", "ListExports", "ListImports", "ListContributorInsights");

  /** Calls whose table is a required {@code TableName}: without one they fail validation and touch nothing. */
  private static final Set<String> TABLE_NAMED = Set.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
      "DescribeTable", "CreateTable", "DeleteTable", "UpdateTable", "DescribeTimeToLive", "UpdateTimeToLive",
      "DescribeContinuousBackups", "UpdateContinuousBackups", "CreateBackup", "DescribeContributorInsights",
      "UpdateContributorInsights", "DescribeKinesisStreamingDestination", "EnableKinesisStreamingDestination",
      "DisableKinesisStreamingDestination", "UpdateKinesisStreamingDestination", "DescribeTableReplicaAutoScaling",
      "UpdateTableReplicaAutoScaling");

  /** Members other calls name their table in, in the order they are looked for. */
  private static final List<String> TABLE_MEMBERS = List.of("TableName", "TableArn", "ResourceArn", "BackupArn",
      "TargetTableName", "GlobalTableName", "ExportArn", "ImportArn");

  private static final Map<String, String> TRANSACT_ACTIONS = Map.of(
      "Put", "PutItem", "Update", "UpdateItem", "Delete", "DeleteItem", "ConditionCheck", "ConditionCheckItem");

  private RequestResources() {}

  static List<Resource> of(ApiRequest request) {
    String operation = request.operation();
    ObjectNode json = request.json();
    List<Resource> resources = new ArrayList<>(1);
    switch (operation) {
      case "BatchGetItem", "BatchWriteItem" -> {
        JsonNode items = json.get("RequestItems");
        if (items != null && items.isObject()) {
          for (Iterator<String> names = items.fieldNames(); names.hasNext(); ) {
            resources.add(new Resource(operation, TableNames.plain(names.next()), null));
          }
        }
      }
      case "TransactWriteItems" -> transactItems(json.get("TransactItems"), resources, false);
      case "TransactGetItems" -> transactItems(json.get("TransactItems"), resources, true);
      case "ExecuteStatement" -> statement(json.get("Statement"), resources);
      case "BatchExecuteStatement" -> statements(json.get("Statements"), resources);
      case "ExecuteTransaction" -> statements(json.get("TransactStatements"), resources);
      case "Query", "Scan" -> {
        String table = TableNames.of(json.get("TableName"));
        if (table != null) {
          JsonNode index = json.get("IndexName");
          resources.add(new Resource(operation, table, index != null && index.isTextual() ? index.textValue() : null));
        }
      }
      default -> {
        if (TABLELESS.contains(operation)) {
          resources.add(new Resource(operation, Permissions.ANY_RESOURCE, null));
        } else if (TABLE_NAMED.contains(operation)) {
          String table = TableNames.of(json.get("TableName"));
          if (table != null) {
            resources.add(new Resource(operation, table, null));
          }
        } else {
          resources.add(new Resource(operation, namedTable(json), null));
        }
      }
    }
    return resources;
  }

  private static String namedTable(ObjectNode json) {
    for (String member : TABLE_MEMBERS) {
      String table = TableNames.of(json.get(member));
      if (table != null) {
        return table;
      }
    }
    JsonNode creation = json.get("TableCreationParameters");
    String table = creation == null ? null : TableNames.of(creation.get("TableName"));
    return table != null ? table : Permissions.ANY_RESOURCE;
  }

  private static void transactItems(JsonNode items, List<Resource> resources, boolean reads) {
    if (items == null || !items.isArray()) {
      return;
    }
    for (JsonNode item : items) {
      if (item == null || !item.isObject()) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> members = item.fields(); members.hasNext(); ) {
        Map.Entry<String, JsonNode> member = members.next();
        String action = reads ? (member.getKey().equals("Get") ? "GetItem" : null) : TRANSACT_ACTIONS.get(member.getKey());
        String table = member.getValue().isObject() ? TableNames.of(member.getValue().get("TableName")) : null;
        if (action != null && table != null) {
          resources.add(new Resource(action, table, null));
        }
      }
    }
  }

  private static void statements(JsonNode statements, List<Resource> resources) {
    if (statements != null && statements.isArray()) {
      for (JsonNode statement : statements) {
        if (statement != null && statement.isObject()) {
          statement(statement.get("Statement"), resources);
        }
      }
    }
  }

  private static void statement(JsonNode statement, List<Resource> resources) {
    if (statement != null && statement.isTextual()) {
      resources.add(PartiQlTarget.of(statement.textValue()));
    }
  }
}
