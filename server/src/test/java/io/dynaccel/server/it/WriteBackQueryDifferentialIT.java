package io.dynaccel.server.it;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link QueryDifferentialIT}'s calls with write-back as every table's strategy: every Query and
 * Scan must include the writes acknowledged before it (the node flushes what it could see first),
 * in DynamoDB's order, and after the final flush the node's DynamoDB holds what the direct one does.
 */
class WriteBackQueryDifferentialIT extends QueryDifferentialIT {

  @TempDir static Path logDir;

  @Override
  String[] nodeSettings() {
    return WriteBackSettings.everyTable(logDir, "50ms", super.nodeSettings());
  }
}
