package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;

/**
 * One acknowledged write-back change as the log holds it: the item's whole state afterwards (a redo
 * record, so replaying it twice or coalescing it with later ones is harmless), and everything
 * needed to name and flush the item without asking DynamoDB for the table's schema. Or the item's
 * release: a write went to DynamoDB itself after every earlier change of the item was flushed, so
 * replay must forget those changes rather than write them again over that newer state.
 *
 * @param key the item, as the caches name it
 * @param keyAttributes the item's key attributes, as a DeleteRequest names them; null in a release
 * @param item the item afterwards, or null if the change leaves none (or in a release)
 * @param released whether this is the item's release rather than a change
 * @param epoch in a cluster, the lease epoch of the item's partition under which the change was
 *     logged (its version is this and the log's sequence number); 0 alone
 */
public record LogRecord(ItemKey key, ObjectNode keyAttributes, ObjectNode item, boolean released, long epoch) {

  /** A change of the item, of no epoch yet. */
  public LogRecord(ItemKey key, ObjectNode keyAttributes, ObjectNode item) {
    this(key, keyAttributes, item, false, 0);
  }

  /** The release of the item from write-back: its earlier records are flushed and must not replay. */
  public static LogRecord release(ItemKey key) {
    return new LogRecord(key, null, null, true, 0);
  }

  /** This change, logged under {@code epoch}. */
  public LogRecord at(long epoch) {
    return new LogRecord(key, keyAttributes, item, released, epoch);
  }

  /** The record's payload in the log. */
  public byte[] encode() {
    ObjectNode json = JsonCodec.object();
    json.put("t", key.table());
    json.put("p", key.partition());
    json.put("s", key.sort());
    if (released) {
      json.put("r", true);
      return JsonCodec.write(json);
    }
    json.set("k", keyAttributes);
    json.set("i", item);
    if (epoch != 0) {
      json.put("e", epoch);
    }
    return JsonCodec.write(json);
  }

  /** A payload written by {@link #encode()}. */
  public static LogRecord decode(byte[] payload) {
    JsonNode json = JsonCodec.read(payload);
    ItemKey key = new ItemKey(json.get("t").textValue(), json.get("p").textValue(), json.get("s").textValue());
    if (json.path("r").asBoolean(false)) {
      return release(key);
    }
    JsonNode item = json.get("i");
    return new LogRecord(key, (ObjectNode) json.get("k"), item == null || item.isNull() ? null : (ObjectNode) item, false, json.path("e").asLong(0));
  }
}
