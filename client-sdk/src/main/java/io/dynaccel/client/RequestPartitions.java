package io.dynaccel.client;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The cluster partition a request works on, as the nodes assign it: an item call's partition key; a Query's
 * partition key (an index Query's table, as a Scan's, for table-wide work); a batch's first key, the rest being the
 * node's to split. Everything else has none and is spread over the nodes.
 *
 * <p>A wrong guess costs a forwarding hop at the node, never a wrong answer, so a request this cannot read (a key
 * condition it does not follow) simply gets no partition.
 */
final class RequestPartitions {

  /** {@code name = :value} or {@code :value = name} in a key condition; not part of {@code <=}, {@code >=}. */
  private static final Pattern EQUALITY =
      Pattern.compile("(?<![:#\\w])(#?\\w+)\\s*(?<![<>])=\\s*(:\\w+)|(:\\w+)\\s*(?<![<>])=\\s*(#?\\w+)");

  private RequestPartitions() {
  }

  /**
   * The table whose key schema is needed to find the request's partition, or null when it is not needed: an item
   * call whose key has one attribute names its partition key outright.
   */
  static String tableNeedingSchema(DynamoDbRequest request) {
    if (request instanceof GetItemRequest get) {
      return needsSchema(get.tableName(), get.key());
    }
    if (request instanceof UpdateItemRequest update) {
      return needsSchema(update.tableName(), update.key());
    }
    if (request instanceof DeleteItemRequest delete) {
      return needsSchema(delete.tableName(), delete.key());
    }
    if (request instanceof PutItemRequest put) {
      return put.tableName();
    }
    if (request instanceof QueryRequest query) {
      return query.indexName() == null ? query.tableName() : null;
    }
    if (request instanceof BatchGetItemRequest batch) {
      return batch.hasRequestItems() && !batch.requestItems().isEmpty() ? batch.requestItems().keySet().iterator().next() : null;
    }
    if (request instanceof BatchWriteItemRequest batch) {
      return batch.hasRequestItems() && !batch.requestItems().isEmpty() ? batch.requestItems().keySet().iterator().next() : null;
    }
    return null;
  }

  private static String needsSchema(String table, Map<String, AttributeValue> key) {
    return key.size() > 1 ? table : null;
  }

  /**
   * The request's partition.
   *
   * @param keyNames the key attribute names, partition key first, of {@link #tableNeedingSchema}'s table, or null
   * @return the partition, or {@link Partitions#NONE}
   */
  static int of(DynamoDbRequest request, List<String> keyNames) {
    if (request instanceof GetItemRequest get) {
      return ofKey(get.tableName(), get.key(), keyNames);
    }
    if (request instanceof UpdateItemRequest update) {
      return ofKey(update.tableName(), update.key(), keyNames);
    }
    if (request instanceof DeleteItemRequest delete) {
      return ofKey(delete.tableName(), delete.key(), keyNames);
    }
    if (request instanceof PutItemRequest put) {
      return ofItem(put.tableName(), put.item(), keyNames);
    }
    if (request instanceof QueryRequest query) {
      return ofQuery(query, keyNames);
    }
    if (request instanceof ScanRequest scan) {
      return scan.tableName() == null ? Partitions.NONE : Partitions.ofTable(tableName(scan.tableName()));
    }
    if (request instanceof BatchGetItemRequest batch && tableNeedingSchema(batch) != null) {
      Map.Entry<String, KeysAndAttributes> first = batch.requestItems().entrySet().iterator().next();
      List<Map<String, AttributeValue>> keys = first.getValue().keys();
      return keys.isEmpty() ? Partitions.NONE : ofKey(first.getKey(), keys.get(0), keyNames);
    }
    if (request instanceof BatchWriteItemRequest batch && tableNeedingSchema(batch) != null) {
      Map.Entry<String, List<WriteRequest>> first = batch.requestItems().entrySet().iterator().next();
      if (first.getValue().isEmpty()) {
        return Partitions.NONE;
      }
      WriteRequest write = first.getValue().get(0);
      if (write.putRequest() != null) {
        return ofItem(first.getKey(), write.putRequest().item(), keyNames);
      }
      return write.deleteRequest() == null ? Partitions.NONE : ofKey(first.getKey(), write.deleteRequest().key(), keyNames);
    }
    return Partitions.NONE;
  }

  private static int ofKey(String table, Map<String, AttributeValue> key, List<String> keyNames) {
    if (table == null) {
      return Partitions.NONE;
    }
    if (key.size() == 1) {
      return Partitions.ofPartitionKey(tableName(table), key.values().iterator().next());
    }
    return ofItem(table, key, keyNames);
  }

  private static int ofItem(String table, Map<String, AttributeValue> item, List<String> keyNames) {
    if (table == null || keyNames == null || keyNames.isEmpty()) {
      return Partitions.NONE;
    }
    AttributeValue value = item.get(keyNames.get(0));
    return value == null ? Partitions.NONE : Partitions.ofPartitionKey(tableName(table), value);
  }

  private static int ofQuery(QueryRequest query, List<String> keyNames) {
    if (query.tableName() == null) {
      return Partitions.NONE;
    }
    String table = tableName(query.tableName());
    if (query.indexName() != null) {
      return Partitions.ofTable(table);
    }
    if (keyNames == null || keyNames.isEmpty()) {
      return Partitions.NONE;
    }
    String partitionKey = keyNames.get(0);
    if (query.hasKeyConditions()) {
      Condition condition = query.keyConditions().get(partitionKey);
      return condition != null && condition.comparisonOperator() == ComparisonOperator.EQ && condition.attributeValueList().size() == 1
          ? Partitions.ofPartitionKey(table, condition.attributeValueList().get(0))
          : Partitions.NONE;
    }
    String expression = query.keyConditionExpression();
    if (expression == null) {
      return Partitions.NONE;
    }
    Matcher equality = EQUALITY.matcher(expression);
    while (equality.find()) {
      String name = equality.group(1) != null ? equality.group(1) : equality.group(4);
      String value = equality.group(2) != null ? equality.group(2) : equality.group(3);
      if (name.startsWith("#")) {
        name = query.expressionAttributeNames().get(name);
      }
      if (partitionKey.equals(name)) {
        AttributeValue bound = query.expressionAttributeValues().get(value);
        return bound == null ? Partitions.NONE : Partitions.ofPartitionKey(table, bound);
      }
    }
    return Partitions.NONE;
  }

  /** The table's name: the nodes partition by name, and a request may name its table by ARN. */
  static String tableName(String nameOrArn) {
    int at = nameOrArn.startsWith("arn:") ? nameOrArn.indexOf(":table/") : -1;
    return at < 0 ? nameOrArn : nameOrArn.substring(at + ":table/".length());
  }
}
