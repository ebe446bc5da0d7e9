package io.dynaccel.server.wal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What reading one segment file from its start found: its valid records end at {@code validEnd};
 * if {@code problem} is not null, the bytes from there on are not a valid record.
 */
record SegmentScan(long validEnd, long fileBytes, long lastSeq, long records, String problem) {

  /**
   * Reads the records of a segment in order, handing each valid one to {@code sink} (null: only
   * check), and stops at the first bad one: a length out of range, a record cut short, a CRC
   * mismatch, or a seq not above {@code previousSeq} and the one the file name announces.
   */
  static SegmentScan read(Path file, long previousSeq, Consumer<WalRecord> sink) throws IOException {
    long nameSeq = Segment.firstSeqOf(file);
    long fileBytes = Files.size(file);
    byte[] header = new byte[RecordFormat.HEADER_BYTES];
    ByteBuffer headerView = ByteBuffer.wrap(header);
    byte[] scratch = new byte[4096];
    long offset = 0;
    long lastSeq = previousSeq;
    long records = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      while (true) {
        int read = in.readNBytes(header, 0, header.length);
        if (read == 0) {
          return new SegmentScan(offset, fileBytes, lastSeq, records, null);
        }
        if (read < header.length) {
          return bad(offset, fileBytes, lastSeq, records, "a record header cut short after " + read + " of " + header.length + " bytes");
        }
        int length = headerView.getInt(0);
        int crc = headerView.getInt(4);
        long seq = headerView.getLong(8);
        if (length < 0 || length > RecordFormat.MAX_PAYLOAD_BYTES) {
          return bad(offset, fileBytes, lastSeq, records, "payload length " + length + " out of range");
        }
        if (scratch.length < length) {
          scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        read = in.readNBytes(scratch, 0, length);
        if (read < length) {
          return bad(offset, fileBytes, lastSeq, records, "a payload cut short after " + read + " of " + length + " bytes");
        }
        if (RecordFormat.crc(seq, scratch, length) != crc) {
          return bad(offset, fileBytes, lastSeq, records, "CRC mismatch");
        }
        if (seq <= lastSeq || seq < nameSeq) {
          return bad(offset, fileBytes, lastSeq, records, "seq " + seq + " does not follow " + lastSeq);
        }
        if (sink != null) {
          sink.accept(new WalRecord(seq, Arrays.copyOf(scratch, length)));
        }
        lastSeq = seq;
        records++;
        offset += RecordFormat.recordBytes(length);
      }
    }
  }

  private static SegmentScan bad(long offset, long fileBytes, long lastSeq, long records, String problem) {
    return new SegmentScan(offset, fileBytes, lastSeq, records, problem);
  }
}
