package io.dynaccel.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The durable log and the flusher behind tables whose strategy is {@link WriteStrategy#WRITE_BACK}.
 *
 * @param logDir directory of the write-ahead log segments and the dead-letter file, default
 *     {@code dynaccel-wal} under the working directory
 * @param fsync when a record is forced to disk before its write is acknowledged, default {@link FsyncPolicy#ALWAYS}
 * @param fsyncInterval how often the log is forced under {@link FsyncPolicy#INTERVAL}, default 1s
 * @param groupCommitWait how long the log gathers further writes before one shared fsync; zero gathers
 *     only what arrives while the previous fsync runs, default 0
 * @param segmentBytes size at which the log starts a new segment file, default 64 MiB
 * @param flushInterval how often dirty items are written to DynamoDB, default 1s
 * @param flushBytes dirty bytes that start a flush before the interval is up, default 4 MiB
 * @param maxDirtyBytes dirty bytes beyond which writes are refused with DynamoDB's ThrottlingException
 *     until the flusher catches up; writers are slowed from half of it; default 64 MiB
 * @param shutdownTimeout how long a graceful shutdown keeps flushing before it leaves the rest to the
 *     log and the next start, default 30s
 */
public record WriteBackConfig(Path logDir, FsyncPolicy fsync, Duration fsyncInterval, Duration groupCommitWait,
    long segmentBytes, Duration flushInterval, long flushBytes, long maxDirtyBytes, Duration shutdownTimeout) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public WriteBackConfig {
    Objects.requireNonNull(logDir, "logDir");
    Objects.requireNonNull(fsync, "fsync");
    Settings.WRITE_BACK_FSYNC_INTERVAL.check(Objects.requireNonNull(fsyncInterval, "fsyncInterval"));
    Settings.WRITE_BACK_GROUP_COMMIT_WAIT.check(Objects.requireNonNull(groupCommitWait, "groupCommitWait"));
    Settings.WRITE_BACK_SEGMENT_BYTES.check(segmentBytes);
    Settings.WRITE_BACK_FLUSH_INTERVAL.check(Objects.requireNonNull(flushInterval, "flushInterval"));
    Settings.WRITE_BACK_FLUSH_BYTES.check(flushBytes);
    Settings.WRITE_BACK_MAX_DIRTY_BYTES.check(maxDirtyBytes);
    Settings.WRITE_BACK_SHUTDOWN_TIMEOUT.check(Objects.requireNonNull(shutdownTimeout, "shutdownTimeout"));
    if (flushBytes > maxDirtyBytes) {
      throw ConfigException.invalid("writeBack.flushBytes", "must not exceed writeBack.maxDirtyBytes (" + maxDirtyBytes + ")",
          ConfigException.quote(Long.toString(flushBytes)), null);
    }
  }
}
