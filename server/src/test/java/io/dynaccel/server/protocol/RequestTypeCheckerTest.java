package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestTypeCheckerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Bodies sent to dynalite 4.0.0 and the error it answered. A null type means dynalite's error
   * comes from a later stage (semantic checks, missing table) that validate() does not cover, so
   * validate() must let the body through.
   */
  static Stream<Arguments> dynaliteAnswers() {
    return Stream.of(
        Arguments.of("GetItem", "{\"TableName\":5}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":1.5}", "SerializationException", "DECIMAL_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":true}", "SerializationException", "TRUE_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":false}", "SerializationException", "FALSE_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":[]}", "SerializationException", "Unrecognized collection type class java.lang.String"),
        Arguments.of("GetItem", "{\"TableName\":{}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("GetItem", "{\"TableName\":1e400}", "SerializationException", "DECIMAL_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ConsistentRead\":5}", "SerializationException", "NUMBER_VALUE cannot be converted to Boolean"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ConsistentRead\":\"maybe\"}", "SerializationException", "Unexpected token received from parser"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ConsistentRead\":[]}", "SerializationException", "Unrecognized collection type class java.lang.Boolean"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ConsistentRead\":{}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"AttributesToGet\":\"a\"}", "SerializationException", "Unexpected field type"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"AttributesToGet\":{}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"AttributesToGet\":[1]}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":[]}", "SerializationException", "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":5}", "SerializationException", "Unexpected field type"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":5}}", "SerializationException", "Unexpected value type in payload"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":[]}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":5}}}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":5}}}", "SerializationException", "only base-64-encoded strings are convertible to bytes"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":\"abc\"}}}", "SerializationException", "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":\"abc=\"}}}", null, null),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":[]}}}", "SerializationException", "Unrecognized collection type class java.nio.ByteBuffer"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":{}}}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"BOOL\":\"x\"}}}", "SerializationException", "Unexpected token received from parser"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"NULL\":2.5}}}", "SerializationException", "DECIMAL_VALUE cannot be converted to Boolean"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"SS\":\"x\"}}}", "SerializationException", "Unexpected field type"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"SS\":[true]}}}", "SerializationException", "TRUE_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"BS\":[\"abc\"]}}}", "SerializationException", "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"L\":[5]}}}", "SerializationException", "Unexpected value type in payload"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"L\":[[]]}}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"M\":[]}}}", "SerializationException", "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"M\":{\"b\":{\"M\":{\"c\":{\"N\":1}}}}}}}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ExpressionAttributeNames\":[]}", "SerializationException", "Unrecognized collection type java.util.Map<java.lang.String, java.lang.String>"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ExpressionAttributeNames\":{\"#a\":5}}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"ReturnConsumedCapacity\":\"nope\",\"Key\":{}}", "ValidationException", "1 validation error detected: Value 'nope' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        Arguments.of("GetItem", "{}", "ValidationException", "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; Value null at 'key' failed to satisfy constraint: Member must not be null"),
        Arguments.of("GetItem", "{\"TableName\":\"a;b\",\"Key\":{}}", "ValidationException", "1 validation error detected: Value 'a;b' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        Arguments.of("GetItem", "{\"TableName\":\"\",\"Key\":{}}", "ValidationException", "2 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"),
        Arguments.of("GetItem", "{\"TableName\":\"null\"}", "ValidationException", "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{},\"ProjectionExpression\":\"a\",\"AttributesToGet\":[\"a\"]}", "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"Key\":{},\"ExpressionAttributeNames\":{\"#a\":\"a\"}}", "ValidationException", "ExpressionAttributeNames can only be specified when using expressions"),
        Arguments.of("GetItem", "{\"TableName\":\"abc\",\"AttributesToGet\":[],\"Key\":{}}", "ValidationException", "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Arguments.of("GetItem", "{\"Key\":{\"a\":{\"S\":\"x\"}},\"TableName\":\"abc\",\"ReturnConsumedCapacity\":\"TOTAL \",\"AttributesToGet\":[]}", "ValidationException", "2 validation errors detected: Value 'TOTAL ' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":[]}", "SerializationException", "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.KeysAndAttributes>"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":5}", "SerializationException", "Unexpected field type"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":5}}", "SerializationException", "Unexpected value type in payload"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":[]}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeysAndAttributes"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":{\"Keys\":{}}}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":{\"Keys\":[5]}}}", "SerializationException", "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":{\"Keys\":[[]]}}}", "SerializationException", "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":{\"Keys\":[{\"a\":5}]}}}", "SerializationException", "Unexpected value type in payload"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{}}", "ValidationException", "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Arguments.of("BatchGetItem", "{}", "ValidationException", "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":{}}}", "ValidationException", "1 validation error detected: Value null at 'requestItems.abc.member.keys' failed to satisfy constraint: Member must not be null"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"a\":{\"Keys\":[]},\"1\":{\"Keys\":[{\"1\":{\"N\":\"1\",\"S\":\"x\"}}]}}}", "ValidationException", "3 validation errors detected: Value '{\"1\":{\"Keys\":[{\"1\":{\"S\":\"x\",\"N\":\"1\"}}]},\"a\":{\"Keys\":[]}}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; Value '{\"1\":{\"Keys\":[{\"1\":{\"S\":\"x\",\"N\":\"1\"}}]},\"a\":{\"Keys\":[]}}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; Value '[]' at 'requestItems.a.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        Arguments.of("BatchGetItem", "{\"RequestItems\":{\"abc\":{\"Keys\":[null,{\"a\":{\"S\":\"x\",\"BOOL\":\"yes\",\"zz\":1}}],\"AttributesToGet\":[\"x\",null]}},\"ReturnConsumedCapacity\":\"x\"}", "ValidationException", "1 validation error detected: Value 'x' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"Expected\":{\"a\":5}}", "SerializationException", "Unexpected value type in payload"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"Expected\":{\"a\":{\"Value\":5}}}", "SerializationException", "Unexpected field type"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"Expected\":{\"a\":{\"Value\":[]}}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"Expected\":{\"a\":{\"Exists\":\"sure\"}}}", "SerializationException", "Unexpected token received from parser"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"Expected\":{\"a\":{\"ComparisonOperator\":\"XX\"}},\"ReturnValues\":\"ALL\",\"ConditionalOperator\":\"NOR\",\"ReturnItemCollectionMetrics\":\"ALL\"}", "ValidationException", "4 validation errors detected: Value 'NOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]; Value 'XX' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]; Value 'ALL' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; Value 'ALL' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\"}", "ValidationException", "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"ConditionExpression\":\"a = b\",\"Expected\":{}}", "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
        Arguments.of("PutItem", "{\"TableName\":\"abc\",\"Item\":{\"a\":{\"S\":\"x\"}},\"ExpressionAttributeValues\":{\":a\":{\"S\":\"x\"}}}", "ValidationException", "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
        Arguments.of("UpdateItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":\"x\"}},\"AttributeUpdates\":{\"b\":{\"Action\":5}}}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("UpdateItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":\"x\"}},\"AttributeUpdates\":{\"b\":[]}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValueUpdate"),
        Arguments.of("UpdateItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":\"x\"}},\"AttributeUpdates\":{\"b\":{\"Value\":\"x\"}}}", "SerializationException", "Unexpected field type"),
        Arguments.of("UpdateItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":\"x\"}},\"UpdateExpression\":\"SET a = :b\",\"AttributeUpdates\":{},\"Expected\":{}}", "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression}"),
        Arguments.of("UpdateItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":\"x\"}},\"ExpressionAttributeValues\":{}}", "ValidationException", "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"),
        Arguments.of("DeleteItem", "{\"TableName\":\"abc\",\"Key\":{\"a\":{\"S\":\"x\"}},\"ReturnValues\":5}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("DeleteItem", "{\"TableName\":\"ab\"}", "ValidationException", "2 validation errors detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value null at 'key' failed to satisfy constraint: Member must not be null"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":{}}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[5]}}", "SerializationException", "Unexpected value type in payload"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":5}}", "SerializationException", "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[[]]}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.WriteRequest"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[{\"PutRequest\":5}]}}", "SerializationException", "Unexpected field type"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[{\"PutRequest\":[]}]}}", "SerializationException", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.PutRequest"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[{\"DeleteRequest\":{\"Key\":[]}}]}}", "SerializationException", "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"a\":null,\"abc\":[{\"PutRequest\":{}}]}}", "ValidationException", "3 validation errors detected: Value '{\"a\":null,\"abc\":[{\"PutRequest\":{}}]}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; Value '{\"a\":null,\"abc\":[{\"PutRequest\":{}}]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]; Value null at 'requestItems.abc.member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]}}", "ValidationException", "1 validation error detected: Value '{\"abc\":[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"),
        Arguments.of("BatchWriteItem", "{\"RequestItems\":{\"abc\":[{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}},{\"PutRequest\":{}}]}}", "ValidationException", "10 validation errors detected: Value null at 'requestItems.abc.member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.2.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.3.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.4.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.5.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.6.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.7.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.8.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.9.member.putRequest.item' failed to satisfy constraint: Member must not be null; Value null at 'requestItems.abc.member.10.member.putRequest.item' failed to satisfy constraint: Member must not be null"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"Limit\":\"5\"}", "SerializationException", "STRING_VALUE cannot be converted to Integer"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"Limit\":true}", "SerializationException", "TRUE_VALUE cannot be converted to Integer"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"Limit\":[]}", "SerializationException", "Unrecognized collection type class java.lang.Integer"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"Limit\":{}}", "SerializationException", "Start of structure or map found where not expected"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"Limit\":0.5,\"Select\":\"ALL\",\"IndexName\":\"x\"}", "ValidationException", "3 validation errors detected: Value 'ALL' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]; Value 'x' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"KeyConditions\":{\"a\":{\"ComparisonOperator\":5}}}", "SerializationException", "NUMBER_VALUE cannot be converted to String"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"KeyConditions\":{\"a\":{}},\"QueryFilter\":{\"b\":{}}}", "ValidationException", "2 validation errors detected: Value null at 'queryFilter.b.member.comparisonOperator' failed to satisfy constraint: Member must not be null; Value null at 'keyConditions.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"KeyConditions\":{\"a\":{\"ComparisonOperator\":\"EQ\"}},\"FilterExpression\":\"a = b\"}", null, null),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"KeyConditionExpression\":\"a = b\",\"QueryFilter\":{}}", "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}"),
        Arguments.of("Query", "{\"TableName\":\"abc\",\"ScanIndexForward\":\"no\",\"Limit\":-1e30}", "ValidationException", "1 validation error detected: Value '-1e+30' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"Limit\":0.5,\"Segment\":-3.5}", "ValidationException", "2 validation errors detected: Value '-4' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0; Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"TotalSegments\":\"1\"}", "SerializationException", "STRING_VALUE cannot be converted to Integer"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"Segment\":1.5,\"TotalSegments\":0}", "ValidationException", "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"ScanFilter\":{\"a\":{\"AttributeValueList\":5}}}", "SerializationException", "Unexpected field type"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"ExpressionAttributeValues\":{\":a\":{\"S\":\"a\"}}}", "ValidationException", "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"ExpressionAttributeNames\":{\"#a\":\"a\"}}", "ValidationException", "ExpressionAttributeNames can only be specified when using expressions"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"ProjectionExpression\":\"a\",\"ExpressionAttributeValues\":{\":a\":{\"S\":\"a\"}}}", "ValidationException", "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"),
        Arguments.of("Scan", "{\"TableName\":\"abc\",\"ScanFilter\":{},\"ProjectionExpression\":\"a\",\"ConditionalOperator\":\"OR\"}", "ValidationException", "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter, ConditionalOperator} Expression parameters: {ProjectionExpression}"),
        Arguments.of("Scan", "{\"TableName\":\"a\",\"IndexName\":\"b\",\"Limit\":0,\"Segment\":-1,\"TotalSegments\":0,\"Select\":\"x\",\"ReturnConsumedCapacity\":\"y\",\"ConditionalOperator\":\"z\",\"AttributesToGet\":[],\"ScanFilter\":{\"a\":{},\"b\":{},\"c\":{}}}", "ValidationException", "10 validation errors detected: Value 'x' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]; Value 'b' at 'indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1; Value 'y' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value 'a' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value 'z' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]; Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member must not be null; Value null at 'scanFilter.b.member.comparisonOperator' failed to satisfy constraint: Member must not be null; Value null at 'scanFilter.c.member.comparisonOperator' failed to satisfy constraint: Member must not be null; Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0")
);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dynaliteAnswers")
  void validate_whenMalformedBody_matchesDynalite(
      String operation, String body, String type, String message) {
    if (type == null) {
      assertThatCode(() -> RequestTypeChecker.validate(operation, json(body)))
          .doesNotThrowAnyException();
      return;
    }
    assertThatThrownBy(() -> RequestTypeChecker.validate(operation, json(body)))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.type()).endsWith("#" + type);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dynaliteAnswers")
  void check_whenMalformedBody_throwsOnlySerializationErrors(
      String operation, String body, String type, String message) {
    if ("SerializationException".equals(type)) {
      assertThatThrownBy(() -> RequestTypeChecker.check(operation, json(body)))
          .isInstanceOf(DynamoDbException.class)
          .hasMessage(message);
    } else {
      assertThatCode(() -> RequestTypeChecker.check(operation, json(body)))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void check_whenTableNameIsNumber_throwsSerializationException() {
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", json("{\"TableName\":5}")))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.type())
                  .isEqualTo("com.amazon.coral.service#SerializationException");
              assertThat(e.messageKey()).isEqualTo("Message");
              assertThat(e.getMessage()).isEqualTo("NUMBER_VALUE cannot be converted to String");
            });
  }

  @Test
  void check_whenBodyIsNotAnObject_treatsItAsEmpty() {
    for (String body : List.of("5", "[]", "\"x\"", "true")) {
      assertThatCode(() -> RequestTypeChecker.check("GetItem", json(body)))
          .doesNotThrowAnyException();
      assertThatThrownBy(() -> RequestTypeChecker.validate("GetItem", json(body)))
          .hasMessage(
              "2 validation errors detected: Value null at 'tableName' failed to satisfy"
                  + " constraint: Member must not be null; Value null at 'key' failed to satisfy"
                  + " constraint: Member must not be null");
    }
  }

  @Test
  void check_whenBodyIsNull_throwsSerializationExceptionWithoutMessage() {
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", null))
        .isInstanceOf(DynamoDbException.class)
        .hasMessage(null);
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", json("null")))
        .isInstanceOf(DynamoDbException.class)
        .hasMessage(null);
  }

  @Test
  void check_whenUnsupportedOperation_throwsIllegalArgumentException() {
    assertThat(RequestTypeChecker.supports("CreateTable")).isFalse();
    assertThat(RequestTypeChecker.supports("TransactGetItems")).isTrue();
    assertThatThrownBy(() -> RequestTypeChecker.check("CreateTable", json("{}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void check_whenValuesWouldBeCoerced_leavesInputUntouched() {
    String text =
        "{\"TableName\":\"abc\",\"ConsistentRead\":\"yes\",\"Limit\":2.7,\"Unknown\":1,"
            + "\"Key\":{\"a\":{\"BOOL\":\"no\",\"zz\":null}},\"KeyConditionExpression\":\"a = :a\"}";
    JsonNode body = json(text);
    RequestTypeChecker.validate("Query", body);
    assertThat(body).isEqualTo(json(text));
  }

  @Test
  void check_whenBlobIsNotCanonicalBase64_throwsDynamoDbSpelling() {
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "GetItem", json("{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":\"YR==\"}}}")))
        .hasMessage("Invalid last non-pad Base64 character dectected");
    assertThatCode(
            () ->
                RequestTypeChecker.check(
                    "GetItem", json("{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":\"YQ==\"}}}")))
        .doesNotThrowAnyException();
  }

  @Test
  void check_whenTransactWriteItemHasWrongTypes_throwsSerializationException() {
    assertThatThrownBy(
            () -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":{}}")))
        .hasMessage("Start of structure or map found where not expected");
    assertThatThrownBy(
            () -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":[[]]}")))
        .hasMessage(
            "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.TransactWriteItem");
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "TransactWriteItems", json("{\"TransactItems\":[{\"Put\":5}]}")))
        .hasMessage("Unexpected field type");
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "TransactWriteItems",
                    json("{\"TransactItems\":[{\"Update\":{\"Key\":{\"k\":{\"N\":1}}}}]}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "TransactGetItems", json("{\"TransactItems\":[{\"Get\":{\"TableName\":[]}}]}")))
        .hasMessage("Unrecognized collection type class java.lang.String");
    assertThatThrownBy(
            () -> RequestTypeChecker.check("TransactWriteItems", json("{\"ClientRequestToken\":1}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
  }

  @Test
  void validate_whenTransactItemsMissingMembers_reportsMemberPaths() {
    assertThatThrownBy(
            () ->
                RequestTypeChecker.validate(
                    "TransactWriteItems",
                    json("{\"TransactItems\":[{\"Update\":{\"TableName\":\"ab\"}}]}")))
        .hasMessage(
            "3 validation errors detected: Value null at"
                + " 'transactItems.1.member.update.key' failed to satisfy constraint: Member must"
                + " not be null; Value null at 'transactItems.1.member.update.updateExpression'"
                + " failed to satisfy constraint: Member must not be null; Value 'ab' at"
                + " 'transactItems.1.member.update.tableName' failed to satisfy constraint: Member"
                + " must have length greater than or equal to 3");
  }

  @Test
  void validate_whenValidTransactGet_passes() {
    assertThatCode(
            () ->
                RequestTypeChecker.validate(
                    "TransactGetItems",
                    json(
                        "{\"TransactItems\":[{\"Get\":{\"TableName\":\"abc\","
                            + "\"Key\":{\"k\":{\"S\":\"x\"}}}}],\"ReturnConsumedCapacity\":\"TOTAL\"}")))
        .doesNotThrowAnyException();
  }

  // Keys that appear in the type tables, so random trees reach deep into the shapes.
  private static final String[] KEYS = {
    "TableName", "Key", "Item", "RequestItems", "Keys", "AttributesToGet", "ConsistentRead",
    "Limit", "Segment", "TotalSegments", "Expected", "Value", "Exists", "AttributeValueList",
    "ComparisonOperator", "AttributeUpdates", "Action", "PutRequest", "DeleteRequest", "S", "N",
    "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M", "KeyConditions", "QueryFilter", "ScanFilter",
    "ExclusiveStartKey", "ExpressionAttributeNames", "ExpressionAttributeValues", "Select",
    "ReturnValues", "TransactItems", "Put", "Update", "Delete", "ConditionCheck", "Get",
    "UpdateExpression", "ConditionExpression", "ClientRequestToken", "abc", "0", "1", "x"
  };

  private static JsonNode randomTree(Random random, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int pick = random.nextInt(depth > 6 ? 7 : 10);
    switch (pick) {
      case 0:
        return f.nullNode();
      case 1:
        return f.booleanNode(random.nextBoolean());
      case 2:
        return random.nextBoolean()
            ? f.numberNode(random.nextInt(200) - 100)
            : f.numberNode(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
      case 3:
        return f.textNode(
            List.of("", "abc", "yes", "NO", "1", "YQ==", "a;b", "TOTAL", "ALL_OLD", "x".repeat(300))
                .get(random.nextInt(10)));
      case 4:
        return f.binaryNode(new byte[] {1, 2, 3});
      case 5:
      case 6:
        ArrayNode array = f.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomTree(random, depth + 1));
        }
        return array;
      default:
        ObjectNode object = f.objectNode();
        for (int i = random.nextInt(5); i > 0; i--) {
          object.set(KEYS[random.nextInt(KEYS.length)], randomTree(random, depth + 1));
        }
        return object;
    }
  }

  @Test
  void validate_whenRandomJsonTrees_throwsOnlyDynamoDbException() {
    Random random = new Random(20260101);
    List<String> operations =
        List.of(
            "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "Query", "Scan", "TransactWriteItems", "TransactGetItems");
    for (int i = 0; i < 20_000; i++) {
      JsonNode body = randomTree(random, 0);
      JsonNode before = body.deepCopy();
      for (String operation : operations) {
        try {
          RequestTypeChecker.validate(operation, body);
        } catch (DynamoDbException expected) {
          // the only acceptable failure
        }
      }
      assertThat(body).isEqualTo(before);
    }
  }

  @Test
  void check_whenTreeIsDeeperThanAnyParser_throwsDynamoDbException() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("TableName", "abc");
    ObjectNode value = body.putObject("Key").putObject("k");
    for (int i = 0; i < 5000; i++) {
      value = value.putObject("M").putObject("m");
    }
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", body))
        .isInstanceOf(DynamoDbException.class);
  }
}
