package io.dynaccel.server.wal;

import io.dynaccel.config.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link WriteAheadLog} stores and forces its records; the write-back settings of the
 * configuration, without the flusher's.
 *
 * @param directory where the segment files live; created if missing. Other files in it are left alone.
 * @param fsync when a record counts as durable: after its fsync, or once written to the operating system
 * @param fsyncInterval under {@link FsyncPolicy#INTERVAL}, the longest an acknowledged record waits for its fsync
 * @param groupCommitWait how long a batch waits, after its first record arrived, for more to share its fsync
 * @param segmentBytes size from which the next batch goes to a new segment file
 */
public record WalOptions(Path directory, FsyncPolicy fsync, Duration fsyncInterval, Duration groupCommitWait,
    long segmentBytes) {

  /** Rejects settings the log cannot run with. */
  public WalOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(fsyncInterval, "fsyncInterval");
    Objects.requireNonNull(groupCommitWait, "groupCommitWait");
    if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
      throw new IllegalArgumentException("fsyncInterval must be positive: " + fsyncInterval);
    }
    if (groupCommitWait.isNegative()) {
      throw new IllegalArgumentException("groupCommitWait must not be negative: " + groupCommitWait);
    }
    if (segmentBytes <= 0) {
      throw new IllegalArgumentException("segmentBytes must be positive: " + segmentBytes);
    }
  }
}
