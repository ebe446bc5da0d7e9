package io.dynaccel.server.wal;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file, as the log thread knows it: {@code segment-<first seq, 20 digits>.wal}.
 * {@link #size} counts only durable bytes, so after a failure the file is cut back to it.
 */
final class Segment {

  private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.wal");

  final Path path;
  final long firstSeq;
  /** Seq of the last durable record in it; 0 while it holds none. */
  long lastSeq;
  long size;
  /** Open while the segment is active or awaits its repair after a failure; null once sealed. */
  FileChannel channel;

  Segment(Path path, long firstSeq) {
    this.path = path;
    this.firstSeq = firstSeq;
  }

  static String fileName(long firstSeq) {
    return String.format("segment-%020d.wal", firstSeq);
  }

  /** The first seq a segment file's name announces, or -1 if the name is not a segment's. */
  static long firstSeqOf(Path file) {
    Matcher matcher = NAME.matcher(file.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
