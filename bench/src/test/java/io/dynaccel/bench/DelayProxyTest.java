package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DelayProxyTest {

  private static final Duration DELAY = Duration.ofMillis(60);

  private Vertx vertx;
  private NetServer target;
  private DelayProxy proxy;
  // When the target first received bytes, and that the target's side of the connection closed.
  private final CompletableFuture<Long> firstArrival = new CompletableFuture<>();
  private final CompletableFuture<Void> targetSawClose = new CompletableFuture<>();

  @BeforeEach
  void startTarget() {
    vertx = Vertx.vertx();
    // An echo server: every chunk goes straight back; "bye" is answered "last" and the connection closed.
    target = LoadGenerator.await(vertx.createNetServer().connectHandler(socket -> {
      socket.handler(chunk -> {
        firstArrival.complete(System.nanoTime());
        if (chunk.toString().equals("bye")) {
          socket.write("last").onComplete(written -> socket.close());
        } else {
          socket.write(chunk);
        }
      });
      socket.closeHandler(v -> targetSawClose.complete(null));
    }).listen(0, "127.0.0.1"));
    proxy = DelayProxy.start(URI.create("http://127.0.0.1:" + target.actualPort()), DELAY);
  }

  @AfterEach
  void stop() {
    proxy.close();
    LoadGenerator.await(vertx.close());
  }

  @Test
  void forward_whenCallerSendsAChunk_holdsItOnTheWayToTheTargetAndAgainOnTheWayBack() throws Exception {
    try (Socket caller = connect()) {
      long sent = System.nanoTime();
      caller.getOutputStream().write("ping".getBytes());
      byte[] echo = caller.getInputStream().readNBytes(4);
      long answered = System.nanoTime();
      long arrived = firstArrival.get(5, TimeUnit.SECONDS);

      assertThat(new String(echo)).isEqualTo("ping");
      assertThat(Duration.ofNanos(arrived - sent)).isGreaterThanOrEqualTo(DELAY);
      assertThat(Duration.ofNanos(answered - arrived)).isGreaterThanOrEqualTo(DELAY);
      assertThat(proxy.delay()).isEqualTo(DELAY);
    }
  }

  @Test
  void forward_whenManyWritesOfMegabytes_bytesArriveIntactAndInOrder() throws Exception {
    byte[] payload = new byte[8 << 20];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31 + (i >> 11));
    }
    try (Socket caller = connect()) {
      // Written from another thread: the echo comes back while the rest is still being sent.
      CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = caller.getOutputStream();
          for (int from = 0; from < payload.length; from += 1000) {
            out.write(payload, from, Math.min(1000, payload.length - from));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] echo = caller.getInputStream().readNBytes(payload.length);
      written.get(30, TimeUnit.SECONDS);

      assertThat(echo.length).isEqualTo(payload.length);
      assertThat(Arrays.mismatch(echo, payload)).isEqualTo(-1);
    }
  }

  @Test
  void close_whenCallerCloses_targetSideClosesToo() throws Exception {
    try (Socket caller = connect()) {
      caller.getOutputStream().write("ping".getBytes());
      caller.getInputStream().readNBytes(4);
    }

    targetSawClose.get(5, TimeUnit.SECONDS);
  }

  @Test
  void close_whenTargetCloses_callerReadsWhatWasSentBeforeThenEndOfStream() throws Exception {
    try (Socket caller = connect()) {
      OutputStream out = caller.getOutputStream();
      out.write("bye".getBytes());
      caller.setSoTimeout(5_000);

      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      caller.getInputStream().transferTo(rest);

      assertThat(rest.toString()).isEqualTo("last");
      targetSawClose.get(5, TimeUnit.SECONDS);
    }
  }

  private Socket connect() throws Exception {
    URI endpoint = proxy.endpoint();
    Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
    socket.setTcpNoDelay(true);
    return socket;
  }

}
