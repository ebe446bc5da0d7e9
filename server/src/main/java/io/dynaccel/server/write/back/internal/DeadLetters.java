package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The dead-letter file: records DynamoDB rejected for their own sake, one JSON line each
 * ({@code {"time":...,"table":...,"key":{...},"item":{...}|null,"seq":...,"errorType":...,"message":...}}).
 *
 * <p>A record leaves the write-ahead log only once it is in DynamoDB or here, so a line counts only
 * once it is forced to disk: {@link #write} completes after the force, and fails (to be retried by
 * the caller) if the file cannot be written. The I/O runs on a worker thread, never the event loop.
 */
public final class DeadLetters implements AutoCloseable {

  private static final byte NEWLINE = '\n';

  private final Vertx vertx;
  private final Path file;
  private final Clock clock;
  /** Open between writes; null before the first and after a failure, so the next write reopens. Guarded by this. */
  private FileChannel channel;
  private boolean closed;

  /** A dead-letter file at {@code file}, created on the first write, stamped with the system clock. */
  public DeadLetters(Vertx vertx, Path file) {
    this(vertx, file, Clock.systemUTC());
  }

  /** A dead-letter file at {@code file} whose lines carry {@code clock}'s time. */
  public DeadLetters(Vertx vertx, Path file, Clock clock) {
    this.vertx = vertx;
    this.file = file;
    this.clock = clock;
  }

  /** The file's path. */
  public Path file() {
    return file;
  }

  /**
   * Appends one line for {@code item} and forces it to disk.
   *
   * @param errorType DynamoDB's error type, without the {@code com.amazon...#} prefix
   * @param message DynamoDB's error message
   * @return completes once the line is on disk; fails if it could not be written
   */
  public Future<Void> write(FlushItem item, String errorType, String message) {
    byte[] line = line(item, errorType, message);
    // Ordered: lines from one caller's context reach the file in the order they were written.
    return vertx.executeBlocking(() -> {
      append(line);
      return null;
    }, true);
  }

  private byte[] line(FlushItem item, String errorType, String message) {
    ObjectNode line = JsonCodec.object();
    line.put("time", clock.instant().toString());
    line.put("table", item.tableName());
    line.set("key", item.keyAttributes());
    if (item.item() == null) {
      line.putNull("item");
    } else {
      line.set("item", item.item());
    }
    line.put("seq", item.seq());
    line.put("errorType", errorType);
    line.put("message", message);
    byte[] json = JsonCodec.write(line);
    byte[] withNewline = new byte[json.length + 1];
    System.arraycopy(json, 0, withNewline, 0, json.length);
    withNewline[json.length] = NEWLINE;
    return withNewline;
  }

  private synchronized void append(byte[] line) {
    if (closed) {
      throw new IllegalStateException("the dead-letter file " + file + " is closed");
    }
    try {
      if (channel == null) {
        channel = open();
      }
      writeFully(channel, ByteBuffer.wrap(line));
      channel.force(false);
    } catch (IOException | RuntimeException e) {
      closeChannel();
      throw e instanceof IOException io ? new UncheckedIOException("cannot write the dead-letter file " + file, io) : (RuntimeException) e;
    }
  }

  /**
   * Opens at the end of the file; a line torn by an earlier failed write (a full disk) is ended
   * first, so that every complete line stays one JSON document. (Only this object writes the
   * file, under its lock, so positioning at the end once is as good as APPEND.)
   */
  private FileChannel open() throws IOException {
    FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      long size = opened.size();
      opened.position(size);
      if (size > 0) {
        ByteBuffer last = ByteBuffer.allocate(1);
        opened.read(last, size - 1);
        if (last.get(0) != NEWLINE) {
          writeFully(opened, ByteBuffer.wrap(new byte[] {NEWLINE}));
        }
      }
      return opened;
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // The channel is being dropped after a failure; the next write opens a fresh one.
      }
      channel = null;
    }
  }

  /** Closes the file; later writes fail. */
  @Override
  public synchronized void close() {
    closed = true;
    closeChannel();
  }
}
