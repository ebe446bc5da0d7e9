package io.dynaccel.server.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real segment files behind channels that fail on demand: writes that run out of space after a byte
 * budget (writing the part that fits first, as a full disk does), forces and truncations that fail,
 * and writes or forces that stall until the test lets them go.
 */
final class FaultyDisk implements SegmentChannels {

  /** Bytes the disk still takes; a write beyond it puts what fits and then fails with ENOSPC. */
  final AtomicLong bytesLeft = new AtomicLong(Long.MAX_VALUE);
  final AtomicInteger forcesToFail = new AtomicInteger();
  final AtomicInteger truncatesToFail = new AtomicInteger();
  private final AtomicReference<Stall> writeStall = new AtomicReference<>();
  private final AtomicReference<Stall> forceStall = new AtomicReference<>();

  /** Holds the log thread inside one operation until released. */
  static final class Stall {
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void awaitReached() throws InterruptedException {
      if (!reached.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the log thread never reached the stalled operation");
      }
    }

    void release() {
      released.countDown();
    }

    private void hold() throws IOException {
      reached.countDown();
      try {
        if (!released.await(10, TimeUnit.SECONDS)) {
          throw new IOException("stall never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  Stall stallNextWrite() {
    Stall stall = new Stall();
    writeStall.set(stall);
    return stall;
  }

  Stall stallNextForce() {
    Stall stall = new Stall();
    forceStall.set(stall);
    return stall;
  }

  @Override
  public FileChannel open(Path path, OpenOption... options) throws IOException {
    FileChannel real = FileChannel.open(path, options);
    return Files.isDirectory(path) ? real : new FaultyChannel(real);
  }

  private final class FaultyChannel extends FileChannel {
    private final FileChannel real;

    FaultyChannel(FileChannel real) {
      this.real = real;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      Stall stall = writeStall.getAndSet(null);
      if (stall != null) {
        stall.hold();
      }
      long allowed = bytesLeft.get();
      if (src.remaining() <= allowed) {
        int written = real.write(src, position);
        bytesLeft.addAndGet(-written);
        return written;
      }
      ByteBuffer fits = src.slice().limit((int) allowed);
      int written = real.write(fits, position);
      src.position(src.position() + written);
      bytesLeft.set(0);
      throw new IOException("No space left on device");
    }

    @Override
    public void force(boolean metaData) throws IOException {
      Stall stall = forceStall.getAndSet(null);
      if (stall != null) {
        stall.hold();
      }
      if (forcesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("Input/output error");
      }
      real.force(metaData);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      if (truncatesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("Input/output error");
      }
      real.truncate(size);
      return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return real.write(srcs, offset, length);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      return real.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
