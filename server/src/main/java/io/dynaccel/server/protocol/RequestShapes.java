package io.dynaccel.server.protocol;

import static io.dynaccel.server.protocol.RequestShape.bare;
import static io.dynaccel.server.protocol.RequestShape.of;

import java.util.Map;

/**
 * The request type tables of the operations {@link RequestTypeChecker} understands.
 *
 * <p>The ten classic operations are transcribed from dynalite 4.0.0 ({@code validations/*.js}),
 * keeping member order and constraint order exactly, since both decide which error message comes
 * first. The two transaction operations are not in dynalite; their tables follow the DynamoDB API
 * reference shapes, written in the same style and with the same constraints dynalite uses for the
 * equivalent single-item members (e.g. TableName 3..255 matching {@code [a-zA-Z0-9_.-]+}).
 */
final class RequestShapes {

  private RequestShapes() {}

  static final String TABLE_NAME_PATTERN = "[a-zA-Z0-9_.-]+";

  private static final String[] COMPARISON_OPERATORS = {
    "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE",
    "BEGINS_WITH", "GE", "CONTAINS"
  };

  /** dynalite's {@code AttrStruct<ValueStruct>}: an AttributeValue inside a map or list. */
  static final RequestShape ATTR_VALUE = attributeValue("ValueStruct<AttributeValue>");
  /** dynalite's {@code AttrStruct<FieldStruct>}: an AttributeValue held in a structure field. */
  static final RequestShape ATTR_FIELD = attributeValue("FieldStruct<AttributeValue>");

  private static RequestShape attributeValue(String type) {
    RequestShape shape = bare(type);
    shape
        .member("S", bare("String"))
        .member("B", bare("Blob"))
        .member("N", bare("String"))
        .member("BOOL", bare("Boolean"))
        .member("NULL", bare("Boolean"))
        .member("BS", of("List").children(bare("Blob")))
        .member("NS", of("List").children(bare("String")))
        .member("SS", of("List").children(bare("String")));
    // L and M always hold value-style AttributeValues, whichever style holds them.
    RequestShape inner = type.startsWith("ValueStruct") ? shape : ATTR_VALUE;
    shape.member("L", of("List").children(inner));
    shape.member("M", of("Map<AttributeValue>").children(inner));
    return shape;
  }

  private static RequestShape returnConsumedCapacity() {
    return of("String").enumOf("INDEXES", "TOTAL", "NONE");
  }

  private static RequestShape returnItemCollectionMetrics() {
    return of("String").enumOf("SIZE", "NONE");
  }

  private static RequestShape returnValues() {
    return of("String").enumOf("ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
  }

  private static RequestShape tableName() {
    return of("String").notNull().regex(TABLE_NAME_PATTERN).minLength(3).maxLength(255);
  }

  private static RequestShape indexName() {
    return of("String").regex(TABLE_NAME_PATTERN).minLength(3).maxLength(255);
  }

  private static RequestShape attributeMap(boolean notNull) {
    RequestShape shape = of("Map<AttributeValue>");
    if (notNull) {
      shape.notNull();
    }
    return shape.children(ATTR_VALUE);
  }

  private static RequestShape attributesToGet() {
    return of("List").minLength(1).maxLength(255).children(bare("String"));
  }

  private static RequestShape expressionAttributeNames() {
    return of("Map<java.lang.String>").children(bare("String"));
  }

  private static RequestShape string() {
    return of("String");
  }

  private static RequestShape conditionalOperator() {
    return of("String").enumOf("OR", "AND");
  }

  private static RequestShape expected() {
    return of("Map<ExpectedAttributeValue>")
        .children(
            of("ValueStruct<ExpectedAttributeValue>")
                .member("AttributeValueList", of("List").children(ATTR_VALUE))
                .member("ComparisonOperator", of("String").enumOf(COMPARISON_OPERATORS))
                .member("Exists", bare("Boolean"))
                .member("Value", ATTR_FIELD));
  }

  /** Query and Scan filters; {@code attributeValueListFirst} follows each table's own order. */
  private static RequestShape conditions(boolean attributeValueListFirst) {
    RequestShape condition = of("ValueStruct<Condition>");
    RequestShape list = of("List").children(ATTR_VALUE);
    RequestShape operator = of("String").notNull().enumOf(COMPARISON_OPERATORS);
    if (attributeValueListFirst) {
      condition.member("AttributeValueList", list).member("ComparisonOperator", operator);
    } else {
      condition.member("ComparisonOperator", operator).member("AttributeValueList", list);
    }
    return of("Map<Condition>").children(condition);
  }

  private static RequestShape tableNameKeyConstraints(RequestShape map) {
    return map.keys(
        new RequestShape.Constraint("lengthLessThanOrEqual", 255),
        new RequestShape.Constraint("lengthGreaterThanOrEqual", 3),
        new RequestShape.Constraint("regex", TABLE_NAME_PATTERN));
  }

  static final RequestShape GET_ITEM =
      of("Request")
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("AttributesToGet", attributesToGet())
          .member("TableName", tableName())
          .member("Key", attributeMap(true))
          .member("ConsistentRead", bare("Boolean"))
          .member("ProjectionExpression", string())
          .member("ExpressionAttributeNames", expressionAttributeNames());

  static final RequestShape BATCH_GET_ITEM =
      of("Request")
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member(
              "RequestItems",
              tableNameKeyConstraints(of("Map<KeysAndAttributes>").notNull().minLength(1))
                  .children(
                      of("ValueStruct<KeysAndAttributes>")
                          .member(
                              "Keys",
                              of("List")
                                  .notNull()
                                  .minLength(1)
                                  .maxLength(100)
                                  .children(of("ParameterizedMap").children(ATTR_VALUE)))
                          .member("AttributesToGet", attributesToGet())
                          .member("ConsistentRead", bare("Boolean"))
                          .member("ProjectionExpression", string())
                          .member("ExpressionAttributeNames", expressionAttributeNames())));

  static final RequestShape PUT_ITEM =
      of("Request")
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("TableName", tableName())
          .member("Item", attributeMap(true))
          .member("ConditionalOperator", conditionalOperator())
          .member("Expected", expected())
          .member("ReturnValues", returnValues())
          .member("ReturnItemCollectionMetrics", returnItemCollectionMetrics())
          .member("ConditionExpression", string())
          .member("ExpressionAttributeValues", attributeMap(false))
          .member("ExpressionAttributeNames", expressionAttributeNames());

  static final RequestShape UPDATE_ITEM =
      of("Request")
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("TableName", tableName())
          .member("ReturnItemCollectionMetrics", returnItemCollectionMetrics())
          .member("ReturnValues", returnValues())
          .member("Key", attributeMap(true))
          .member("ConditionalOperator", conditionalOperator())
          .member("Expected", expected())
          .member(
              "AttributeUpdates",
              of("Map<AttributeValueUpdate>")
                  .children(
                      of("ValueStruct<AttributeValueUpdate>")
                          .member("Action", bare("String"))
                          .member("Value", ATTR_FIELD)))
          .member("ConditionExpression", string())
          .member("UpdateExpression", string())
          .member("ExpressionAttributeValues", attributeMap(false))
          .member("ExpressionAttributeNames", expressionAttributeNames());

  static final RequestShape DELETE_ITEM =
      of("Request")
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("TableName", tableName())
          .member("ReturnValues", returnValues())
          .member("ReturnItemCollectionMetrics", returnItemCollectionMetrics())
          .member("Key", attributeMap(true))
          .member("ConditionalOperator", conditionalOperator())
          .member("Expected", expected())
          .member("ConditionExpression", string())
          .member("ExpressionAttributeValues", attributeMap(false))
          .member("ExpressionAttributeNames", expressionAttributeNames());

  static final RequestShape BATCH_WRITE_ITEM =
      of("Request")
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("ReturnItemCollectionMetrics", returnItemCollectionMetrics())
          .member(
              "RequestItems",
              tableNameKeyConstraints(
                      of("Map<java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>")
                          .notNull()
                          .minLength(1))
                  .values(
                      new RequestShape.Constraint("lengthLessThanOrEqual", 25),
                      new RequestShape.Constraint("lengthGreaterThanOrEqual", 1))
                  .children(
                      of("ParameterizedList")
                          .children(
                              of("ValueStruct<WriteRequest>")
                                  .member(
                                      "DeleteRequest",
                                      of("FieldStruct<DeleteRequest>")
                                          .member("Key", attributeMap(true)))
                                  .member(
                                      "PutRequest",
                                      of("FieldStruct<PutRequest>")
                                          .member("Item", attributeMap(true))))));

  static final RequestShape QUERY =
      of("Request")
          .member(
              "Select",
              of("String")
                  .enumOf(
                      "SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"))
          .member("IndexName", indexName())
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("QueryFilter", conditions(true))
          .member("TableName", tableName())
          .member("ConditionalOperator", conditionalOperator())
          .member("AttributesToGet", attributesToGet())
          .member("Limit", of("Integer").min(1))
          .member("KeyConditions", conditions(false))
          .member("ExclusiveStartKey", attributeMap(false))
          .member("ConsistentRead", bare("Boolean"))
          .member("ScanIndexForward", bare("Boolean"))
          .member("KeyConditionExpression", string())
          .member("FilterExpression", string())
          .member("ProjectionExpression", string())
          .member("ExpressionAttributeValues", attributeMap(false))
          .member("ExpressionAttributeNames", expressionAttributeNames());

  static final RequestShape SCAN =
      of("Request")
          .member(
              "Select",
              of("String")
                  .enumOf(
                      "SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"))
          .member("IndexName", indexName())
          .member("TotalSegments", of("Integer").min(1))
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("TableName", tableName())
          .member("ConditionalOperator", conditionalOperator())
          .member("ScanFilter", conditions(true))
          .member("Segment", of("Integer").min(0))
          .member("Limit", of("Integer").min(1))
          .member("AttributesToGet", attributesToGet())
          .member("ExclusiveStartKey", attributeMap(false))
          .member("FilterExpression", string())
          .member("ProjectionExpression", string())
          .member("ExpressionAttributeValues", attributeMap(false))
          .member("ExpressionAttributeNames", expressionAttributeNames());

  private static RequestShape returnValuesOnConditionCheckFailure() {
    return of("String").enumOf("ALL_OLD", "NONE");
  }

  /** One of ConditionCheck, Put, Delete, Update inside a TransactWriteItem (API reference order). */
  private static RequestShape transactWriteMember(String name) {
    RequestShape shape = of("FieldStruct<" + name + ">");
    if (name.equals("Put")) {
      shape.member("Item", attributeMap(true));
    } else {
      shape.member("Key", attributeMap(true));
    }
    if (name.equals("Update")) {
      shape.member("UpdateExpression", of("String").notNull());
    }
    shape.member("TableName", tableName());
    shape.member(
        "ConditionExpression", name.equals("ConditionCheck") ? of("String").notNull() : string());
    shape.member("ExpressionAttributeNames", expressionAttributeNames());
    shape.member("ExpressionAttributeValues", attributeMap(false));
    shape.member("ReturnValuesOnConditionCheckFailure", returnValuesOnConditionCheckFailure());
    return shape;
  }

  static final RequestShape TRANSACT_WRITE_ITEMS =
      of("Request")
          .member(
              "TransactItems",
              of("List")
                  .notNull()
                  .minLength(1)
                  .maxLength(100)
                  .children(
                      of("ValueStruct<TransactWriteItem>")
                          .member("ConditionCheck", transactWriteMember("ConditionCheck"))
                          .member("Put", transactWriteMember("Put"))
                          .member("Delete", transactWriteMember("Delete"))
                          .member("Update", transactWriteMember("Update"))))
          .member("ReturnConsumedCapacity", returnConsumedCapacity())
          .member("ReturnItemCollectionMetrics", returnItemCollectionMetrics())
          .member("ClientRequestToken", of("String").minLength(1).maxLength(36));

  static final RequestShape TRANSACT_GET_ITEMS =
      of("Request")
          .member(
              "TransactItems",
              of("List")
                  .notNull()
                  .minLength(1)
                  .maxLength(100)
                  .children(
                      of("ValueStruct<TransactGetItem>")
                          .member(
                              "Get",
                              of("FieldStruct<Get>")
                                  .notNull()
                                  .member("Key", attributeMap(true))
                                  .member("TableName", tableName())
                                  .member("ProjectionExpression", string())
                                  .member("ExpressionAttributeNames", expressionAttributeNames()))))
          .member("ReturnConsumedCapacity", returnConsumedCapacity());

  static final Map<String, RequestShape> BY_OPERATION =
      Map.of(
          "GetItem", GET_ITEM,
          "BatchGetItem", BATCH_GET_ITEM,
          "PutItem", PUT_ITEM,
          "UpdateItem", UPDATE_ITEM,
          "DeleteItem", DELETE_ITEM,
          "BatchWriteItem", BATCH_WRITE_ITEM,
          "Query", QUERY,
          "Scan", SCAN,
          "TransactWriteItems", TRANSACT_WRITE_ITEMS,
          "TransactGetItems", TRANSACT_GET_ITEMS);
}
