package io.dynaccel.server.protocol;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The operations of the DynamoDB API version 2012-08-10, which is what the accelerator speaks. */
public final class Operations {

  /** The {@code X-Amz-Target} prefix of every call. */
  public static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private static final Set<String> ALL =
      Set.of(
          "BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "CreateBackup",
          "CreateGlobalTable", "CreateTable", "DeleteBackup", "DeleteItem", "DeleteResourcePolicy",
          "DeleteTable", "DescribeBackup", "DescribeContinuousBackups",
          "DescribeContributorInsights", "DescribeEndpoints", "DescribeExport",
          "DescribeGlobalTable", "DescribeGlobalTableSettings", "DescribeImport",
          "DescribeKinesisStreamingDestination", "DescribeLimits", "DescribeTable",
          "DescribeTableReplicaAutoScaling", "DescribeTimeToLive",
          "DisableKinesisStreamingDestination", "EnableKinesisStreamingDestination",
          "ExecuteStatement", "ExecuteTransaction", "ExportTableToPointInTime", "GetItem",
          "GetResourcePolicy", "ImportTable", "ListBackups", "ListContributorInsights",
          "ListExports", "ListGlobalTables", "ListImports", "ListTables", "ListTagsOfResource",
          "PutItem", "PutResourcePolicy", "Query", "RestoreTableFromBackup",
          "RestoreTableToPointInTime", "Scan", "TagResource", "TransactGetItems",
          "TransactWriteItems", "UntagResource", "UpdateContinuousBackups",
          "UpdateContributorInsights", "UpdateGlobalTable", "UpdateGlobalTableSettings",
          "UpdateItem", "UpdateKinesisStreamingDestination", "UpdateTable",
          "UpdateTableReplicaAutoScaling", "UpdateTimeToLive");

  /** Each operation by its whole {@code X-Amz-Target} value, so that a call's target is looked up without a substring. */
  private static final Map<String, String> BY_TARGET =
      ALL.stream().collect(Collectors.toUnmodifiableMap(operation -> TARGET_PREFIX + operation, operation -> operation));

  private Operations() {}

  /** Every operation of the API, by name. */
  public static Set<String> all() {
    return ALL;
  }

  /**
   * The operation named by an {@code X-Amz-Target} header, or null if it names none of the API's
   * operations.
   */
  public static String fromTarget(String target) {
    return target == null ? null : BY_TARGET.get(target);
  }
}
