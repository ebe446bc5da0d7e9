package io.dynaccel.server.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QueryCoherenceIT}'s Query and Scan readers with every table written back and a flush
 * every 50 ms: each result must include every write acknowledged before it began (read-your-writes
 * through Query and Scan), while flushes, cached results and fills interleave.
 */
class WriteBackQueryCoherenceIT extends QueryCoherenceIT {

  @TempDir static Path logDir;

  @Override
  String[] nodeSettings() {
    return WriteBackSettings.everyTable(logDir, "50ms", super.nodeSettings());
  }
}
