package io.dynaccel.server.query;

import java.util.zip.CRC32;

/** A Query or Scan answer exactly as DynamoDB sent it, with its CRC32 for {@code x-amz-crc32}. */
public final class CachedResult {

  private final byte[] body;
  private final long crc32;

  /** Wraps an answer body; the array must not be modified afterwards. */
  public CachedResult(byte[] body) {
    this.body = body;
    CRC32 crc = new CRC32();
    crc.update(body);
    this.crc32 = crc.getValue();
  }

  /** The answer body. Do not modify. */
  public byte[] body() {
    return body;
  }

  /** CRC32 of the body. */
  public long crc32() {
    return crc32;
  }

  int weight() {
    return 32 + 16 + body.length;
  }
}
