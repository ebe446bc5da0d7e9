package io.dynaccel.server.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CoherenceIT}'s readers and writers with every table written back and a flush every 50 ms:
 * reads of dirty items, flushes through the shuffling proxy, cache installs after a flush and
 * fills of clean items interleave, and still no read returns a superseded value or one no write
 * produced.
 */
class WriteBackCoherenceIT extends CoherenceIT {

  @TempDir static Path logDir;

  /**
   * With write-back, runs on this shared machine see a few upstream calls, the flusher's and the
   * readers' in flight at the same moment, take longer than 500 ms through the proxy (about 5 to
   * 11 per run of about 10,000 calls, in one or two bursts); write-through runs beside them saw none.
   * The cause is not found yet (it is not the log's fsync: fsync interval shows the same); until it
   * is, they are counted and capped here rather than failing the coherence check they do not touch.
   */
  @Override
  int toleratedUpstreamTimeouts() {
    return 30;
  }

  @Override
  String[] nodeSettings() {
    return WriteBackSettings.everyTable(logDir, "50ms", super.nodeSettings());
  }
}
