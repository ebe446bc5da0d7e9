package io.dynaccel.server.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/** Opens the channels of segment files and of the log directory; tests put a failing disk behind it. */
@FunctionalInterface
interface SegmentChannels {

  SegmentChannels DEFAULT = FileChannel::open;

  FileChannel open(Path path, OpenOption... options) throws IOException;
}
