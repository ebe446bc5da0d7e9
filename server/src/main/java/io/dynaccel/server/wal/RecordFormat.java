package io.dynaccel.server.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk shape of one record: {@code int payloadLength | int crc32c | long seq | payload},
 * big-endian, the CRC32C taken over the eight bytes of seq and the payload. There is no file
 * header: a segment is its records, so any prefix of a segment cut at a record boundary is valid.
 */
final class RecordFormat {

  static final int HEADER_BYTES = 16;
  static final int MAX_PAYLOAD_BYTES = 16 << 20;

  private RecordFormat() {}

  static int recordBytes(int payloadLength) {
    return HEADER_BYTES + payloadLength;
  }

  /**
   * Puts one record at the buffer's position. The CRC is taken from the bytes as copied into the
   * buffer, so a payload array changed by its owner meanwhile still gives a self-consistent record.
   */
  static void encode(ByteBuffer into, long seq, byte[] payload) {
    int start = into.position();
    into.putInt(payload.length).putInt(0).putLong(seq).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(into.duplicate().position(start + 8).limit(into.position()));
    into.putInt(start + 4, (int) crc.getValue());
  }

  /** The CRC a record with this seq and payload must carry. */
  static int crc(long seq, byte[] payload, int length) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, seq));
    crc.update(payload, 0, length);
    return (int) crc.getValue();
  }
}
