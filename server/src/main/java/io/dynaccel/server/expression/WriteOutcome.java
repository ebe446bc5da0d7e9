package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.DynamoDbException;

/** What DynamoDB would make of one PutItem, UpdateItem or DeleteItem, computed locally. */
public sealed interface WriteOutcome {

  /**
   * The write succeeds.
   *
   * @param item the item stored afterwards, or null when there is none (DeleteItem, or an
   *     UpdateItem of an absent item that only removes attributes, which creates nothing)
   * @param response the response body DynamoDB sends: {@code {}} or {@code {"Attributes": ...}}
   */
  record Applied(ObjectNode item, ObjectNode response) implements WriteOutcome {}

  /**
   * The write fails and changes nothing.
   *
   * @param error DynamoDB's error: a ValidationException or a ConditionalCheckFailedException
   * @param item for a failed condition with ReturnValuesOnConditionCheckFailure ALL_OLD, the
   *     current item, which DynamoDB returns as {@code Item} beside the error; otherwise null
   */
  record Failed(DynamoDbException error, ObjectNode item) implements WriteOutcome {}

  /**
   * The request uses something the engine does not evaluate (legacy parameters such as Expected,
   * AttributeUpdates and ConditionalOperator, consumed-capacity reports, request shapes outside its
   * checks): the caller must send it to DynamoDB and use DynamoDB's answer.
   *
   * @param reason what the engine does not evaluate, for logs
   */
  record Unsupported(String reason) implements WriteOutcome {}
}
