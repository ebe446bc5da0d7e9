package io.dynaccel.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One allow rule of a principal: it allows each of {@link #actions()} on each table whose name matches one
 * of {@link #tables()}. Operations are written as DynamoDB's IAM action names ({@code GetItem},
 * {@code PartiQLSelect}, {@code ConditionCheckItem}, ...), {@code *} for every action, or the shorthands
 * {@code read} and {@code write}; tables as names with {@code *} wildcards ({@code Orders*}, {@code *}).
 *
 * @param operations as written, shorthands not yet expanded
 * @param tables table name patterns as written
 */
public record AllowRule(List<String> operations, List<String> tables) {

  /** The every-action and every-table wildcard. */
  public static final String ANY = "*";
  /** The shorthand for {@link #READ_ACTIONS}. */
  public static final String READ = "read";
  /** The shorthand for {@link #WRITE_ACTIONS}. */
  public static final String WRITE = "write";

  /** Every action that only reads (TransactGetItems is authorised as GetItem of each item). */
  public static final Set<String> READ_ACTIONS = Set.of("GetItem", "BatchGetItem", "Query", "Scan", "DescribeTable",
      "ListTables", "DescribeTimeToLive", "DescribeContinuousBackups", "DescribeLimits", "DescribeEndpoints",
      "ListTagsOfResource", "PartiQLSelect", "DescribeBackup", "ListBackups", "DescribeGlobalTable",
      "DescribeGlobalTableSettings", "ListGlobalTables", "DescribeContributorInsights", "ListContributorInsights",
      "DescribeKinesisStreamingDestination", "DescribeExport", "ListExports", "DescribeImport", "ListImports",
      "DescribeTableReplicaAutoScaling", "GetResourcePolicy");

  /** Every action that writes items (TransactWriteItems is authorised by the action of each item). */
  public static final Set<String> WRITE_ACTIONS = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
      "ConditionCheckItem", "PartiQLInsert", "PartiQLUpdate", "PartiQLDelete");

  private static final Set<String> OTHER_ACTIONS = Set.of("CreateTable", "DeleteTable", "UpdateTable",
      "UpdateTimeToLive", "UpdateContinuousBackups", "CreateBackup", "DeleteBackup", "RestoreTableFromBackup",
      "RestoreTableToPointInTime", "TagResource", "UntagResource", "CreateGlobalTable", "UpdateGlobalTable",
      "UpdateGlobalTableSettings", "UpdateContributorInsights", "EnableKinesisStreamingDestination",
      "DisableKinesisStreamingDestination", "UpdateKinesisStreamingDestination", "ExportTableToPointInTime",
      "ImportTable", "UpdateTableReplicaAutoScaling", "PutResourcePolicy", "DeleteResourcePolicy");

  private static final Pattern TABLE_PATTERN = Pattern.compile("[a-zA-Z0-9_.*-]{1,255}");

  /** Copies the lists and checks every operation and pattern, naming the offending one. */
  public AllowRule {
    operations = List.copyOf(Objects.requireNonNull(operations, "operations"));
    tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
    for (String operation : operations) {
      if (!isOperation(operation)) {
        throw new IllegalArgumentException("unknown operation '" + operation
            + "'; expected a DynamoDB action name such as GetItem or PartiQLSelect, or *, read, write");
      }
    }
    for (String table : tables) {
      if (!TABLE_PATTERN.matcher(table).matches()) {
        throw new IllegalArgumentException("table pattern '" + table
            + "' must be a table name from a-z, A-Z, 0-9, '_', '-' and '.', with * for any characters");
      }
    }
  }

  private static boolean isOperation(String operation) {
    return operation.equals(ANY) || operation.equals(READ) || operation.equals(WRITE)
        || READ_ACTIONS.contains(operation) || WRITE_ACTIONS.contains(operation) || OTHER_ACTIONS.contains(operation);
  }

  /** Whether this rule allows every action. */
  public boolean allowsEveryAction() {
    return operations.contains(ANY);
  }

  /** The action names this rule allows, shorthands expanded; see {@link #allowsEveryAction()} for {@code *}. */
  public Set<String> actions() {
    Set<String> actions = new LinkedHashSet<>();
    for (String operation : operations) {
      switch (operation) {
        case READ -> actions.addAll(READ_ACTIONS);
        case WRITE -> actions.addAll(WRITE_ACTIONS);
        case ANY -> { }
        default -> actions.add(operation);
      }
    }
    return actions;
  }

  /** The names of every known action, for callers that precompute per action. */
  public static List<String> knownActions() {
    List<String> all = new ArrayList<>(READ_ACTIONS);
    all.addAll(WRITE_ACTIONS);
    all.addAll(OTHER_ACTIONS);
    return all;
  }
}
