package io.dynaccel.server.expression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.table.KeySchema;

/** Builds request and item JSON for the engine's unit tests (single quotes stand for double). */
final class Requests {

  static final ObjectMapper JSON = new ObjectMapper();
  static final KeySchema KEYS = new KeySchema("pk", "S", null, null);
  static final LocalWrites ENGINE = new LocalWrites(new ParsedExpressions(1000));

  private Requests() {}

  static ObjectNode json(String singleQuoted) {
    try {
      return (ObjectNode) JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  /** An UpdateItem of key {@code k} with the given extra members. */
  static WriteOutcome update(String members, String current) {
    return ENGINE.updateItem(json("{'TableName':'t','Key':{'pk':{'S':'k'}}," + members + "}"), KEYS, current == null ? null : json(current));
  }

  static WriteOutcome put(String members, String current) {
    return ENGINE.putItem(json("{'TableName':'t'," + members + "}"), KEYS, current == null ? null : json(current));
  }

  static WriteOutcome delete(String members, String current) {
    return ENGINE.deleteItem(json("{'TableName':'t','Key':{'pk':{'S':'k'}}" + (members.isEmpty() ? "" : "," + members) + "}"), KEYS,
        current == null ? null : json(current));
  }

  /** The message of a failed outcome. */
  static String error(WriteOutcome outcome) {
    if (!(outcome instanceof WriteOutcome.Failed f)) {
      throw new AssertionError("expected a failure, got " + outcome);
    }
    return f.error().getMessage();
  }

  /** The item after an applied outcome. */
  static ObjectNode item(WriteOutcome outcome) {
    if (!(outcome instanceof WriteOutcome.Applied a)) {
      throw new AssertionError("expected success, got " + outcome);
    }
    return a.item();
  }

  /** Whether a condition holds on {@code item}: a DeleteItem with it succeeds. */
  static boolean holds(String condition, String values, String item) {
    WriteOutcome outcome = delete("'ConditionExpression':'" + condition + "'" + (values.isEmpty() ? "" : ",'ExpressionAttributeValues':" + values), item);
    if (outcome instanceof WriteOutcome.Failed f && f.error().type().endsWith("ConditionalCheckFailedException")) {
      return false;
    }
    if (outcome instanceof WriteOutcome.Applied) {
      return true;
    }
    throw new AssertionError("condition " + condition + " gave " + outcome);
  }
}
