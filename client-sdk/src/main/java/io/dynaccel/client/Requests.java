package io.dynaccel.client;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.ExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.ExecuteTransactionRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ParameterizedStatement;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/** What a request means for routing: the item key it carries, and whether sending it twice is harmless. */
final class Requests {

  private Requests() {
  }

  /** The operation name, e.g. {@code GetItem}. */
  static String operation(DynamoDbRequest request) {
    String name = request.getClass().getSimpleName();
    return name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name;
  }

  /**
   * Whether the request only reads, so that retrying it on another node cannot apply anything twice. PartiQL counts
   * as a read when every statement is a SELECT.
   */
  static boolean isRead(DynamoDbRequest request) {
    if (request instanceof ExecuteStatementRequest statement) {
      return isSelect(statement.statement());
    }
    if (request instanceof BatchExecuteStatementRequest batch) {
      return batch.hasStatements() && batch.statements().stream().map(BatchStatementRequest::statement).allMatch(Requests::isSelect);
    }
    if (request instanceof ExecuteTransactionRequest transaction) {
      return transaction.hasTransactStatements()
          && transaction.transactStatements().stream().map(ParameterizedStatement::statement).allMatch(Requests::isSelect);
    }
    String operation = operation(request);
    return operation.equals("Query") || operation.equals("Scan")
        || operation.startsWith("Get") || operation.startsWith("BatchGet") || operation.startsWith("TransactGet")
        || operation.startsWith("Describe") || operation.startsWith("List");
  }

  /**
   * Whether the request may be sent again after a failure that leaves unknown whether it was applied (a reset, a
   * timeout): reads, and writes whose second application changes nothing and answers the same. Those are
   * unconditional PutItem and DeleteItem and UpdateItem that return no old values and, for UpdateItem, only SET or
   * REMOVE without arithmetic or list_append; BatchWriteItem (unconditional puts and deletes); and
   * TransactWriteItems with a client request token, which DynamoDB itself deduplicates. The AWS SDK retries every
   * write after such failures; this client retries on another node only these.
   */
  static boolean isSafeToRetry(DynamoDbRequest request) {
    if (isRead(request)) {
      return true;
    }
    if (request instanceof PutItemRequest put) {
      return put.conditionExpression() == null && !put.hasExpected() && returnsNothing(put.returnValuesAsString());
    }
    if (request instanceof DeleteItemRequest delete) {
      return delete.conditionExpression() == null && !delete.hasExpected() && returnsNothing(delete.returnValuesAsString());
    }
    if (request instanceof UpdateItemRequest update) {
      String expression = update.updateExpression();
      return update.conditionExpression() == null && !update.hasExpected() && !update.hasAttributeUpdates()
          && returnsNothing(update.returnValuesAsString()) && expression != null
          && !expression.contains("+") && !expression.contains("-")
          && !expression.toUpperCase(Locale.ROOT).matches("(?s).*\\b(ADD|DELETE|LIST_APPEND)\\b.*");
    }
    if (request instanceof BatchWriteItemRequest) {
      return true;
    }
    if (request instanceof TransactWriteItemsRequest transaction) {
      return transaction.clientRequestToken() != null;
    }
    return false;
  }

  private static boolean returnsNothing(String returnValues) {
    return returnValues == null || returnValues.equals("NONE");
  }

  private static boolean isSelect(String statement) {
    return statement != null && statement.stripLeading().toUpperCase(Locale.ROOT).startsWith("SELECT");
  }

  /**
   * Where a request's key sends it.
   *
   * @param keyNames the key attribute names of {@link RequestPartitions#tableNeedingSchema}'s table, or null
   * @param partitioned whether the nodes form a cluster, so that the request's partition is needed
   * @return the routing key, or null when the request has neither an item key nor a partition
   */
  static RoutingKey routingKey(DynamoDbRequest request, List<String> keyNames, boolean partitioned) {
    byte[] ringKey = request instanceof PutItemRequest put
        ? keyNames == null ? null : routingKey(put.tableName(), put.item(), keyNames)
        : routingKey(request);
    int partition = partitioned ? RequestPartitions.of(request, keyNames) : Partitions.NONE;
    return ringKey == null && partition == Partitions.NONE ? null : new RoutingKey(ringKey, partition);
  }

  /**
   * The routing key of a request that names its item's key outright (GetItem, UpdateItem, DeleteItem), or null for
   * every other request. PutItem carries a whole item: see {@link #routingKey(String, Map, List)}.
   */
  static byte[] routingKey(DynamoDbRequest request) {
    if (request instanceof GetItemRequest get) {
      return routingKey(get.tableName(), get.key(), null);
    }
    if (request instanceof UpdateItemRequest update) {
      return routingKey(update.tableName(), update.key(), null);
    }
    if (request instanceof DeleteItemRequest delete) {
      return routingKey(delete.tableName(), delete.key(), null);
    }
    return null;
  }

  /**
   * The routing key of an item: the table and the key attributes in canonical form (sorted by name, numbers
   * normalised), so a GetItem and a PutItem of one item agree.
   *
   * @param keyNames the table's key attribute names, or null when {@code attributes} holds the key and nothing else
   * @return the key, or null when the item lacks a key attribute (DynamoDB will reject the request anyway)
   */
  static byte[] routingKey(String table, Map<String, AttributeValue> attributes, List<String> keyNames) {
    if (table == null || attributes == null || attributes.isEmpty()) {
      return null;
    }
    TreeMap<String, AttributeValue> key = new TreeMap<>();
    if (keyNames == null) {
      key.putAll(attributes);
    } else {
      for (String name : keyNames) {
        AttributeValue value = attributes.get(name);
        if (value == null) {
          return null;
        }
        key.put(name, value);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    write(out, table);
    for (Map.Entry<String, AttributeValue> entry : key.entrySet()) {
      write(out, entry.getKey());
      AttributeValue value = entry.getValue();
      if (value.s() != null) {
        write(out, "S");
        write(out, value.s());
      } else if (value.n() != null) {
        write(out, "N");
        write(out, canonicalNumber(value.n()));
      } else if (value.b() != null) {
        write(out, "B");
        SdkBytes bytes = value.b();
        out.writeBytes(bytes.asByteArrayUnsafe());
        out.write(0);
      } else {
        // Not a valid key type; still route deterministically.
        write(out, value.toString());
      }
    }
    return out.toByteArray();
  }

  private static String canonicalNumber(String number) {
    try {
      return new BigDecimal(number).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return number;
    }
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  /** The table whose key schema this request may change (create, update, delete), or null. */
  static String tableWithChangingSchema(DynamoDbRequest request) {
    if (request instanceof CreateTableRequest create) {
      return create.tableName();
    }
    if (request instanceof UpdateTableRequest update) {
      return update.tableName();
    }
    if (request instanceof DeleteTableRequest delete) {
      return delete.tableName();
    }
    return null;
  }
}
