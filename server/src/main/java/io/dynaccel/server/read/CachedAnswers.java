package io.dynaccel.server.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.item.Projection;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.JsonCodec;

/** Builds read answers from cache entries, applying projections to the cached full item. */
final class CachedAnswers {

  private CachedAnswers() {}

  /** The GetItem answer for an entry: the pre-encoded bytes, or the projected item. */
  static ApiResponse getItem(CachedItem entry, ReadOptions options, CacheOutcome cache) {
    Projection projection = options.projection();
    if (projection == null || !entry.exists()) {
      return ApiResponse.ok(entry.getItemResponse(), entry.getItemResponseCrc32(), cache);
    }
    ObjectNode response = JsonCodec.object();
    response.set("Item", projection.apply(item(entry)));
    return ApiResponse.ok(response, cache);
  }

  /** The cache entry for the {@code Item} member of a GetItem answer, or for its absence. */
  static CachedItem entryOf(JsonNode item) {
    return item == null || item.isNull() ? CachedItem.absent() : CachedItem.present(JsonCodec.write(item));
  }

  /** The cache entry for the bytes of a GetItem answer's {@code Item} member, or for its absence (null). */
  static CachedItem entryOfItem(byte[] itemJson) {
    return itemJson == null ? CachedItem.absent() : CachedItem.present(itemJson);
  }

  /** The whole item of an existing entry. */
  static ObjectNode item(CachedItem entry) {
    return (ObjectNode) JsonCodec.read(entry.getItemResponse(), entry.itemOffset(), entry.itemLength());
  }
}
