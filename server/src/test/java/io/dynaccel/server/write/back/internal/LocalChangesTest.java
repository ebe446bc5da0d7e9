package io.dynaccel.server.write.back.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableMetadata;
import io.dynaccel.server.write.BatchWrite;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalChangesTest {

  private static final KeySchema KEY = new KeySchema("pk", "S", null, null);
  /** A table with a global secondary index keyed by the string attribute {@code gk}. */
  private static final TableMetadata INDEXED = new TableMetadata(KEY, Map.of("pk", "S", "gk", "S"), null, null, null);
  private static final TableMetadata PLAIN = new TableMetadata(KEY, Map.of("pk", "S"), null, null, null);

  private final LocalChanges changes = new LocalChanges(table -> !table.equals("Through"));

  @Test
  void evaluate_whenAnIndexKeyHasAnotherType_leavesTheWriteToDynamoDb() {
    WriteOutcome outcome = changes.evaluate(request("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"gk\":{\"N\":\"1\"}}}"), INDEXED, null);

    assertThat(outcome).isInstanceOf(WriteOutcome.Unsupported.class);
  }

  @Test
  void evaluate_whenAnIndexKeyIsAnEmptyString_leavesTheWriteToDynamoDb() {
    WriteOutcome outcome = changes.evaluate(request("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"gk\":{\"S\":\"\"}}}"), INDEXED, null);

    assertThat(outcome).isInstanceOf(WriteOutcome.Unsupported.class);
  }

  @Test
  void evaluate_whenAnIndexKeyHasItsType_appliesTheWrite() {
    WriteOutcome outcome = changes.evaluate(request("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"gk\":{\"S\":\"g\"}}}"), INDEXED, null);

    assertThat(outcome).isInstanceOf(WriteOutcome.Applied.class);
  }

  @Test
  void evaluate_whenAnUpdatePathLooksInsideAnIndexKey_leavesTheWriteToDynamoDb() {
    WriteOutcome outcome = changes.evaluate(request("UpdateItem", "{\"TableName\":\"T\",\"Key\":{\"pk\":{\"S\":\"a\"}},"
        + "\"UpdateExpression\":\"SET #g.x = :v\",\"ExpressionAttributeNames\":{\"#g\":\"gk\"},\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}"),
        INDEXED, null);

    assertThat(outcome).isInstanceOf(WriteOutcome.Unsupported.class);
  }

  @Test
  void evaluate_whenANumberIsOutsideOurGrammar_leavesTheWriteToDynamoDb() {
    WriteOutcome outcome = changes.evaluate(request("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"+5\"}}}"), PLAIN, null);

    assertThat(outcome).isInstanceOf(WriteOutcome.Unsupported.class);
  }

  @Test
  void evaluate_whenTheConditionFails_answersDynamoDbsError() {
    ObjectNode current = (ObjectNode) JsonCodec.read("{\"pk\":{\"S\":\"a\"}}".getBytes());
    WriteOutcome outcome = changes.evaluate(request("PutItem", "{\"TableName\":\"T\",\"Item\":{\"pk\":{\"S\":\"a\"}},"
        + "\"ConditionExpression\":\"attribute_not_exists(pk)\",\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"}"), PLAIN, current);

    assertThat(outcome).isInstanceOf(WriteOutcome.Failed.class);
    String body = LocalChanges.answer((WriteOutcome.Failed) outcome).body().toString();
    assertThat(body).contains("ConditionalCheckFailedException").contains("\"Item\":{\"pk\":{\"S\":\"a\"}}");
  }

  @Test
  void batch_whenPutsAndDeletesOfDistinctItems_givesARecordEach() {
    List<LogRecord> records = changes.batch(batchRequest("{}"), List.of(put("T", "a"), delete("T", "b")));

    assertThat(records).extracting(record -> record.key().partition()).containsExactly(KEY.partitionOf(string("a")), KEY.partitionOf(string("b")));
    assertThat(records.get(1).item()).isNull();
  }

  @Test
  void batch_whenAnItemIsWrittenTwice_isDynamoDbs() {
    assertThat(changes.batch(batchRequest("{}"), List.of(put("T", "a"), delete("T", "a")))).isNull();
  }

  @Test
  void batch_whenCapacityIsAskedFor_isDynamoDbs() {
    assertThat(changes.batch(batchRequest("{\"ReturnConsumedCapacity\":\"TOTAL\"}"), List.of(put("T", "a")))).isNull();
  }

  @Test
  void batch_whenATableIsNotWrittenBack_isDynamoDbs() {
    assertThat(changes.batch(batchRequest("{}"), List.of(put("T", "a"), put("Through", "b")))).isNull();
  }

  private static ApiRequest request(String operation, String json) {
    return new ApiRequest(operation, Buffer.buffer(json), (ObjectNode) JsonCodec.read(json.getBytes()));
  }

  /** A BatchWriteItem request; the writes themselves are passed to the call beside it. */
  private static ApiRequest batchRequest(String extraMembers) {
    ObjectNode json = (ObjectNode) JsonCodec.read(extraMembers.getBytes());
    json.putObject("RequestItems");
    return new ApiRequest("BatchWriteItem", Buffer.buffer(JsonCodec.write(json)), json);
  }

  private static BatchWrite put(String table, String pk) {
    ObjectNode write = (ObjectNode) JsonCodec.read(("{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"" + pk + "\"},\"v\":{\"N\":\"1\"}}}}").getBytes());
    return new BatchWrite(table, write, KEY.keyOfItem(table, write.path("PutRequest").get("Item")), PLAIN,
        CachedItem.present(JsonCodec.write(write.path("PutRequest").get("Item"))));
  }

  private static BatchWrite delete(String table, String pk) {
    ObjectNode write = (ObjectNode) JsonCodec.read(("{\"DeleteRequest\":{\"Key\":{\"pk\":{\"S\":\"" + pk + "\"}}}}").getBytes());
    return new BatchWrite(table, write, KEY.keyOf(table, write.path("DeleteRequest").get("Key")), PLAIN, CachedItem.absent());
  }

  private static ObjectNode string(String value) {
    return (ObjectNode) JsonCodec.read(("{\"S\":\"" + value + "\"}").getBytes());
  }
}
