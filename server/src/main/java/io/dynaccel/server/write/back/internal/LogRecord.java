package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;

/**
 * One acknowledged write-back change as the log holds it: the item's whole state afterwards (a redo
 * record, so replaying it twice or coalescing it with later ones is harmless), and everything
 * needed to name and flush the item without asking DynamoDB for the table's schema.
 *
 * @param key the item, as the caches name it
 * @param keyAttributes the item's key attributes, as a DeleteRequest names them
 * @param item the item afterwards, or null if the change leaves none
 */
public record LogRecord(ItemKey key, ObjectNode keyAttributes, ObjectNode item) {

  /** The record's payload in the log. */
  public byte[] encode() {
    ObjectNode json = JsonCodec.object();
    json.put("t", key.table());
    json.put("p", key.partition());
    json.put("s", key.sort());
    json.set("k", keyAttributes);
    json.set("i", item);
    return JsonCodec.write(json);
  }

  /** A payload written by {@link #encode()}. */
  public static LogRecord decode(byte[] payload) {
    JsonNode json = JsonCodec.read(payload);
    ItemKey key = new ItemKey(json.get("t").textValue(), json.get("p").textValue(), json.get("s").textValue());
    JsonNode item = json.get("i");
    return new LogRecord(key, (ObjectNode) json.get("k"), item == null || item.isNull() ? null : (ObjectNode) item);
  }
}
