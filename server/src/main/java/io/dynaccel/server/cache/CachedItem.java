package io.dynaccel.server.cache;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * What the cache holds for one key: the item exactly as DynamoDB returned it, or the knowledge that
 * there is no such item (a negative entry).
 *
 * <p>The GetItem response body is encoded once, when the entry is created, so that a hit without a
 * projection is answered by writing these bytes as they are. The item's own JSON is a slice of
 * that body rather than a second copy, which keeps the per-item overhead low.
 */
public final class CachedItem {

  private static final byte[] EMPTY_RESPONSE = "{}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ITEM_PREFIX = "{\"Item\":".getBytes(StandardCharsets.UTF_8);

  private final byte[] getItemResponse;
  private final boolean exists;
  private final long responseCrc32;
  /**
   * Ticker time at which the entry's TTL ran out; set by the item cache when it installs the entry,
   * and only while stale serving is on, as the cache then keeps entries past their TTL.
   */
  private volatile long staleFromNanos;
  /** The ownership epoch the entry was filled or written under ({@link Fence}); set when it is installed. */
  private volatile long epoch;

  private CachedItem(byte[] getItemResponse, boolean exists) {
    this.getItemResponse = getItemResponse;
    this.exists = exists;
    CRC32 crc = new CRC32();
    crc.update(getItemResponse);
    this.responseCrc32 = crc.getValue();
  }

  /** An entry for an existing item, given the JSON of its attribute map as DynamoDB encodes it. */
  public static CachedItem present(byte[] itemJson) {
    byte[] response = new byte[ITEM_PREFIX.length + itemJson.length + 1];
    System.arraycopy(ITEM_PREFIX, 0, response, 0, ITEM_PREFIX.length);
    System.arraycopy(itemJson, 0, response, ITEM_PREFIX.length, itemJson.length);
    response[response.length - 1] = '}';
    return new CachedItem(response, true);
  }

  /** A negative entry: DynamoDB holds no item under this key. */
  public static CachedItem absent() {
    return new CachedItem(EMPTY_RESPONSE, false);
  }

  /** Whether DynamoDB holds an item under this key. */
  public boolean exists() {
    return exists;
  }

  /** The complete GetItem response body for this entry, without projection. Do not modify. */
  public byte[] getItemResponse() {
    return getItemResponse;
  }

  /** Offset of the item's attribute-map JSON inside {@link #getItemResponse()}. */
  public int itemOffset() {
    return ITEM_PREFIX.length;
  }

  /** Length of the item's attribute-map JSON inside {@link #getItemResponse()}; 0 when absent. */
  public int itemLength() {
    return exists ? getItemResponse.length - ITEM_PREFIX.length - 1 : 0;
  }

  /** CRC32 of {@link #getItemResponse()}, sent as {@code x-amz-crc32} as DynamoDB does. */
  public long getItemResponseCrc32() {
    return responseCrc32;
  }

  void stamp(long fillEpoch) {
    epoch = fillEpoch;
  }

  long epoch() {
    return epoch;
  }

  void staleFrom(long nanos) {
    staleFromNanos = nanos;
  }

  long staleFromNanos() {
    return staleFromNanos;
  }

  /** Approximate heap bytes of this entry, for the cache weigher. */
  int weight() {
    return 32 + 16 + getItemResponse.length;
  }
}
