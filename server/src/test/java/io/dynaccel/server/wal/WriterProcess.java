package io.dynaccel.server.wal;

import io.dynaccel.config.FsyncPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process that appends 100 records of 1,000 bytes one by one to the log in {@code args[0]} and
 * prints each outcome ({@code durable <seq>} or {@code failed <seq> <message>}), resuming after
 * every failure. Run under {@code ulimit -f}, it meets a real EFBIG from the kernel.
 */
final class WriterProcess {

  private WriterProcess() {}

  public static void main(String[] args) throws Exception {
    WalOptions options = new WalOptions(Path.of(args[0]), FsyncPolicy.ALWAYS, Duration.ofHours(1), Duration.ZERO,
        1 << 20);
    try (WriteAheadLog log = WriteAheadLog.open(options, new SimpleMeterRegistry(), record -> {})) {
      for (int i = 0; i < 100; i++) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        byte[] payload = new byte[1000];
        payload[0] = (byte) i;
        log.append(payload, new Durability() {
          @Override
          public void durable(long seq) {
            outcome.complete("durable " + seq);
          }

          @Override
          public void failed(long seq, IOException cause) {
            outcome.complete("failed " + seq + " " + cause.getMessage());
          }
        });
        String line = outcome.get(10, TimeUnit.SECONDS);
        System.out.println(line);
        if (line.startsWith("failed")) {
          log.resume();
        }
      }
    }
  }
}
