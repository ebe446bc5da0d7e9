package io.dynaccel.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.KeySchema;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PartitionConditionTest {

  private static final KeySchema SCHEMA = new KeySchema("pk", "S", "sk", "N");

  private static String partitionOf(String query) {
    JsonNode json = JsonCodec.read(query.getBytes(StandardCharsets.UTF_8));
    return PartitionCondition.of(json, SCHEMA);
  }

  @Test
  void of_whenEqualityOnPartitionKey_namesPartition() {
    assertThat(partitionOf("{\"KeyConditionExpression\":\"pk = :p AND sk > :s\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"a\"},\":s\":{\"N\":\"1\"}}}"))
        .isEqualTo(SCHEMA.partitionOf(JsonCodec.read("{\"S\":\"a\"}".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void of_whenPlaceholderAndValueFirst_namesPartition() {
    assertThat(partitionOf("{\"KeyConditionExpression\":\"(#s BETWEEN :a AND :b) AND :p = #k\",\"ExpressionAttributeNames\":{\"#k\":\"pk\",\"#s\":\"sk\"},"
        + "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"a\"},\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"2\"}}}")).isNotNull();
  }

  @Test
  void of_whenIndexQuery_isWholeTable() {
    assertThat(partitionOf("{\"IndexName\":\"gsi\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"a\"}}}")).isNull();
  }

  @Test
  void of_whenPartitionKeyOnlyInsidePath_isWholeTable() {
    assertThat(partitionOf("{\"KeyConditionExpression\":\"m.pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"a\"}}}")).isNull();
  }

  @Test
  void of_whenValueMissing_isWholeTable() {
    assertThat(partitionOf("{\"KeyConditionExpression\":\"pk = :p\"}")).isNull();
  }

  @Test
  void of_whenLegacyKeyConditions_namesPartition() {
    assertThat(partitionOf("{\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"a\"}]}}}")).isNotNull();
  }

  // Issue 8, cause 4: a partition value DynamoDB cannot parse names no partition.
  @Test
  void of_whenNumberPartitionOutsideDynamoDbGrammar_isWholeTable() {
    KeySchema numbered = new KeySchema("pk", "N", null, null);
    for (String number : new String[] {"+1", "\u0661", "\uFF11", "1e126"}) {
      JsonNode json = JsonCodec.read(("{\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"N\":\"" + number + "\"}}}").getBytes(StandardCharsets.UTF_8));
      assertThat(PartitionCondition.of(json, numbered)).as(number).isNull();
    }
  }
}
