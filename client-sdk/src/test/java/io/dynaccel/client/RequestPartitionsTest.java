package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class RequestPartitionsTest {

  private static final List<String> KEY_NAMES = List.of("pk", "sk");
  private static final AttributeValue PK = AttributeValue.fromS("user-7");
  private static final Map<String, AttributeValue> KEY = Map.of("pk", PK, "sk", AttributeValue.fromN("3"));
  private static final int PARTITION = Partitions.ofPartitionKey("T", PK);

  @Test
  void of_itemCalls_partitionOfTheirPartitionKeyOnly() {
    assertThat(RequestPartitions.of(GetItemRequest.builder().tableName("T").key(KEY).build(), KEY_NAMES)).isEqualTo(PARTITION);
    assertThat(RequestPartitions.of(UpdateItemRequest.builder().tableName("T").key(KEY).build(), KEY_NAMES)).isEqualTo(PARTITION);
    assertThat(RequestPartitions.of(DeleteItemRequest.builder().tableName("T").key(KEY).build(), KEY_NAMES)).isEqualTo(PARTITION);
    Map<String, AttributeValue> item = Map.of("pk", PK, "sk", AttributeValue.fromN("99"), "v", AttributeValue.fromS("x"));
    assertThat(RequestPartitions.of(PutItemRequest.builder().tableName("T").item(item).build(), KEY_NAMES)).isEqualTo(PARTITION);
  }

  @Test
  void of_singleAttributeKey_needsNoSchema() {
    GetItemRequest get = GetItemRequest.builder().tableName("T").key(Map.of("id", PK)).build();

    assertThat(RequestPartitions.tableNeedingSchema(get)).isNull();
    assertThat(RequestPartitions.of(get, null)).isEqualTo(PARTITION);
    assertThat(RequestPartitions.tableNeedingSchema(GetItemRequest.builder().tableName("T").key(KEY).build())).isEqualTo("T");
  }

  @Test
  void of_compositeKeyWithoutSchema_none() {
    assertThat(RequestPartitions.of(GetItemRequest.builder().tableName("T").key(KEY).build(), null)).isEqualTo(Partitions.NONE);
    assertThat(RequestPartitions.of(PutItemRequest.builder().tableName("T").item(KEY).build(), null)).isEqualTo(Partitions.NONE);
  }

  @Test
  void of_tableArn_partitionOfItsName() {
    String arn = "arn:aws:dynamodb:us-east-1:123456789012:table/T";

    assertThat(RequestPartitions.of(GetItemRequest.builder().tableName(arn).key(KEY).build(), KEY_NAMES)).isEqualTo(PARTITION);
    assertThat(RequestPartitions.of(ScanRequest.builder().tableName(arn).build(), null)).isEqualTo(Partitions.ofTable("T"));
  }

  @Test
  void of_queryOnPartitionKey_partitionOfTheKey() {
    Map<String, AttributeValue> values = Map.of(":p", PK, ":s", AttributeValue.fromN("1"), ":t", AttributeValue.fromN("9"));
    for (String expression : List.of("pk = :p", "pk=:p AND sk > :s", "#k = :p and sk between :s and :t", ":p = pk",
        "(pk = :p) AND (sk >= :s)", "sk <= :s AND pk = :p", "begins_with(sk, :s) AND #k = :p")) {
      QueryRequest query = QueryRequest.builder().tableName("T").keyConditionExpression(expression)
          .expressionAttributeNames(Map.of("#k", "pk")).expressionAttributeValues(values).build();
      assertThat(RequestPartitions.of(query, KEY_NAMES)).as(expression).isEqualTo(PARTITION);
    }
  }

  @Test
  void of_queryWithLegacyKeyConditions_partitionOfTheKey() {
    QueryRequest query = QueryRequest.builder().tableName("T").keyConditions(Map.of(
        "pk", Condition.builder().comparisonOperator(ComparisonOperator.EQ).attributeValueList(PK).build(),
        "sk", Condition.builder().comparisonOperator(ComparisonOperator.GT).attributeValueList(AttributeValue.fromN("1")).build()))
        .build();

    assertThat(RequestPartitions.of(query, KEY_NAMES)).isEqualTo(PARTITION);
  }

  @Test
  void of_queryItCannotRead_none() {
    Map<String, AttributeValue> values = Map.of(":p", PK, ":s", AttributeValue.fromN("1"));
    for (String expression : List.of("sk = :s", "pk >= :p", "pk <= :p", "#other = :p", "pk = :missing")) {
      QueryRequest query = QueryRequest.builder().tableName("T").keyConditionExpression(expression)
          .expressionAttributeNames(Map.of("#other", "sk")).expressionAttributeValues(values).build();
      assertThat(RequestPartitions.of(query, KEY_NAMES)).as(expression).isEqualTo(Partitions.NONE);
    }
  }

  @Test
  void of_indexQueryAndScan_partitionOfTheTable() {
    QueryRequest indexQuery = QueryRequest.builder().tableName("T").indexName("byEmail").keyConditionExpression("email = :e")
        .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("a@b"))).build();

    assertThat(RequestPartitions.tableNeedingSchema(indexQuery)).isNull();
    assertThat(RequestPartitions.of(indexQuery, null)).isEqualTo(Partitions.ofTable("T"));
    assertThat(RequestPartitions.of(ScanRequest.builder().tableName("T").segment(1).totalSegments(4).build(), null))
        .isEqualTo(Partitions.ofTable("T"));
  }

  @Test
  void of_batches_partitionOfTheirFirstKey() {
    BatchGetItemRequest get = BatchGetItemRequest.builder().requestItems(Map.of("T", KeysAndAttributes.builder()
        .keys(KEY, Map.of("pk", AttributeValue.fromS("other"), "sk", AttributeValue.fromN("1"))).build())).build();
    BatchWriteItemRequest write = BatchWriteItemRequest.builder().requestItems(Map.of("T", List.of(
        WriteRequest.builder().putRequest(PutRequest.builder().item(KEY).build()).build()))).build();

    assertThat(RequestPartitions.tableNeedingSchema(get)).isEqualTo("T");
    assertThat(RequestPartitions.of(get, KEY_NAMES)).isEqualTo(PARTITION);
    assertThat(RequestPartitions.of(write, KEY_NAMES)).isEqualTo(PARTITION);
    assertThat(RequestPartitions.of(BatchGetItemRequest.builder().build(), null)).isEqualTo(Partitions.NONE);
  }

  @Test
  void of_callsWithoutKey_none() {
    assertThat(RequestPartitions.of(ListTablesRequest.builder().build(), null)).isEqualTo(Partitions.NONE);
    assertThat(RequestPartitions.of(TransactGetItemsRequest.builder().build(), null)).isEqualTo(Partitions.NONE);
    assertThat(RequestPartitions.tableNeedingSchema(ListTablesRequest.builder().build())).isNull();
  }
}
