package io.dynaccel.server.it;

import java.nio.file.Path;

/** The {@code --set} settings that make a node write every table back. */
final class WriteBackSettings {

  private WriteBackSettings() {}

  /** Write-back for every table, the log in {@code logDir}, a flush every {@code flushInterval}, plus {@code more}. */
  static String[] everyTable(Path logDir, String flushInterval, String... more) {
    String[] settings = new String[3 + more.length];
    settings[0] = "tables.*.writeStrategy=write-back";
    settings[1] = "writeBack.logDir=" + logDir;
    settings[2] = "writeBack.flushInterval=" + flushInterval;
    System.arraycopy(more, 0, settings, 3, more.length);
    return settings;
  }
}
