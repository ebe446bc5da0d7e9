package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.api.ErrorResponses;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.expression.LocalWrites;
import io.dynaccel.server.expression.ParsedExpressions;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.item.AttributeValues;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.KeySchema;
import io.dynaccel.server.table.TableMetadata;
import io.dynaccel.server.write.BatchWrite;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What write-back works out itself: a write's outcome against the item's current state, in
 * DynamoDB's words, through the expression engine, or {@link WriteOutcome.Unsupported} where only
 * DynamoDB's own answer is exact (what the engine does not evaluate, secondary index keys, numbers
 * outside our grammar). Pure and thread-safe.
 */
public final class LocalChanges {

  /** Members of a BatchWriteItem that write-back answers itself; anything else goes to DynamoDB. */
  private static final Set<String> LOCAL_BATCH_MEMBERS = Set.of("RequestItems", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics");
  private static final int MAX_BATCH_WRITES = 25;
  /** A name in an update expression's path followed by a dereference: {@code a.}, {@code #n[}. */
  private static final Pattern NESTED_PATH_ELEMENT = Pattern.compile("(#?[A-Za-z0-9_]+)\\s*[.\\[]");
  private static final WriteOutcome.Unsupported INDEX_KEYS = new WriteOutcome.Unsupported("secondary index keys");
  private static final WriteOutcome.Unsupported NUMBERS = new WriteOutcome.Unsupported("a number outside our grammar");

  private final LocalWrites engine = new LocalWrites(new ParsedExpressions(10_000));
  private final Predicate<String> writesBack;

  /** Changes of the tables {@code writesBack} accepts; a batch naming any other is DynamoDB's. */
  public LocalChanges(Predicate<String> writesBack) {
    this.writesBack = writesBack;
  }

  /** A PutItem, UpdateItem or DeleteItem applied where the item is {@code current} (null: none). */
  public WriteOutcome evaluate(ApiRequest request, TableMetadata table, ObjectNode current) {
    if (request.operation().equals("UpdateItem") && table.hasIndexKeys() && pathsInsideIndexKey(request.json(), table)) {
      return INDEX_KEYS;
    }
    WriteOutcome outcome = switch (request.operation()) {
      case "PutItem" -> engine.putItem(request.json(), table.key(), current);
      case "UpdateItem" -> engine.updateItem(request.json(), table.key(), current);
      default -> engine.deleteItem(request.json(), table.key(), current);
    };
    if (outcome instanceof WriteOutcome.Applied applied) {
      if (!indexKeysValid(table, applied.item())) {
        return INDEX_KEYS;
      }
      if (cachedOf(applied.item()) == null) {
        return NUMBERS;
      }
    }
    return outcome;
  }

  /** DynamoDB's answer to a write that fails: its error, with the current item if it was asked for. */
  public static ApiResponse answer(WriteOutcome.Failed failed) {
    ApiResponse error = ErrorResponses.of(failed.error());
    if (failed.item() == null) {
      return error;
    }
    ObjectNode body = (ObjectNode) JsonCodec.read(error.body().getBytes());
    body.set("Item", failed.item());
    return new ApiResponse(error.statusCode(), Buffer.buffer(JsonCodec.write(body)), -1, null);
  }

  /**
   * The batch's records when write-back can answer it as DynamoDB would: only write-back tables,
   * no reports asked for, distinct items, and every put one the engine accepts; else null.
   */
  public List<LogRecord> batch(ApiRequest request, List<BatchWrite> writes) {
    ObjectNode json = request.json();
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      if (!LOCAL_BATCH_MEMBERS.contains(it.next())) {
        return null;
      }
    }
    if (!json.path("ReturnConsumedCapacity").asText("NONE").equals("NONE")
        || !json.path("ReturnItemCollectionMetrics").asText("NONE").equals("NONE")
        || writes.isEmpty() || writes.size() > MAX_BATCH_WRITES) {
      return null;
    }
    Set<ItemKey> seen = new HashSet<>();
    List<LogRecord> records = new ArrayList<>();
    for (BatchWrite write : writes) {
      if (!seen.add(write.key()) || !writesBack.test(write.key().table())) {
        return null;
      }
      KeySchema schema = write.table().key();
      if (write.isDelete()) {
        ObjectNode key = (ObjectNode) write.writeRequest().path("DeleteRequest").get("Key");
        ObjectNode delete = JsonCodec.object().put("TableName", write.key().table());
        delete.set("Key", key);
        if (!(engine.deleteItem(delete, schema, null) instanceof WriteOutcome.Applied)) {
          return null;
        }
        records.add(new LogRecord(write.key(), key, null));
      } else {
        ObjectNode item = (ObjectNode) write.writeRequest().path("PutRequest").get("Item");
        ObjectNode put = JsonCodec.object().put("TableName", write.key().table());
        put.set("Item", item);
        if (!(engine.putItem(put, schema, null) instanceof WriteOutcome.Applied applied)
            || !indexKeysValid(write.table(), applied.item()) || cachedOf(applied.item()) == null) {
          return null;
        }
        records.add(new LogRecord(write.key(), keyAttributes(schema, item), applied.item()));
      }
    }
    return records;
  }

  /**
   * Whether an UpdateItem may name a path inside an index key attribute ({@code SET gk.x = :v},
   * {@code REMOVE gk[0]}): DynamoDB refuses that before it looks at the item ("Key attributes must
   * be scalars; ... IndexKey: gk"), which the engine, knowing no indexes, cannot tell. Every name
   * followed by {@code .} or {@code [} counts, wherever it stands in a path, so this errs only
   * towards asking DynamoDB.
   */
  private static boolean pathsInsideIndexKey(ObjectNode request, TableMetadata table) {
    Matcher nested = NESTED_PATH_ELEMENT.matcher(request.path("UpdateExpression").asText(""));
    JsonNode names = request.path("ExpressionAttributeNames");
    while (nested.find()) {
      String name = nested.group(1);
      if (table.isAnyKeyAttribute(name.startsWith("#") ? names.path(name).asText(name) : name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the write's outcome and answer are the same whatever the item holds: a PutItem or
   * DeleteItem without a condition whose ReturnValues is NONE (anything the engine does not
   * evaluate, such as legacy parameters, it refuses whatever the item holds).
   */
  public static boolean independentOfCurrent(ApiRequest request) {
    ObjectNode json = request.json();
    JsonNode returnValues = json.get("ReturnValues");
    JsonNode condition = json.get("ConditionExpression");
    return (request.operation().equals("PutItem") || request.operation().equals("DeleteItem"))
        && (condition == null || condition.isNull())
        && (returnValues == null || returnValues.isNull() || "NONE".equals(returnValues.textValue()));
  }

  /** A table's items with index keys of the declared type, which only DynamoDB's own answer can reject otherwise. */
  private static boolean indexKeysValid(TableMetadata table, ObjectNode item) {
    if (item == null || !table.hasIndexKeys()) {
      return true;
    }
    for (Map.Entry<String, String> attribute : table.keyAttributeTypes().entrySet()) {
      JsonNode value = item.get(attribute.getKey());
      if (value == null) {
        continue;
      }
      JsonNode typed = value.get(attribute.getValue());
      if (value.size() != 1 || typed == null || (typed.isTextual() && typed.textValue().isEmpty())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The state of an item as readers get it, or null if it holds a number outside our grammar (such
   * as {@code "+5"}, which DynamoDB accepts but we do not canonicalise): DynamoDB must store that one.
   */
  public static CachedItem cachedOf(ObjectNode item) {
    if (item == null) {
      return CachedItem.absent();
    }
    try {
      return CachedItem.present(JsonCodec.write(AttributeValues.normalizeItem(item)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The key attributes a PutItem's item or an UpdateItem's or DeleteItem's key names. */
  public static ObjectNode keyAttributes(ApiRequest request, KeySchema schema) {
    return keyAttributes(schema, request.json().get(request.operation().equals("PutItem") ? "Item" : "Key"));
  }

  /** The key attributes of an item or a key, as a DeleteRequest or GetItem names them. */
  public static ObjectNode keyAttributes(KeySchema schema, JsonNode source) {
    ObjectNode key = JsonCodec.object();
    key.set(schema.hashName(), source.get(schema.hashName()));
    if (schema.rangeName() != null) {
      key.set(schema.rangeName(), source.get(schema.rangeName()));
    }
    return key;
  }
}
