package io.dynaccel.server.protocol;

import static io.dynaccel.server.protocol.ModelType.Scalar.BLOB;
import static io.dynaccel.server.protocol.ModelType.Scalar.BOOLEAN;
import static io.dynaccel.server.protocol.ModelType.Scalar.INTEGER;
import static io.dynaccel.server.protocol.ModelType.Scalar.STRING;

import io.dynaccel.server.protocol.ModelType.ListOf;
import io.dynaccel.server.protocol.ModelType.MapOf;
import io.dynaccel.server.protocol.ModelType.Structure;
import java.util.Map;

/**
 * The request structures of the item operations, member by member, with the types the DynamoDB API
 * reference gives them (API version 2012-08-10; each structure is named after its page, e.g.
 * {@code API_KeysAndAttributes}). Only types are recorded: the length, pattern, range and enum
 * constraints are DynamoDB's to check, on the request that is forwarded to it.
 */
final class RequestModel {

  private RequestModel() {}

  /** {@code AttributeValue}: exactly one member is meant to be set; DynamoDB checks that later. */
  static final Structure ATTRIBUTE_VALUE = new Structure("AttributeValue");

  static {
    ATTRIBUTE_VALUE
        .member("B", BLOB)
        .member("BOOL", BOOLEAN)
        .member("BS", new ListOf(BLOB))
        .member("L", new ListOf(ATTRIBUTE_VALUE))
        .member("M", new MapOf(ATTRIBUTE_VALUE))
        .member("N", STRING)
        .member("NS", new ListOf(STRING))
        .member("NULL", BOOLEAN)
        .member("S", STRING)
        .member("SS", new ListOf(STRING));
  }

  /** An item, a key or a set of expression values: attribute names to values. */
  private static final MapOf ATTRIBUTE_MAP = new MapOf(ATTRIBUTE_VALUE);
  private static final MapOf EXPRESSION_ATTRIBUTE_NAMES = new MapOf(STRING);
  private static final ListOf ATTRIBUTES_TO_GET = new ListOf(STRING);

  private static final Structure EXPECTED_ATTRIBUTE_VALUE =
      new Structure("ExpectedAttributeValue")
          .member("AttributeValueList", new ListOf(ATTRIBUTE_VALUE))
          .member("ComparisonOperator", STRING)
          .member("Exists", BOOLEAN)
          .member("Value", ATTRIBUTE_VALUE);

  private static final MapOf CONDITIONS =
      new MapOf(
          new Structure("Condition")
              .member("AttributeValueList", new ListOf(ATTRIBUTE_VALUE))
              .member("ComparisonOperator", STRING));

  private static final Structure GET_ITEM =
      new Structure("GetItemInput")
          .member("AttributesToGet", ATTRIBUTES_TO_GET)
          .member("ConsistentRead", BOOLEAN)
          .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
          .member("Key", ATTRIBUTE_MAP)
          .member("ProjectionExpression", STRING)
          .member("ReturnConsumedCapacity", STRING)
          .member("TableName", STRING);

  private static final Structure BATCH_GET_ITEM =
      new Structure("BatchGetItemInput")
          .member(
              "RequestItems",
              new MapOf(
                  new Structure("KeysAndAttributes")
                      .member("AttributesToGet", ATTRIBUTES_TO_GET)
                      .member("ConsistentRead", BOOLEAN)
                      .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
                      .member("Keys", new ListOf(ATTRIBUTE_MAP))
                      .member("ProjectionExpression", STRING)))
          .member("ReturnConsumedCapacity", STRING);

  private static final Structure PUT_ITEM =
      new Structure("PutItemInput")
          .member("ConditionalOperator", STRING)
          .member("ConditionExpression", STRING)
          .member("Expected", new MapOf(EXPECTED_ATTRIBUTE_VALUE))
          .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
          .member("ExpressionAttributeValues", ATTRIBUTE_MAP)
          .member("Item", ATTRIBUTE_MAP)
          .member("ReturnConsumedCapacity", STRING)
          .member("ReturnItemCollectionMetrics", STRING)
          .member("ReturnValues", STRING)
          .member("ReturnValuesOnConditionCheckFailure", STRING)
          .member("TableName", STRING);

  private static final Structure UPDATE_ITEM =
      new Structure("UpdateItemInput")
          .member(
              "AttributeUpdates",
              new MapOf(
                  new Structure("AttributeValueUpdate")
                      .member("Action", STRING)
                      .member("Value", ATTRIBUTE_VALUE)))
          .member("ConditionalOperator", STRING)
          .member("ConditionExpression", STRING)
          .member("Expected", new MapOf(EXPECTED_ATTRIBUTE_VALUE))
          .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
          .member("ExpressionAttributeValues", ATTRIBUTE_MAP)
          .member("Key", ATTRIBUTE_MAP)
          .member("ReturnConsumedCapacity", STRING)
          .member("ReturnItemCollectionMetrics", STRING)
          .member("ReturnValues", STRING)
          .member("ReturnValuesOnConditionCheckFailure", STRING)
          .member("TableName", STRING)
          .member("UpdateExpression", STRING);

  private static final Structure DELETE_ITEM =
      new Structure("DeleteItemInput")
          .member("ConditionalOperator", STRING)
          .member("ConditionExpression", STRING)
          .member("Expected", new MapOf(EXPECTED_ATTRIBUTE_VALUE))
          .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
          .member("ExpressionAttributeValues", ATTRIBUTE_MAP)
          .member("Key", ATTRIBUTE_MAP)
          .member("ReturnConsumedCapacity", STRING)
          .member("ReturnItemCollectionMetrics", STRING)
          .member("ReturnValues", STRING)
          .member("ReturnValuesOnConditionCheckFailure", STRING)
          .member("TableName", STRING);

  private static final Structure BATCH_WRITE_ITEM =
      new Structure("BatchWriteItemInput")
          .member(
              "RequestItems",
              new MapOf(
                  new ListOf(
                      new Structure("WriteRequest")
                          .member(
                              "DeleteRequest",
                              new Structure("DeleteRequest").member("Key", ATTRIBUTE_MAP))
                          .member(
                              "PutRequest",
                              new Structure("PutRequest").member("Item", ATTRIBUTE_MAP)))))
          .member("ReturnConsumedCapacity", STRING)
          .member("ReturnItemCollectionMetrics", STRING);

  private static final Structure QUERY =
      new Structure("QueryInput")
          .member("AttributesToGet", ATTRIBUTES_TO_GET)
          .member("ConditionalOperator", STRING)
          .member("ConsistentRead", BOOLEAN)
          .member("ExclusiveStartKey", ATTRIBUTE_MAP)
          .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
          .member("ExpressionAttributeValues", ATTRIBUTE_MAP)
          .member("FilterExpression", STRING)
          .member("IndexName", STRING)
          .member("KeyConditionExpression", STRING)
          .member("KeyConditions", CONDITIONS)
          .member("Limit", INTEGER)
          .member("ProjectionExpression", STRING)
          .member("QueryFilter", CONDITIONS)
          .member("ReturnConsumedCapacity", STRING)
          .member("ScanIndexForward", BOOLEAN)
          .member("Select", STRING)
          .member("TableName", STRING);

  private static final Structure SCAN =
      new Structure("ScanInput")
          .member("AttributesToGet", ATTRIBUTES_TO_GET)
          .member("ConditionalOperator", STRING)
          .member("ConsistentRead", BOOLEAN)
          .member("ExclusiveStartKey", ATTRIBUTE_MAP)
          .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
          .member("ExpressionAttributeValues", ATTRIBUTE_MAP)
          .member("FilterExpression", STRING)
          .member("IndexName", STRING)
          .member("Limit", INTEGER)
          .member("ProjectionExpression", STRING)
          .member("ReturnConsumedCapacity", STRING)
          .member("ScanFilter", CONDITIONS)
          .member("Segment", INTEGER)
          .member("Select", STRING)
          .member("TableName", STRING)
          .member("TotalSegments", INTEGER);

  /** The members ConditionCheck, Delete, Put and Update of a TransactWriteItem share. */
  private static Structure transactWrite(String name, String itemOrKey) {
    return new Structure(name)
        .member("ConditionExpression", STRING)
        .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
        .member("ExpressionAttributeValues", ATTRIBUTE_MAP)
        .member(itemOrKey, ATTRIBUTE_MAP)
        .member("ReturnValuesOnConditionCheckFailure", STRING)
        .member("TableName", STRING);
  }

  private static final Structure TRANSACT_WRITE_ITEMS =
      new Structure("TransactWriteItemsInput")
          .member("ClientRequestToken", STRING)
          .member("ReturnConsumedCapacity", STRING)
          .member("ReturnItemCollectionMetrics", STRING)
          .member(
              "TransactItems",
              new ListOf(
                  new Structure("TransactWriteItem")
                      .member("ConditionCheck", transactWrite("ConditionCheck", "Key"))
                      .member("Delete", transactWrite("Delete", "Key"))
                      .member("Put", transactWrite("Put", "Item"))
                      .member("Update", transactWrite("Update", "Key").member("UpdateExpression", STRING))));

  private static final Structure TRANSACT_GET_ITEMS =
      new Structure("TransactGetItemsInput")
          .member("ReturnConsumedCapacity", STRING)
          .member(
              "TransactItems",
              new ListOf(
                  new Structure("TransactGetItem")
                      .member(
                          "Get",
                          new Structure("Get")
                              .member("ExpressionAttributeNames", EXPRESSION_ATTRIBUTE_NAMES)
                              .member("Key", ATTRIBUTE_MAP)
                              .member("ProjectionExpression", STRING)
                              .member("TableName", STRING))));

  private static final Map<String, Structure> BY_OPERATION =
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

  /** The request structure of an operation, or null if this model does not describe it. */
  static Structure request(String operation) {
    return BY_OPERATION.get(operation);
  }
}
