package io.dynaccel.server.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a log directory back to a state the log can continue from, before anything is replayed.
 *
 * <p>Only the last segment can hold a torn record: a segment is sealed (forced) before the next one is
 * created, and after a failure it is cut back to its durable end before the log resumes. So a bad
 * record in the last segment is the tail of a write that was never acknowledged, and is cut. A bad
 * record in an earlier segment is acknowledged data lost under us: the log refuses to start rather
 * than skip it and every record after it. Everything is checked before the first record is replayed,
 * so a log that refuses to start has handed out nothing.
 */
final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private final List<Segment> segments;
  private final long nextSeq;

  private Recovery(List<Segment> segments, long nextSeq) {
    this.segments = segments;
    this.nextSeq = nextSeq;
  }

  /** The segments that remain, oldest first; their channels are closed. */
  List<Segment> segments() {
    return segments;
  }

  /** The seq of the first record this run appends: after every replayed one and every segment's name. */
  long nextSeq() {
    return nextSeq;
  }

  static Recovery run(Path directory, SegmentChannels channels) throws IOException {
    List<Path> files = segmentFiles(directory);
    List<Segment> segments = new ArrayList<>();
    long lastSeq = 0;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      SegmentScan scan = SegmentScan.read(file, lastSeq, null);
      if (scan.problem() != null) {
        if (i < files.size() - 1) {
          throw new IOException("Write-ahead log segment " + file + " is corrupt at offset " + scan.validEnd() + " ("
              + scan.problem() + "), and it is not the last segment: the records after it were acknowledged, so the"
              + " log refuses to start rather than skip them");
        }
        cut(file, scan, channels);
      }
      Segment segment = new Segment(file, Segment.firstSeqOf(file));
      segment.size = scan.validEnd();
      segment.lastSeq = scan.records() > 0 ? scan.lastSeq() : 0;
      segments.add(segment);
      lastSeq = scan.lastSeq();
    }
    long nextSeq = Math.max(lastSeq + 1, 1);
    // Trailing segments without a record hold nothing to replay; their names still keep seqs rising across runs.
    boolean deleted = false;
    while (!segments.isEmpty() && segments.get(segments.size() - 1).size == 0) {
      Segment empty = segments.remove(segments.size() - 1);
      nextSeq = Math.max(nextSeq, empty.firstSeq);
      Files.delete(empty.path);
      deleted = true;
    }
    if (deleted) {
      forceDirectory(directory, channels);
    }
    return new Recovery(segments, nextSeq);
  }

  /** Hands every record to {@code replay} in seq order; the segments were checked by {@link #run}. */
  void replay(Consumer<WalRecord> replay) throws IOException {
    long lastSeq = 0;
    for (Segment segment : segments) {
      SegmentScan scan = SegmentScan.read(segment.path, lastSeq, replay);
      if (scan.problem() != null || scan.validEnd() != segment.size) {
        throw new IOException("Write-ahead log segment " + segment.path + " changed during recovery at offset "
            + scan.validEnd());
      }
      lastSeq = scan.lastSeq();
    }
  }

  static void forceDirectory(Path directory, SegmentChannels channels) throws IOException {
    try (FileChannel dir = channels.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static void cut(Path file, SegmentScan scan, SegmentChannels channels) throws IOException {
    try (FileChannel channel = channels.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(scan.validEnd());
      channel.force(true);
    }
    LOG.warn("Write-ahead log: cut the torn tail of {} at offset {}: {} bytes ({}); those records were never acknowledged",
        file, scan.validEnd(), scan.fileBytes() - scan.validEnd(), scan.problem());
  }

  private static List<Path> segmentFiles(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        if (Segment.firstSeqOf(entry) >= 0 && Files.isRegularFile(entry)) {
          files.add(entry);
        }
      }
    }
    files.sort(Comparator.comparingLong(Segment::firstSeqOf));
    return files;
  }
}
