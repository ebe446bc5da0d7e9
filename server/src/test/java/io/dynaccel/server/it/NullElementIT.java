package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Issue 8, cause 7: a JSON {@code null} inside a list or map of a request is refused by the node
 * with a SerializationException and never reaches DynamoDB. Here we follow DynamoDB, which has no
 * model type to read such an element into, over dynalite, which lets it through its type check
 * and fails on it later.
 */
class NullElementIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static DynamoDbClient direct;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(upstream.emulator());
    direct = fixture.syncClient(upstream.endpoint());
    direct.createTable(b -> b.tableName("Nulls")
        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    direct.waiter().waitUntilTableExists(b -> b.tableName("Nulls"));
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static void assertRefused(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PutItem {\"TableName\":\"Nulls\",\"Item\":{\"pk\":{\"S\":\"put-list\"},\"l\":{\"L\":[null]}}}",
        "PutItem {\"TableName\":\"Nulls\",\"Item\":{\"pk\":{\"S\":\"put-set\"},\"s\":{\"SS\":[\"a\",null]}}}",
        "PutItem {\"TableName\":\"Nulls\",\"Item\":{\"pk\":{\"S\":\"put-map\"},\"m\":{\"M\":{\"a\":null}}}}",
        "PutItem {\"TableName\":\"Nulls\",\"Item\":{\"pk\":{\"S\":\"put-attr\"},\"a\":null}}",
        "BatchWriteItem {\"RequestItems\":{\"Nulls\":[{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"batch\"}}}},null]}}",
        "UpdateItem {\"TableName\":\"Nulls\",\"Key\":{\"pk\":{\"S\":\"update\"}},\"UpdateExpression\":\"SET l = :l\",\"ExpressionAttributeValues\":{\":l\":{\"L\":[null]}}}",
        "TransactWriteItems {\"TransactItems\":[{\"Put\":{\"TableName\":\"Nulls\",\"Item\":{\"pk\":{\"S\":\"transact\"},\"l\":{\"NS\":[null]}}}}]}",
      })
  void write_whenCollectionHoldsNull_isRefusedAndNothingIsWritten(String call) throws Exception {
    String operation = call.substring(0, call.indexOf(' '));
    String body = call.substring(call.indexOf(' ') + 1);
    String pk = body.replaceAll("(?s).*\"pk\":\\{\"S\":\"([^\"]+)\".*", "$1");

    assertRefused(fixture.call(fixture.endpoint(), "DynamoDB_20120810." + operation, body));

    assertThat(direct.getItem(b -> b.tableName("Nulls").key(Map.of("pk", AttributeValue.fromS(pk))).consistentRead(true)).hasItem())
        .isFalse();
  }

  @Test
  void getItem_whenKeyValueIsNull_isRefusedColdAndWarm() throws Exception {
    String body = "{\"TableName\":\"Nulls\",\"Key\":{\"pk\":null}}";
    assertRefused(fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", body));

    direct.putItem(b -> b.tableName("Nulls").item(Map.of("pk", AttributeValue.fromS("warm"))));
    String plain = "{\"TableName\":\"Nulls\",\"Key\":{\"pk\":{\"S\":\"warm\"}}}";
    assertThat(fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", plain).statusCode()).isEqualTo(200);
    assertThat(fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", plain).statusCode()).isEqualTo(200);

    assertRefused(fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", body));
    assertRefused(fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem",
        "{\"TableName\":\"Nulls\",\"Key\":{\"pk\":{\"S\":\"warm\"}},\"AttributesToGet\":[null]}"));
  }

  @Test
  void getItem_whenTopLevelMemberIsNull_isServedAsIfAbsent() throws Exception {
    direct.putItem(b -> b.tableName("Nulls").item(Map.of("pk", AttributeValue.fromS("absent"))));
    String withNull = "{\"TableName\":\"Nulls\",\"Key\":{\"pk\":{\"S\":\"absent\"}},\"ConsistentRead\":null}";
    String without = "{\"TableName\":\"Nulls\",\"Key\":{\"pk\":{\"S\":\"absent\"}}}";

    HttpResponse<String> through = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", withNull);
    HttpResponse<String> straight = fixture.call(upstream.endpoint(), "DynamoDB_20120810.GetItem", without);

    assertThat(through.statusCode()).isEqualTo(200);
    assertThat(through.body()).isEqualTo(straight.body());
  }
}
