package io.dynaccel.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.JsonCodec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the answers of the parts of a batch split by owner into the one answer DynamoDB gives for
 * the whole batch. Each part's answer is DynamoDB's own (from the owner, or from this node's handler),
 * so each holds the members the whole answer would hold for its tables; merging is per table:
 *
 * <ul>
 *   <li>BatchGetItem: {@code Responses} (the items of each table, concatenated) and
 *       {@code UnprocessedKeys} (each table's keys concatenated, under the table's own read options,
 *       which every part copied from the request);
 *   <li>BatchWriteItem: {@code UnprocessedItems} and {@code ItemCollectionMetrics}, concatenated per table;
 *   <li>both: {@code ConsumedCapacity}, one entry per table with every unit summed, the table's and
 *       each index's alike.
 * </ul>
 */
final class BatchAnswers {

  private BatchAnswers() {
  }

  /** BatchGetItem's answer from the answers of its parts. */
  static ObjectNode batchGet(List<JsonNode> parts) {
    ObjectNode merged = JsonCodec.object();
    for (JsonNode part : parts) {
      concatenate(merged, part, "Responses");
      unprocessedKeys(merged, part);
      capacity(merged, part);
    }
    return merged;
  }

  /** BatchWriteItem's answer from the answers of its parts. */
  static ObjectNode batchWrite(List<JsonNode> parts) {
    ObjectNode merged = JsonCodec.object();
    for (JsonNode part : parts) {
      concatenate(merged, part, "UnprocessedItems");
      concatenate(merged, part, "ItemCollectionMetrics");
      capacity(merged, part);
    }
    return merged;
  }

  /** Adds a part's per-table lists under {@code member} to the merged answer's. */
  private static void concatenate(ObjectNode merged, JsonNode part, String member) {
    JsonNode tables = part.get(member);
    if (!(tables instanceof ObjectNode)) {
      return;
    }
    ObjectNode into = merged.has(member) ? (ObjectNode) merged.get(member) : merged.putObject(member);
    for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> table = it.next();
      JsonNode existing = into.get(table.getKey());
      if (existing instanceof ArrayNode list) {
        list.addAll((ArrayNode) table.getValue());
      } else {
        into.set(table.getKey(), table.getValue().deepCopy());
      }
    }
  }

  private static void unprocessedKeys(ObjectNode merged, JsonNode part) {
    JsonNode tables = part.get("UnprocessedKeys");
    if (!(tables instanceof ObjectNode)) {
      return;
    }
    ObjectNode into = merged.has("UnprocessedKeys") ? (ObjectNode) merged.get("UnprocessedKeys") : merged.putObject("UnprocessedKeys");
    for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> table = it.next();
      JsonNode existing = into.get(table.getKey());
      if (existing instanceof ObjectNode entry && entry.get("Keys") instanceof ArrayNode keys) {
        keys.addAll((ArrayNode) table.getValue().path("Keys"));
      } else {
        into.set(table.getKey(), table.getValue().deepCopy());
      }
    }
  }

  /** Adds a part's {@code ConsumedCapacity} entries to the merged answer's, one entry per table. */
  private static void capacity(ObjectNode merged, JsonNode part) {
    JsonNode entries = part.get("ConsumedCapacity");
    if (!(entries instanceof ArrayNode list)) {
      return;
    }
    ArrayNode into = merged.has("ConsumedCapacity") ? (ArrayNode) merged.get("ConsumedCapacity") : merged.putArray("ConsumedCapacity");
    Map<String, ObjectNode> byTable = new LinkedHashMap<>();
    for (JsonNode entry : into) {
      byTable.put(entry.path("TableName").asText(), (ObjectNode) entry);
    }
    for (JsonNode entry : list) {
      ObjectNode existing = byTable.get(entry.path("TableName").asText());
      if (existing == null) {
        ObjectNode copy = entry.deepCopy();
        into.add(copy);
        byTable.put(entry.path("TableName").asText(), copy);
      } else {
        sum(existing, entry);
      }
    }
  }

  /** Adds every number of {@code more} to the same member of {@code into}, nested objects (the table's, each index's) alike. */
  private static void sum(ObjectNode into, JsonNode more) {
    for (Iterator<Map.Entry<String, JsonNode>> it = more.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode existing = into.get(field.getKey());
      JsonNode value = field.getValue();
      if (existing == null) {
        into.set(field.getKey(), value.deepCopy());
      } else if (existing.isNumber() && value.isNumber()) {
        // Whole units stay whole (as the parts wrote them); fractional ones add up exactly, in decimal.
        into.set(field.getKey(), existing.isIntegralNumber() && value.isIntegralNumber()
            ? LongNode.valueOf(existing.longValue() + value.longValue())
            : DecimalNode.valueOf(existing.decimalValue().add(value.decimalValue())));
      } else if (existing instanceof ObjectNode nested && value.isObject()) {
        sum(nested, value);
      }
    }
  }
}
