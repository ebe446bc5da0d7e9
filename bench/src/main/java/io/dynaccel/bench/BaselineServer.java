package io.dynaccel.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
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

  private final Vertx vertx;
  private final int port;

  private BaselineServer(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
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
    int[] port = new int[1];
    Vertx vertx = Vertx.vertx();
    LoadGenerator.await(vertx.deployVerticle(() -> new Front(body, crc32, listenPort, port), new DeploymentOptions().setInstances(instances)));
    return new BaselineServer(vertx, port[0]);
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  @Override
  public void close() {
    LoadGenerator.await(vertx.close());
  }

  private static final class Front extends VerticleBase {
    private final Buffer body;
    private final String crc32;
    private final int listenPort;
    private final int[] port;

    Front(Buffer body, String crc32, int listenPort, int[] port) {
      this.body = body;
      this.crc32 = crc32;
      this.listenPort = listenPort;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(ignored ->
          request.response()
              .putHeader("Content-Type", "application/x-amz-json-1.0")
              .putHeader("x-amzn-RequestId", "BASELINE")
              .putHeader("x-amz-crc32", crc32)
              .end(body)));
      return server.listen(listenPort, "127.0.0.1").onSuccess(s -> port[0] = s.actualPort());
    }
  }
}
