package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTypeCheckerTest {

  private static final String RECORDED = "dynalite-4.0.0-request-checks.jsonl";

  /**
   * Recorded bodies where we follow DynamoDB rather than dynalite, with the reason. dynalite lets a
   * {@code null} inside a collection through its type check and then fails on it, here with an
   * unrelated validation error reported first; DynamoDB has no model type a JSON {@code null}
   * element can be read into, so the body is refused before it goes upstream.
   */
  private static final Map<String, String> FOLLOWING_DYNAMODB =
      Map.of(
          "{\"RequestItems\":{\"abc\":{\"Keys\":[null,{\"a\":{\"S\":\"x\",\"BOOL\":\"yes\",\"zz\":1}}],\"AttributesToGet\":[\"x\",null]}},\"ReturnConsumedCapacity\":\"x\"}",
          "a null key in Keys",
          "{\"RequestItems\":{\"a\":null,\"abc\":[{\"PutRequest\":{}}]}}",
          "a null list of write requests in RequestItems");

  private static ObjectNode json(String text) {
    return (ObjectNode) JsonCodec.read(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Bodies sent to dynalite 4.0.0 and what it answered (dynalite's messages copy DynamoDB's). A
   * {@code "dynalite": null} record is one dynalite answered only after later checks (a missing
   * table, an invalid expression).
   */
  static Stream<Arguments> recordedDynaliteAnswers() {
    List<Arguments> cases = new ArrayList<>();
    try (InputStream in = RequestTypeCheckerTest.class.getResourceAsStream(RECORDED);
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode record = JsonCodec.read(line.getBytes(StandardCharsets.UTF_8));
        JsonNode answer = record.get("dynalite");
        cases.add(
            Arguments.of(
                record.get("operation").textValue(),
                record.get("body").textValue(),
                answer.isNull() ? null : answer.get("__type").textValue(),
                answer.isNull() ? null : answer.get("message").textValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases.stream();
  }

  static Stream<Arguments> recordedSerializationErrors() {
    return recordedDynaliteAnswers().filter(a -> "SerializationException".equals(a.get()[2]));
  }

  static Stream<Arguments> recordedLaterErrors() {
    return recordedDynaliteAnswers()
        .filter(a -> !"SerializationException".equals(a.get()[2]))
        .filter(a -> !FOLLOWING_DYNAMODB.containsKey((String) a.get()[1]));
  }

  @Test
  void recordedDynaliteAnswers_whenLoaded_holdEveryRecordedCase() {
    assertThat(recordedDynaliteAnswers()).hasSize(101);
    assertThat(recordedSerializationErrors()).hasSize(64);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("recordedSerializationErrors")
  void check_whenDynaliteAnsweredSerializationException_refusesWithItsMessage(
      String operation, String body, String type, String message) {
    assertThatThrownBy(() -> RequestTypeChecker.check(operation, json(body)))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.type()).isEqualTo("com.amazon.coral.service#SerializationException");
              assertThat(e.messageKey()).isEqualTo("Message");
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  /** What DynamoDB checks after the shape (constraints, expressions, tables) it answers itself. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("recordedLaterErrors")
  void check_whenDynaliteAnsweredALaterError_letsTheBodyGoUpstream(
      String operation, String body, String type, String message) {
    assertThatCode(() -> RequestTypeChecker.check(operation, json(body)))
        .doesNotThrowAnyException();
  }

  @Test
  void check_whenRecordedCollectionHoldsNull_refusesWhereDynaliteDidNot() {
    recordedDynaliteAnswers()
        .filter(a -> FOLLOWING_DYNAMODB.containsKey((String) a.get()[1]))
        .forEach(
            a ->
                assertThatThrownBy(() -> RequestTypeChecker.check((String) a.get()[0], json((String) a.get()[1])))
                    .as(FOLLOWING_DYNAMODB.get((String) a.get()[1]))
                    .isInstanceOf(DynamoDbException.class)
                    .hasMessage(null));
  }

  // ---------------------------------------------------------------------------------------------
  // DynamoDB's answers to a member of each declared type set to each wrong JSON type, as dynalite's
  // test suite records them from DynamoDB itself (test/helpers.js assertType, run with REMOTE=1).

  private static final String CAST =
      "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class"
          + " java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and"
          + " java.lang.Class are in module java.base of loader 'bootstrap')";
  private static final String STRUCTURE = "Start of structure or map found where not expected";
  private static final String MODEL = "com.amazonaws.dynamodb.v20120810.";
  private static final List<String> SCALARS =
      List.of("\"23\"", "true", "23", "-2147483648", "2147483648", "34.56");

  /** The wrong values for a type and DynamoDB's answer to each, as JSON text to message. */
  private static Map<String, String> answers(String type) {
    String kind = type.contains("<") ? type.substring(0, type.indexOf('<')) : type;
    String sub = type.contains("<") ? type.substring(type.indexOf('<') + 1, type.length() - 1) : null;
    Map<String, String> answers = new java.util.LinkedHashMap<>();
    switch (kind) {
      case "Boolean" -> {
        answers.put("\"23\"", "Unexpected token received from parser");
        answers.put("23", "NUMBER_VALUE cannot be converted to Boolean");
        answers.put("-2147483648", "NUMBER_VALUE cannot be converted to Boolean");
        answers.put("2147483648", "NUMBER_VALUE cannot be converted to Boolean");
        answers.put("34.56", "DECIMAL_VALUE cannot be converted to Boolean");
        answers.put("[]", "Unrecognized collection type class java.lang.Boolean");
        answers.put("{}", STRUCTURE);
      }
      case "String" -> {
        answers.put("true", "TRUE_VALUE cannot be converted to String");
        answers.put("false", "FALSE_VALUE cannot be converted to String");
        answers.put("23", "NUMBER_VALUE cannot be converted to String");
        answers.put("-2147483648", "NUMBER_VALUE cannot be converted to String");
        answers.put("2147483648", "NUMBER_VALUE cannot be converted to String");
        answers.put("34.56", "DECIMAL_VALUE cannot be converted to String");
        answers.put("[]", "Unrecognized collection type class java.lang.String");
        answers.put("{}", STRUCTURE);
      }
      case "Integer" -> {
        answers.put("\"23\"", "STRING_VALUE cannot be converted to Integer");
        answers.put("true", "TRUE_VALUE cannot be converted to Integer");
        answers.put("false", "FALSE_VALUE cannot be converted to Integer");
        answers.put("[]", "Unrecognized collection type class java.lang.Integer");
        answers.put("{}", STRUCTURE);
      }
      case "Blob" -> {
        for (String scalar : List.of("true", "23", "-2147483648", "2147483648", "34.56")) {
          answers.put(scalar, "only base-64-encoded strings are convertible to bytes");
        }
        answers.put("[]", "Unrecognized collection type class java.nio.ByteBuffer");
        answers.put("{}", STRUCTURE);
        answers.put("\"23456\"", "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
        answers.put("\"=+/=\"", "Invalid last non-pad Base64 character dectected");
        answers.put("\"+/+=\"", "Invalid last non-pad Base64 character dectected");
      }
      case "List", "ParameterizedList" -> {
        SCALARS.forEach(s -> answers.put(s, kind.equals("List") ? "Unexpected field type" : CAST));
        answers.put("{}", STRUCTURE);
      }
      case "Map", "ParameterizedMap" -> {
        SCALARS.forEach(s -> answers.put(s, kind.equals("Map") ? "Unexpected field type" : CAST));
        String value = sub == null ? MODEL + "AttributeValue" : sub.contains(".") ? sub : MODEL + sub;
        answers.put("[]", "Unrecognized collection type java.util.Map<java.lang.String, " + value + ">");
      }
      case "ValueStruct", "FieldStruct" -> {
        SCALARS.forEach(
            s ->
                answers.put(
                    s, kind.equals("ValueStruct") ? "Unexpected value type in payload" : "Unexpected field type"));
        answers.put("[]", "Unrecognized collection type class " + MODEL + sub);
      }
      default -> throw new IllegalArgumentException(type);
    }
    return answers;
  }

  /** An attribute value at {@code path}, and what lies inside it. */
  private static Stream<String[]> attributeValue(String path, String style) {
    return Stream.of(
        new String[] {path, style + "<AttributeValue>"},
        new String[] {path + ".S", "String"},
        new String[] {path + ".N", "String"},
        new String[] {path + ".B", "Blob"},
        new String[] {path + ".BOOL", "Boolean"},
        new String[] {path + ".NULL", "Boolean"},
        new String[] {path + ".SS", "List"},
        new String[] {path + ".SS.0", "String"},
        new String[] {path + ".NS", "List"},
        new String[] {path + ".NS.0", "String"},
        new String[] {path + ".BS", "List"},
        new String[] {path + ".BS.0", "Blob"},
        new String[] {path + ".L", "List"},
        new String[] {path + ".L.0", "ValueStruct<AttributeValue>"},
        new String[] {path + ".L.0.BS", "List"},
        new String[] {path + ".L.0.BS.0", "Blob"},
        new String[] {path + ".M", "Map<AttributeValue>"},
        new String[] {path + ".M.a", "ValueStruct<AttributeValue>"},
        new String[] {path + ".M.a.BS", "List"},
        new String[] {path + ".M.a.BS.0", "Blob"});
  }

  /** The member paths of dynalite's "should return SerializationException when ..." tests. */
  static Stream<Arguments> memberTypes() {
    String[][] plain = {
      {"GetItem", "TableName", "String"},
      {"GetItem", "AttributesToGet", "List"},
      {"GetItem", "AttributesToGet.0", "String"},
      {"GetItem", "ConsistentRead", "Boolean"},
      {"GetItem", "ReturnConsumedCapacity", "String"},
      {"GetItem", "Key", "Map<AttributeValue>"},
      {"GetItem", "ProjectionExpression", "String"},
      {"GetItem", "ExpressionAttributeNames", "Map<java.lang.String>"},
      {"GetItem", "ExpressionAttributeNames.Attr", "String"},
      {"BatchGetItem", "ReturnConsumedCapacity", "String"},
      {"BatchGetItem", "RequestItems", "Map<KeysAndAttributes>"},
      {"BatchGetItem", "RequestItems.Attr", "ValueStruct<KeysAndAttributes>"},
      {"BatchGetItem", "RequestItems.Attr.Keys", "List"},
      {"BatchGetItem", "RequestItems.Attr.Keys.0", "ParameterizedMap"},
      {"BatchGetItem", "RequestItems.Attr.AttributesToGet", "List"},
      {"BatchGetItem", "RequestItems.Attr.AttributesToGet.0", "String"},
      {"BatchGetItem", "RequestItems.Attr.ConsistentRead", "Boolean"},
      {"BatchGetItem", "RequestItems.Attr.ExpressionAttributeNames", "Map<java.lang.String>"},
      {"BatchGetItem", "RequestItems.Attr.ProjectionExpression", "String"},
      {"PutItem", "TableName", "String"},
      {"PutItem", "Item", "Map<AttributeValue>"},
      {"PutItem", "Expected", "Map<ExpectedAttributeValue>"},
      {"PutItem", "Expected.Attr", "ValueStruct<ExpectedAttributeValue>"},
      {"PutItem", "Expected.Attr.Exists", "Boolean"},
      {"PutItem", "Expected.Attr.ComparisonOperator", "String"},
      {"PutItem", "Expected.Attr.AttributeValueList", "List"},
      {"PutItem", "ReturnConsumedCapacity", "String"},
      {"PutItem", "ReturnItemCollectionMetrics", "String"},
      {"PutItem", "ReturnValues", "String"},
      {"PutItem", "ConditionExpression", "String"},
      {"PutItem", "ConditionalOperator", "String"},
      {"PutItem", "ExpressionAttributeValues", "Map<AttributeValue>"},
      {"PutItem", "ExpressionAttributeNames", "Map<java.lang.String>"},
      {"PutItem", "ExpressionAttributeNames.Attr", "String"},
      {"UpdateItem", "Key", "Map<AttributeValue>"},
      {"UpdateItem", "AttributeUpdates", "Map<AttributeValueUpdate>"},
      {"UpdateItem", "AttributeUpdates.Attr", "ValueStruct<AttributeValueUpdate>"},
      {"UpdateItem", "AttributeUpdates.Attr.Action", "String"},
      {"UpdateItem", "UpdateExpression", "String"},
      {"UpdateItem", "ReturnValues", "String"},
      {"DeleteItem", "TableName", "String"},
      {"DeleteItem", "Key", "Map<AttributeValue>"},
      {"DeleteItem", "ReturnItemCollectionMetrics", "String"},
      {"BatchWriteItem", "ReturnConsumedCapacity", "String"},
      {"BatchWriteItem", "ReturnItemCollectionMetrics", "String"},
      {"BatchWriteItem", "RequestItems", "Map<java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>"},
      {"BatchWriteItem", "RequestItems.Attr", "ParameterizedList"},
      {"BatchWriteItem", "RequestItems.Attr.0", "ValueStruct<WriteRequest>"},
      {"BatchWriteItem", "RequestItems.Attr.0.DeleteRequest", "FieldStruct<DeleteRequest>"},
      {"BatchWriteItem", "RequestItems.Attr.0.DeleteRequest.Key", "Map<AttributeValue>"},
      {"BatchWriteItem", "RequestItems.Attr.0.PutRequest", "FieldStruct<PutRequest>"},
      {"BatchWriteItem", "RequestItems.Attr.0.PutRequest.Item", "Map<AttributeValue>"},
      {"Query", "TableName", "String"},
      {"Query", "IndexName", "String"},
      {"Query", "Limit", "Integer"},
      {"Query", "Select", "String"},
      {"Query", "ConsistentRead", "Boolean"},
      {"Query", "ScanIndexForward", "Boolean"},
      {"Query", "AttributesToGet", "List"},
      {"Query", "ExclusiveStartKey", "Map<AttributeValue>"},
      {"Query", "KeyConditions", "Map<Condition>"},
      {"Query", "KeyConditions.Attr", "ValueStruct<Condition>"},
      {"Query", "KeyConditions.Attr.ComparisonOperator", "String"},
      {"Query", "KeyConditions.Attr.AttributeValueList", "List"},
      {"Query", "QueryFilter", "Map<Condition>"},
      {"Query", "QueryFilter.Attr", "ValueStruct<Condition>"},
      {"Query", "KeyConditionExpression", "String"},
      {"Query", "FilterExpression", "String"},
      {"Scan", "TableName", "String"},
      {"Scan", "Limit", "Integer"},
      {"Scan", "Segment", "Integer"},
      {"Scan", "TotalSegments", "Integer"},
      {"Scan", "ScanFilter", "Map<Condition>"},
      {"Scan", "ScanFilter.Attr", "ValueStruct<Condition>"},
      {"Scan", "ScanFilter.Attr.ComparisonOperator", "String"},
      {"Scan", "ScanFilter.Attr.AttributeValueList", "List"},
      {"Scan", "ExclusiveStartKey", "Map<AttributeValue>"},
    };
    String[][] attributeValues = {
      {"GetItem", "Key.Attr", "ValueStruct"},
      {"BatchGetItem", "RequestItems.Attr.Keys.0.Attr", "ValueStruct"},
      {"PutItem", "Item.Attr", "ValueStruct"},
      {"PutItem", "Expected.Attr.Value", "FieldStruct"},
      {"PutItem", "Expected.Attr.AttributeValueList.0", "ValueStruct"},
      {"PutItem", "ExpressionAttributeValues.Attr", "ValueStruct"},
      {"UpdateItem", "AttributeUpdates.Attr.Value", "FieldStruct"},
      {"DeleteItem", "Key.Attr", "ValueStruct"},
      {"BatchWriteItem", "RequestItems.Attr.0.PutRequest.Item.Attr", "ValueStruct"},
      {"BatchWriteItem", "RequestItems.Attr.0.DeleteRequest.Key.Attr", "ValueStruct"},
      {"Query", "KeyConditions.Attr.AttributeValueList.0", "ValueStruct"},
      {"Query", "ExclusiveStartKey.Attr", "ValueStruct"},
      {"Scan", "ScanFilter.Attr.AttributeValueList.0", "ValueStruct"},
    };
    return Stream.concat(
        Stream.of(plain).map(row -> Arguments.of(row[0], row[1], row[2])),
        Stream.of(attributeValues)
            .flatMap(row -> attributeValue(row[1], row[2]).map(at -> Arguments.of(row[0], at[0], at[1]))));
  }

  /** dynalite's way of building a body that holds {@code value} at {@code path}. */
  private static String bodyWith(String path, String value) {
    String[] pieces = path.split("\\.");
    StringBuilder open = new StringBuilder("{");
    StringBuilder close = new StringBuilder("}");
    for (int i = 0; i < pieces.length; i++) {
      boolean inArray = i > 0 && pieces[i].equals("0");
      if (!inArray) {
        open.append('"').append(pieces[i]).append("\":");
      }
      if (i < pieces.length - 1) {
        boolean array = pieces[i + 1].equals("0");
        open.append(array ? '[' : '{');
        close.insert(0, array ? ']' : '}');
      }
    }
    return open.append(value).append(close).toString();
  }

  @ParameterizedTest(name = "{0} {1} is {2}")
  @MethodSource("memberTypes")
  void check_whenMemberHasAnotherJsonType_answersDynamoDbsMessage(
      String operation, String path, String type) {
    answers(type)
        .forEach(
            (value, message) -> {
              String body = bodyWith(path, value);
              assertThatThrownBy(() -> RequestTypeChecker.check(operation, json(body)))
                  .as(body)
                  .isInstanceOf(DynamoDbException.class)
                  .hasMessage(message);
            });
  }

  @Test
  void bodyWith_whenPathCrossesListsAndMaps_buildsDynalitesBody() {
    assertThat(bodyWith("RequestItems.Attr.0.PutRequest", "5"))
        .isEqualTo("{\"RequestItems\":{\"Attr\":[{\"PutRequest\":5}]}}");
    assertThat(bodyWith("Key.Attr.L.0.BS.0", "5")).isEqualTo("{\"Key\":{\"Attr\":{\"L\":[{\"BS\":[5]}]}}}");
  }

  // ---------------------------------------------------------------------------------------------
  // Null JSON elements (issue 8, cause 7)

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"l\":{\"L\":[null]}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"l\":{\"L\":[{\"S\":\"a\"},null]}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"s\":{\"SS\":[\"a\",null]}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"s\":{\"NS\":[null]}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"s\":{\"BS\":[null]}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"m\":{\"M\":{\"a\":null}}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"},\"a\":null}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"}},\"ExpressionAttributeNames\":{\"#a\":null}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"}},\"ExpressionAttributeValues\":{\":a\":null}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"}},\"Expected\":{\"a\":null}}",
        "GetItem {\"TableName\":\"t\",\"Key\":{\"k\":null}}",
        "GetItem {\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":\"x\"}},\"AttributesToGet\":[null]}",
        "UpdateItem {\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":\"x\"}},\"AttributeUpdates\":{\"a\":null}}",
        "BatchWriteItem {\"RequestItems\":{\"t\":[null]}}",
        "BatchWriteItem {\"RequestItems\":{\"t\":[{\"PutRequest\":{\"Item\":{\"k\":{\"S\":\"x\"}}}},null]}}",
        "BatchWriteItem {\"RequestItems\":{\"t\":null}}",
        "BatchGetItem {\"RequestItems\":{\"t\":{\"Keys\":[null]}}}",
        "BatchGetItem {\"RequestItems\":{\"t\":null}}",
        "Query {\"TableName\":\"t\",\"KeyConditions\":{\"k\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[null]}}}",
        "Scan {\"TableName\":\"t\",\"ExclusiveStartKey\":{\"k\":null}}",
        "TransactWriteItems {\"TransactItems\":[null]}",
        "TransactWriteItems {\"TransactItems\":[{\"Put\":{\"TableName\":\"t\",\"Item\":{\"k\":{\"L\":[null]}}}}]}",
        "TransactGetItems {\"TransactItems\":[{\"Get\":{\"TableName\":\"t\",\"Key\":{\"k\":null}}}]}",
      })
  void check_whenCollectionHoldsNull_throwsSerializationExceptionWithoutMessage(String call) {
    String operation = call.substring(0, call.indexOf(' '));
    String body = call.substring(call.indexOf(' ') + 1);
    assertThatThrownBy(() -> RequestTypeChecker.check(operation, json(body)))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e -> {
              assertThat(e.type()).isEqualTo("com.amazon.coral.service#SerializationException");
              assertThat(e.getMessage()).isNull();
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GetItem {\"TableName\":null,\"Key\":null,\"ConsistentRead\":null,\"AttributesToGet\":null}",
        "GetItem {\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":null,\"N\":\"1\"}}}",
        "PutItem {\"TableName\":\"t\",\"Item\":{\"k\":{\"S\":\"x\"}},\"Expected\":{\"a\":{\"Value\":null,\"Exists\":null}}}",
        "BatchWriteItem {\"RequestItems\":{\"t\":[{\"PutRequest\":null,\"DeleteRequest\":{\"Key\":{\"k\":{\"S\":\"x\"}}}}]}}",
        "TransactWriteItems {\"TransactItems\":[{\"Put\":null,\"Delete\":{\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":\"x\"}}}}]}",
      })
  void check_whenStructureMemberIsNull_treatsItAsAbsent(String call) {
    String operation = call.substring(0, call.indexOf(' '));
    String body = call.substring(call.indexOf(' ') + 1);
    assertThatCode(() -> RequestTypeChecker.check(operation, json(body))).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------
  // Where the model goes beyond the recorded cases

  @Test
  void check_whenTwoMembersHaveWrongTypes_reportsTheFirstInTheText() {
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", json("{\"Key\":5,\"TableName\":5}")))
        .hasMessage("Unexpected field type");
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", json("{\"TableName\":5,\"Key\":5}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "PutItem", json("{\"Item\":{\"b\":{\"S\":1},\"a\":{\"N\":true}},\"TableName\":\"t\"}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
  }

  /**
   * dynalite calls a number NUMBER_VALUE when its JavaScript value is whole; DynamoDB's parser names
   * the token, and a literal with a fraction or an exponent is a decimal token.
   */
  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1e2", "-0.0", "1E+400"})
  void check_whenNumberLiteralHasFractionOrExponent_callsItDecimal(String literal) {
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", json("{\"TableName\":" + literal + "}")))
        .hasMessage("DECIMAL_VALUE cannot be converted to String");
  }

  @Test
  void check_whenNumberIsBeyondLong_callsItNumber() {
    assertThatThrownBy(
            () -> RequestTypeChecker.check("GetItem", json("{\"TableName\":123456789012345678901234567890}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
  }

  /** Members of the API reference that dynalite 4.0.0 does not model, so it ignores them. */
  @Test
  void check_whenMemberDynaliteIgnoresHasWrongType_refusesAsDynamoDb() {
    assertThatThrownBy(() -> RequestTypeChecker.check("Scan", json("{\"TableName\":\"t\",\"ConsistentRead\":5}")))
        .hasMessage("NUMBER_VALUE cannot be converted to Boolean");
    for (String operation : List.of("PutItem", "UpdateItem", "DeleteItem")) {
      assertThatThrownBy(
              () ->
                  RequestTypeChecker.check(
                      operation, json("{\"TableName\":\"t\",\"ReturnValuesOnConditionCheckFailure\":[]}")))
          .hasMessage("Unrecognized collection type class java.lang.String");
    }
  }

  @Test
  void check_whenBooleanIsGivenAsWord_acceptsItInAnyCase() {
    for (String word : List.of("true", "FALSE", "Yes", "no", "1", "0")) {
      assertThatCode(
              () -> RequestTypeChecker.check("GetItem", json("{\"ConsistentRead\":\"" + word + "\"}")))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void check_whenBlobIsNotCanonicalBase64_throwsDynamoDbSpelling() {
    assertThatThrownBy(
            () -> RequestTypeChecker.check("GetItem", json("{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":\"YR==\"}}}")))
        .hasMessage("Invalid last non-pad Base64 character dectected");
    assertThatCode(
            () -> RequestTypeChecker.check("GetItem", json("{\"TableName\":\"abc\",\"Key\":{\"a\":{\"B\":\"YQ==\"}}}")))
        .doesNotThrowAnyException();
  }

  @Test
  void check_whenTransactItemHasWrongTypes_throwsSerializationException() {
    assertThatThrownBy(() -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":{}}")))
        .hasMessage("Start of structure or map found where not expected");
    assertThatThrownBy(() -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":[[]]}")))
        .hasMessage("Unrecognized collection type class com.amazonaws.dynamodb.v20120810.TransactWriteItem");
    assertThatThrownBy(() -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":[5]}")))
        .hasMessage("Unexpected value type in payload");
    assertThatThrownBy(() -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":[{\"Put\":5}]}")))
        .hasMessage("Unexpected field type");
    assertThatThrownBy(
            () -> RequestTypeChecker.check("TransactWriteItems", json("{\"TransactItems\":[{\"Update\":[]}]}")))
        .hasMessage("Unrecognized collection type class com.amazonaws.dynamodb.v20120810.Update");
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "TransactWriteItems", json("{\"TransactItems\":[{\"Update\":{\"Key\":{\"k\":{\"N\":1}}}}]}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
    assertThatThrownBy(
            () ->
                RequestTypeChecker.check(
                    "TransactWriteItems", json("{\"TransactItems\":[{\"ConditionCheck\":{\"ConditionExpression\":true}}]}")))
        .hasMessage("TRUE_VALUE cannot be converted to String");
    assertThatThrownBy(
            () -> RequestTypeChecker.check("TransactGetItems", json("{\"TransactItems\":[{\"Get\":{\"TableName\":[]}}]}")))
        .hasMessage("Unrecognized collection type class java.lang.String");
    assertThatThrownBy(() -> RequestTypeChecker.check("TransactWriteItems", json("{\"ClientRequestToken\":1}")))
        .hasMessage("NUMBER_VALUE cannot be converted to String");
  }

  @Test
  void check_whenValidTransactions_passes() {
    assertThatCode(
            () ->
                RequestTypeChecker.check(
                    "TransactGetItems",
                    json(
                        "{\"TransactItems\":[{\"Get\":{\"TableName\":\"abc\","
                            + "\"Key\":{\"k\":{\"S\":\"x\"}}}}],\"ReturnConsumedCapacity\":\"TOTAL\"}")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                RequestTypeChecker.check(
                    "TransactWriteItems",
                    json(
                        "{\"TransactItems\":[{\"Update\":{\"TableName\":\"t\",\"Key\":{\"k\":{\"S\":\"x\"}},"
                            + "\"UpdateExpression\":\"SET a = :a\",\"ExpressionAttributeValues\":{\":a\":"
                            + "{\"M\":{\"b\":{\"L\":[{\"NS\":[\"1\"]},{\"BOOL\":true}]}}}}}}],"
                            + "\"ClientRequestToken\":\"x\"}")))
        .doesNotThrowAnyException();
  }

  @Test
  void check_whenUnsupportedOperation_throwsIllegalArgumentException() {
    assertThat(RequestTypeChecker.supports("CreateTable")).isFalse();
    assertThat(RequestTypeChecker.supports("TransactGetItems")).isTrue();
    assertThatThrownBy(() -> RequestTypeChecker.check("CreateTable", json("{}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void check_whenValuesWouldBeReadAsOtherTypes_leavesInputUntouched() {
    String text =
        "{\"TableName\":\"abc\",\"ConsistentRead\":\"yes\",\"Limit\":2.7,\"Unknown\":1,"
            + "\"Key\":{\"a\":{\"BOOL\":\"no\",\"zz\":null}},\"KeyConditionExpression\":\"a = :a\"}";
    ObjectNode body = json(text);
    RequestTypeChecker.check("Query", body);
    assertThat(body).isEqualTo(json(text));
  }

  // Keys that appear in the model, so random trees reach deep into it.
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
  void check_whenRandomJsonTrees_throwsOnlyDynamoDbExceptionAndLeavesThemUntouched() {
    Random random = new Random(20260101);
    List<String> operations =
        List.of(
            "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "Query", "Scan", "TransactWriteItems", "TransactGetItems");
    int checked = 0;
    for (int i = 0; i < 20_000; i++) {
      if (!(randomTree(random, 0) instanceof ObjectNode body)) {
        continue;
      }
      JsonNode before = body.deepCopy();
      for (String operation : operations) {
        try {
          RequestTypeChecker.check(operation, body);
        } catch (DynamoDbException expected) {
          // the only acceptable failure
        }
      }
      assertThat(body).isEqualTo(before);
      checked++;
    }
    assertThat(checked).isGreaterThan(1000);
  }

  @Test
  void check_whenTreeIsDeeperThanAnyParser_answersWithoutOverflowingTheStack() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("TableName", "abc");
    ObjectNode value = body.putObject("Key").putObject("k");
    for (int i = 0; i < 50_000; i++) {
      value = value.putObject("M").putObject("m");
    }
    value.put("N", 1);
    assertThatThrownBy(() -> RequestTypeChecker.check("GetItem", body))
        .isInstanceOf(DynamoDbException.class)
        .hasMessage("NUMBER_VALUE cannot be converted to String");
  }
}
