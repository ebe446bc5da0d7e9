package io.dynaccel.server.expression;

import static io.dynaccel.server.expression.Requests.delete;
import static io.dynaccel.server.expression.Requests.error;
import static io.dynaccel.server.expression.Requests.item;
import static io.dynaccel.server.expression.Requests.json;
import static io.dynaccel.server.expression.Requests.put;
import static io.dynaccel.server.expression.Requests.update;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Write semantics: conditions first, ReturnValues, key checks, legacy parameters. */
class LocalWritesTest {

  private static final String CURRENT = "{'pk':{'S':'k'},'n':{'N':'1'},'s':{'S':'old'}}";

  @Test
  void putItem_whenConditionHolds_storesTheNormalisedItemAndReturnsOld() {
    WriteOutcome outcome = put("'Item':{'pk':{'S':'k'},'n':{'N':'007.50'}},'ConditionExpression':'attribute_exists(pk)','ReturnValues':'ALL_OLD'", CURRENT);
    assertThat(item(outcome).get("n")).isEqualTo(json("{'N':'7.5'}"));
    assertThat(((WriteOutcome.Applied) outcome).response()).isEqualTo(json("{'Attributes':" + CURRENT + "}"));
  }

  @Test
  void putItem_whenConditionFails_failsWithDynamoDbsMessageAndOptionallyTheItem() {
    WriteOutcome outcome = put("'Item':{'pk':{'S':'k'}},'ConditionExpression':'attribute_not_exists(pk)','ReturnValuesOnConditionCheckFailure':'ALL_OLD'", CURRENT);
    WriteOutcome.Failed failed = (WriteOutcome.Failed) outcome;
    assertThat(failed.error().type()).isEqualTo("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
    assertThat(failed.error().getMessage()).isEqualTo("The conditional request failed");
    assertThat(failed.item()).isEqualTo(json(CURRENT));
    assertThat(((WriteOutcome.Failed) put("'Item':{'pk':{'S':'k'}},'ConditionExpression':'attribute_not_exists(pk)'", CURRENT)).item()).isNull();
  }

  @Test
  void putItem_whenReturnValuesNotAllOldOrNone_isRefused() {
    assertThat(error(put("'Item':{'pk':{'S':'k'}},'ReturnValues':'ALL_NEW'", null))).isEqualTo("ReturnValues can only be ALL_OLD or NONE");
  }

  @Test
  void putItem_whenKeyMissingOrMistyped_isRefused() {
    assertThat(error(put("'Item':{'n':{'N':'1'}}", null))).isEqualTo("One or more parameter values were invalid: Missing the key pk in the item");
    assertThat(error(put("'Item':{'pk':{'N':'1'}}", null))).isEqualTo("One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
    assertThat(error(put("'Item':{'pk':{'S':''}}", null)))
        .isEqualTo("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk");
  }

  @Test
  void putItem_whenItemTooLarge_isRefused() {
    assertThat(error(put("'Item':{'pk':{'S':'k'},'a':{'S':'" + "x".repeat(410 * 1024) + "'}}", null))).isEqualTo("Item size has exceeded the maximum allowed size");
  }

  @Test
  void putItem_whenItemValueInvalid_isRefused() {
    assertThat(error(put("'Item':{'pk':{'S':'k'},'a':{'SS':['x','x']}}", null)))
        .isEqualTo("One or more parameter values were invalid: Input collection [x, x] contains duplicates.");
    assertThat(error(put("'Item':{'pk':{'S':'k'},'a':{'S':'x','N':'1'}}", null)))
        .isEqualTo("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  }

  @Test
  void updateItem_whenNoItem_createsItFromTheKey() {
    WriteOutcome outcome = update("'UpdateExpression':'ADD n :one','ExpressionAttributeValues':{':one':{'N':'1'}},'ReturnValues':'ALL_NEW'", null);
    assertThat(item(outcome)).isEqualTo(json("{'pk':{'S':'k'},'n':{'N':'1'}}"));
    assertThat(((WriteOutcome.Applied) outcome).response().get("Attributes")).isEqualTo(item(outcome));
  }

  @Test
  void updateItem_whenNoItemAndOnlyRemoves_createsNothing() {
    WriteOutcome outcome = update("'UpdateExpression':'REMOVE a DELETE s :s','ExpressionAttributeValues':{':s':{'SS':['x']}},'ReturnValues':'ALL_NEW'", null);
    assertThat(outcome).isInstanceOf(WriteOutcome.Applied.class);
    assertThat(((WriteOutcome.Applied) outcome).item()).isNull();
    assertThat(((WriteOutcome.Applied) outcome).response()).isEqualTo(json("{}"));
    assertThat(item(update("'ReturnValues':'NONE'", null))).isEqualTo(json("{'pk':{'S':'k'}}"));
    assertThat(error(update("'UpdateExpression':'REMOVE a.b'", null))).isEqualTo(UpdateApplier.INVALID_PATH);
  }

  @Test
  void updateItem_whenReturnValuesUpdated_returnsOnlyTheUpdatedPaths() {
    String request = "'UpdateExpression':'SET n = n + :one REMOVE s','ExpressionAttributeValues':{':one':{'N':'1'}}";
    assertThat(((WriteOutcome.Applied) update(request + ",'ReturnValues':'UPDATED_OLD'", CURRENT)).response())
        .isEqualTo(json("{'Attributes':{'n':{'N':'1'},'s':{'S':'old'}}}"));
    assertThat(((WriteOutcome.Applied) update(request + ",'ReturnValues':'UPDATED_NEW'", CURRENT)).response()).isEqualTo(json("{'Attributes':{'n':{'N':'2'}}}"));
    assertThat(((WriteOutcome.Applied) update(request + ",'ReturnValues':'ALL_OLD'", CURRENT)).response()).isEqualTo(json("{'Attributes':" + CURRENT + "}"));
    assertThat(((WriteOutcome.Applied) update(request, CURRENT)).response()).isEqualTo(json("{}"));
    assertThat(((WriteOutcome.Applied) update("'UpdateExpression':'REMOVE s','ReturnValues':'UPDATED_NEW'", CURRENT)).response()).isEqualTo(json("{}"));
    assertThat(((WriteOutcome.Applied) update("'UpdateExpression':'REMOVE absent','ReturnValues':'UPDATED_OLD'", CURRENT)).response()).isEqualTo(json("{}"));
  }

  @Test
  void updateItem_whenConditionFails_checksConditionBeforeApplying() {
    WriteOutcome outcome = update("'UpdateExpression':'SET n = absent','ConditionExpression':'attribute_not_exists(pk)'", CURRENT);
    assertThat(error(outcome)).isEqualTo("The conditional request failed");
  }

  @Test
  void updateItem_whenKeyDoesNotMatchSchema_isRefused() {
    WriteOutcome outcome = Requests.ENGINE.updateItem(json("{'TableName':'t','Key':{'pk':{'N':'1'}},'UpdateExpression':'REMOVE a'}"), Requests.KEYS, null);
    assertThat(error(outcome)).isEqualTo("The provided key element does not match the schema");
  }

  @Test
  void deleteItem_whenReturnValuesAllOld_returnsTheDeletedItem() {
    WriteOutcome outcome = delete("'ReturnValues':'ALL_OLD'", CURRENT);
    assertThat(((WriteOutcome.Applied) outcome).item()).isNull();
    assertThat(((WriteOutcome.Applied) outcome).response()).isEqualTo(json("{'Attributes':" + CURRENT + "}"));
    assertThat(((WriteOutcome.Applied) delete("'ReturnValues':'ALL_OLD'", null)).response()).isEqualTo(json("{}"));
  }

  @Test
  void legacyParameters_whenPresent_areLeftToDynamoDb() {
    assertThat(delete("'Expected':{'n':{'Value':{'N':'1'}}}", CURRENT)).isInstanceOf(WriteOutcome.Unsupported.class);
    assertThat(update("'AttributeUpdates':{'n':{'Action':'PUT','Value':{'N':'2'}}}", CURRENT)).isInstanceOf(WriteOutcome.Unsupported.class);
    assertThat(put("'Item':{'pk':{'S':'k'}},'ConditionalOperator':'AND'", CURRENT)).isInstanceOf(WriteOutcome.Unsupported.class);
    assertThat(put("'Item':{'pk':{'S':'k'}},'ReturnConsumedCapacity':'TOTAL'", CURRENT)).isInstanceOf(WriteOutcome.Unsupported.class);
    assertThat(put("'Item':{'pk':{'S':'k'},'n':{'N':'+5'}}", CURRENT)).isInstanceOf(WriteOutcome.Unsupported.class);
  }

  @Test
  void inputs_whenWriteApplied_areNotModified() {
    var current = json(CURRENT);
    var request = json("{'TableName':'t','Key':{'pk':{'S':'k'}},'UpdateExpression':'SET n = n + :one','ExpressionAttributeValues':{':one':{'N':'1'}}}");
    var requestBefore = request.deepCopy();
    Requests.ENGINE.updateItem(request, Requests.KEYS, current);
    assertThat(current).isEqualTo(json(CURRENT));
    assertThat(request).isEqualTo(requestBefore);
  }
}
