package io.dynaccel.server.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DifferentialIT}'s calls with write-back as every table's strategy: each answer still
 * equals DynamoDB's although the node evaluates writes itself, and after the final flush the
 * node's DynamoDB holds what the direct one does. A short flush interval lets flushes land between
 * the calls, so reads meet dirty, flushing and clean items.
 */
class WriteBackDifferentialIT extends DifferentialIT {

  @TempDir static Path logDir;

  @Override
  String[] nodeSettings() {
    return WriteBackSettings.everyTable(logDir, "50ms", super.nodeSettings());
  }
}
