package io.dynaccel.server.wal;

import java.io.IOException;

/**
 * Told the fate of one appended record: exactly one of the two methods is called, once, on the log
 * thread, in sequence order. Implementations must be quick and must not block: they delay every
 * record behind them.
 */
public interface Durability {

  /** The record is on disk as the log's {@link io.dynaccel.config.FsyncPolicy} promises. */
  void durable(long seq);

  /** The record is not in the log and never will be: its write must not be acknowledged. */
  void failed(long seq, IOException cause);
}
