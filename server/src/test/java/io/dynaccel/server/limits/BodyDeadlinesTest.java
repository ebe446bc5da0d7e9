package io.dynaccel.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Vert.x server on loopback whose requests a {@link BodyDeadlines} watches; the test runs the sweeps. */
class BodyDeadlinesTest {

  private static final String HEADERS = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n";

  private final Vertx vertx = Vertx.vertx();
  private final BodyDeadlines deadlines = new BodyDeadlines(Duration.ofSeconds(1));
  private final AtomicInteger received = new AtomicInteger();
  private Context loop;
  private int port;

  @BeforeEach
  void startServer() throws Exception {
    loop = vertx.getOrCreateContext();
    port = onLoop(() -> vertx.createHttpServer()
        .requestHandler(request -> {
          deadlines.watch(request);
          received.incrementAndGet();
          request.endHandler(ended -> request.response().end("ok"));
        })
        .listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void period_isATenthOfTheTimeoutWithinTenMillisAndOneSecond() {
    assertThat(deadlines.period()).isEqualTo(Duration.ofMillis(100));
    assertThat(new BodyDeadlines(Duration.ofSeconds(30)).period()).isEqualTo(Duration.ofSeconds(1));
    assertThat(new BodyDeadlines(Duration.ofMillis(20)).period()).isEqualTo(Duration.ofMillis(10));
    assertThatThrownBy(() -> new BodyDeadlines(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sweep_whenBodyStillReadingPastTheTimeout_closesItsConnectionNoSooner() throws Exception {
    try (Socket socket = connect()) {
      send(socket, HEADERS + "{");
      await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == 1);

      // 1 s at 100 ms a sweep: the request may have come just after a sweep, so ten more are not yet enough.
      sweep(10);
      assertThat(isOpen(socket)).as("open after ten sweeps").isTrue();
      sweep(1);

      await().atMost(Duration.ofSeconds(10)).until(() -> !isOpen(socket));
      assertThat(onLoop(() -> Future.succeededFuture(deadlines.watched()))).isZero();
    }
  }

  @Test
  void sweep_whenBodyCompleted_forgetsItAndKeepsTheConnection() throws Exception {
    try (Socket socket = connect()) {
      send(socket, HEADERS);
      await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == 1);
      assertThat(onLoop(() -> Future.succeededFuture(deadlines.watched()))).isEqualTo(1);
      send(socket, "0123456789");
      assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200").endsWith("ok");

      sweep(1);
      assertThat(onLoop(() -> Future.succeededFuture(deadlines.watched()))).isZero();
      sweep(30);

      assertThat(isOpen(socket)).as("a keep-alive connection whose body came is never cut").isTrue();
    }
  }

  private void sweep(int times) throws Exception {
    onLoop(() -> {
      for (int i = 0; i < times; i++) {
        deadlines.sweep();
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** Runs {@code work} on the server's event loop, where the deadlines are used, and waits for it. */
  private <T> T onLoop(Callable<Future<T>> work) throws Exception {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> {
      try {
        work.call().onComplete(done);
      } catch (Exception e) {
        done.fail(e);
      }
    });
    return done.future().await(10, TimeUnit.SECONDS);
  }

  private Socket connect() throws IOException {
    return new Socket("127.0.0.1", port);
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one answer with a two-byte body. */
  private static String readAnswer(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    StringBuilder answer = new StringBuilder();
    while (!answer.toString().contains("\r\n\r\n") || !answer.toString().endsWith("ok")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      answer.append((char) b);
    }
    return answer.toString();
  }

  /** True if the server has not closed the socket: a short read times out rather than seeing its end. */
  private static boolean isOpen(Socket socket) throws IOException {
    socket.setSoTimeout(50);
    try {
      return socket.getInputStream().read() >= 0;
    } catch (SocketTimeoutException stillOpen) {
      return true;
    } catch (IOException reset) {
      return false;
    }
  }
}
