package io.dynaccel.server.wal;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * A write-ahead log on real segment files behind a disk that fills up or stalls when a test says so
 * ({@link FaultyDisk}), for the tests of the log's users outside this package.
 */
public final class FailingDisk {

  private final FaultyDisk disk = new FaultyDisk();

  /** Opens a log whose segment files live on this disk. */
  public WriteAheadLog open(WalOptions options, MeterRegistry registry, Consumer<WalRecord> replay) throws IOException {
    return WriteAheadLog.open(options, registry, replay, disk, System::nanoTime);
  }

  /** From now on every write to a segment fails with "No space left on device". */
  public void fill() {
    disk.bytesLeft.set(0);
  }

  /** Space again: writes work. */
  public void free() {
    disk.bytesLeft.set(Long.MAX_VALUE);
  }

  /** Holds the log thread in its next write to a segment until {@link StalledWrite#release()}. */
  public StalledWrite stallNextWrite() {
    return new StalledWrite(disk.stallNextWrite());
  }

  /** A write the log thread is held in. */
  public static final class StalledWrite {
    private final FaultyDisk.Stall stall;

    private StalledWrite(FaultyDisk.Stall stall) {
      this.stall = stall;
    }

    /** Waits until the log thread is inside the write. */
    public void awaitReached() throws InterruptedException {
      stall.awaitReached();
    }

    /** Lets the write go on, to succeed or fail as the disk is then. */
    public void release() {
      stall.release();
    }
  }
}
