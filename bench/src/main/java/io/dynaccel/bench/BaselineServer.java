package io.dynaccel.bench;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The baseline: a bare Vert.x HTTP server, one front per core like the accelerator, that answers
 * every request with the same pre-encoded GetItem response. No server can answer a cache hit for
 * less, so the accelerator's hit path is measured against it.
 *
 * <p>{@link #main} runs it in a JVM of its own, as the load benchmark does by default, so that it pays
 * for its own allocation and GC like the accelerator in its own JVM:
 * {@code java -cp <bench jar> io.dynaccel.bench.BaselineServer PORT INSTANCES ANSWER_FILE}.
 */
public final class BaselineServer implements AutoCloseable {

  private final LoopbackFronts fronts;

  private BaselineServer(LoopbackFronts fronts) {
    this.fronts = fronts;
  }

  /** Serves until the JVM is ended (SIGTERM): arguments are the port, the number of fronts and a file holding the answer body. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: BaselineServer PORT INSTANCES ANSWER_FILE");
    }
    start(Files.readAllBytes(Path.of(args[2])), Integer.parseInt(args[1]), Integer.parseInt(args[0]));
  }

  /** Starts the server on a random loopback port with the given answer body. */
  public static BaselineServer start(byte[] answer, int instances) {
    // A negative port is Vert.x's "one random port shared by every instance".
    return start(answer, instances, -1);
  }

  /** Starts the server on a loopback port (negative: a random one) with the given answer body. */
  public static BaselineServer start(byte[] answer, int instances, int listenPort) {
    Buffer body = Buffer.buffer(answer);
    CRC32 crc = new CRC32();
    crc.update(answer);
    String crc32 = Long.toString(crc.getValue());
    return new BaselineServer(LoopbackFronts.start(instances, listenPort, vertx -> request -> request.body().onSuccess(ignored ->
        request.response()
            .putHeader("Content-Type", "application/x-amz-json-1.0")
            .putHeader("x-amzn-RequestId", "BASELINE")
            .putHeader("x-amz-crc32", crc32)
            .end(body))));
  }

  /** The port the server listens on. */
  public int port() {
    return fronts.port();
  }

  @Override
  public void close() {
    fronts.close();
  }
}
