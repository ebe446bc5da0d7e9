package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

class RequestsTest {

  private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("10"));

  @Test
  void isRead_readOperations_true() {
    assertThat(List.of(GetItemRequest.builder().build(), BatchGetItemRequest.builder().build(), QueryRequest.builder().build(),
        ScanRequest.builder().build(), TransactGetItemsRequest.builder().build(), DescribeTableRequest.builder().build(),
        ListTablesRequest.builder().build(), ExecuteStatementRequest.builder().statement("  select * from T").build(),
        BatchExecuteStatementRequest.builder().statements(BatchStatementRequest.builder().statement("SELECT a FROM T").build()).build()))
        .allMatch(Requests::isRead);
  }

  @Test
  void isRead_writesAndPartiQlWrites_false() {
    assertThat(List.of(PutItemRequest.builder().build(), UpdateItemRequest.builder().build(), DeleteItemRequest.builder().build(),
        BatchWriteItemRequest.builder().build(), TransactWriteItemsRequest.builder().build(), CreateTableRequest.builder().build(),
        ExecuteStatementRequest.builder().statement("UPDATE T SET a = 1 WHERE pk = 'x'").build(),
        BatchExecuteStatementRequest.builder().statements(
            BatchStatementRequest.builder().statement("SELECT a FROM T").build(),
            BatchStatementRequest.builder().statement("DELETE FROM T WHERE pk = 'x'").build()).build()))
        .noneMatch(Requests::isRead);
  }

  @Test
  void routingKey_getAndPutOfOneItem_equal() {
    byte[] get = Requests.routingKey(GetItemRequest.builder().tableName("T").key(KEY).build());
    Map<String, AttributeValue> item = Map.of("sk", AttributeValue.fromN("10.0"), "pk", AttributeValue.fromS("a"), "other", AttributeValue.fromS("x"));
    byte[] put = Requests.routingKey("T", item, List.of("pk", "sk"));

    assertThat(put).isEqualTo(get);
    assertThat(Requests.routingKey(UpdateItemRequest.builder().tableName("T").key(KEY).build())).isEqualTo(get);
    assertThat(Requests.routingKey(DeleteItemRequest.builder().tableName("T").key(KEY).build())).isEqualTo(get);
  }

  @Test
  void routingKey_otherTableOrKey_differs() {
    byte[] key = Requests.routingKey(GetItemRequest.builder().tableName("T").key(KEY).build());

    assertThat(Requests.routingKey(GetItemRequest.builder().tableName("U").key(KEY).build())).isNotEqualTo(key);
    assertThat(Requests.routingKey(GetItemRequest.builder().tableName("T")
        .key(Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("11"))).build())).isNotEqualTo(key);
  }

  @Test
  void routingKey_requestsWithoutOneKey_null() {
    assertThat(Requests.routingKey(QueryRequest.builder().tableName("T").build())).isNull();
    assertThat(Requests.routingKey(PutItemRequest.builder().tableName("T").item(KEY).build())).isNull();
    assertThat(Requests.routingKey("T", Map.of("pk", AttributeValue.fromS("a")), List.of("pk", "sk"))).isNull();
  }

  @Test
  void isSafeToRetry_idempotentWrites_true() {
    assertThat(List.of(PutItemRequest.builder().tableName("T").item(KEY).build(),
        DeleteItemRequest.builder().tableName("T").key(KEY).build(),
        UpdateItemRequest.builder().tableName("T").key(KEY).updateExpression("SET v = :v REMOVE w").build(),
        BatchWriteItemRequest.builder().build(),
        TransactWriteItemsRequest.builder().clientRequestToken("token").build()))
        .allMatch(Requests::isSafeToRetry);
  }

  @Test
  void isSafeToRetry_conditionalCountingOrReturningWrites_false() {
    assertThat(List.of(PutItemRequest.builder().tableName("T").item(KEY).conditionExpression("attribute_not_exists(pk)").build(),
        PutItemRequest.builder().tableName("T").item(KEY).returnValues("ALL_OLD").build(),
        DeleteItemRequest.builder().tableName("T").key(KEY).conditionExpression("v = :v").build(),
        UpdateItemRequest.builder().tableName("T").key(KEY).updateExpression("SET v = v + :one").build(),
        UpdateItemRequest.builder().tableName("T").key(KEY).updateExpression("ADD c :one").build(),
        UpdateItemRequest.builder().tableName("T").key(KEY).updateExpression("SET l = list_append(l, :x)").build(),
        ExecuteStatementRequest.builder().statement("INSERT INTO T VALUE {'pk': 'x'}").build()))
        .noneMatch(Requests::isSafeToRetry);
  }
}
