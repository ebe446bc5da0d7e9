package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.RawHttp.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A client that opens thousands of connections, sends huge headers or trickles its body cannot
 * starve the others: connections over a cap are closed on acceptance (counted by
 * {@code dynaccel_connections_refused_total}), a header block over {@code server.maxHeaderBytes}
 * gets a 4xx and a closed connection, a body slower than {@code server.requestReadTimeout} is cut,
 * and idle connections are closed after {@code server.idleTimeout}.
 *
 * <p>The flood comes from 127.0.0.2 (Linux routes all of 127/8 to the loopback interface), the
 * well-behaved SDK client from 127.0.0.1, so the node sees two remote addresses.
 */
class ConnectionLimitsIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final String FLOOD_ADDRESS = "127.0.0.2";

  @Test
  void flood_fromOneClientBeyondItsCap_isRefusedWhileAnotherClientKeepsWorking() throws Exception {
    int perClient = 20;
    int flood = 60;
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "server.maxConnectionsPerClient=" + perClient)) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < flood; i++) {
          sockets.add(connect(node, FLOOD_ADDRESS));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(node, "max_connections_per_client") == flood - perClient);
        assertThat(node.metric("dynaccel_connections_open")).isEqualTo(perClient);
        // The fronts admit connections on their own event loops, so which ones get in is not the
        // order they were opened in: exactly the refused ones are closed, and an admitted one stays open.
        Set<Socket> closed = new HashSet<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          for (Socket socket : sockets) {
            if (!closed.contains(socket) && closedByServer(socket, Duration.ofMillis(20))) {
              closed.add(socket);
            }
          }
          return closed.size() == flood - perClient;
        });
        Socket admitted = sockets.stream().filter(socket -> !closed.contains(socket)).findFirst().orElseThrow();
        assertThat(closedByServer(admitted)).isFalse();

        DynamoDbClient client = node.syncClient(node.endpoint());
        assertThat(client.listTables().tableNames()).isNotNull();
        assertThat(refused(node, "max_connections")).isZero();
      } finally {
        closeAll(sockets);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> node.metric("dynaccel_connections_open") <= 1);
    }
  }

  @Test
  void flood_beyondTheTotalCap_refusesEveryoneUntilConnectionsClose() throws Exception {
    int total = 30;
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "server.maxConnections=" + total)) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < total; i++) {
          sockets.add(connect(node, FLOOD_ADDRESS));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> node.metric("dynaccel_connections_open") == total);
        try (Socket another = connect(node, "127.0.0.1")) {
          assertThat(closedByServer(another)).as("a connection over the total cap").isTrue();
        }
        assertThat(refused(node, "max_connections")).isEqualTo(1);
      } finally {
        closeAll(sockets);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> node.metric("dynaccel_connections_open") == 0);
      assertThat(node.syncClient(node.endpoint()).listTables().tableNames()).isNotNull();
    }
  }

  @Test
  void header_overMaxHeaderBytes_gets431AndAClosedConnection() throws Exception {
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "server.maxHeaderBytes=4KiB");
        Socket socket = connect(node, "127.0.0.1")) {
      String request = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
          + "X-Filler: " + "x".repeat(8 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));

      Answer answer = RawHttp.read(socket.getInputStream());

      assertThat(answer.status()).isEqualTo(431);
      assertThat(closedByServer(socket)).isTrue();
    }
  }

  @Test
  void body_trickledSlowerThanRequestReadTimeout_isCut() throws Exception {
    Duration readTimeout = Duration.ofSeconds(1);
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "server.requestReadTimeout=1s", "server.idleTimeout=60s");
        Socket socket = connect(node, "127.0.0.1")) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
          + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 200\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long began = System.nanoTime();
      // One byte every 100 ms: never idle, but 200 bytes would take 20 s.
      trickle.scheduleAtFixedRate(() -> {
        try {
          out.write(' ');
          out.flush();
        } catch (IOException closed) {
          throw new IllegalStateException(closed);
        }
      }, 100, 100, TimeUnit.MILLISECONDS);

      socket.setSoTimeout(15_000);
      int read = readUntilClosed(socket.getInputStream());
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      System.out.printf("ConnectionLimitsIT: trickled body cut after %d ms (requestReadTimeout %d ms)%n", took.toMillis(), readTimeout.toMillis());

      assertThat(read).as("bytes of answer before the close").isZero();
      assertThat(took).isBetween(readTimeout, readTimeout.plusSeconds(5));
    } finally {
      trickle.shutdownNow();
    }
  }

  @Test
  void connection_idleLongerThanIdleTimeout_isClosed() throws Exception {
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "server.idleTimeout=1s");
        Socket socket = connect(node, "127.0.0.1")) {
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Answer answer = RawHttp.read(socket.getInputStream());
      assertThat(answer.status()).isEqualTo(200);
      long began = System.nanoTime();

      socket.setSoTimeout(15_000);
      assertThat(readUntilClosed(socket.getInputStream())).isZero();
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      System.out.printf("ConnectionLimitsIT: idle connection closed after %d ms (idleTimeout 1000 ms)%n", took.toMillis());
      assertThat(took).isLessThan(Duration.ofSeconds(6));
    }
  }

  private static Socket connect(AcceleratorFixture node, String from) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.server().port()), 5_000);
    return socket;
  }

  /** Whether the server has closed the socket: a read sees the end (or a reset) within 2 s. */
  private static boolean closedByServer(Socket socket) throws IOException {
    return closedByServer(socket, Duration.ofSeconds(2));
  }

  /** Whether the server closed the connection: its end is read within {@code wait}; an open one only times out. */
  private static boolean closedByServer(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    try {
      return socket.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException open) {
      return false;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** Reads until the server closes the connection, and returns how many bytes came before the close. */
  private static int readUntilClosed(InputStream in) throws IOException {
    int count = 0;
    try {
      while (in.read() >= 0) {
        count++;
      }
    } catch (SocketException reset) {
      // A close with unread input is a reset: closed all the same.
    }
    return count;
  }

  private static double refused(AcceleratorFixture node, String reason) {
    return node.server().metrics().scrape().lines()
        .filter(line -> line.startsWith("dynaccel_connections_refused_total{reason=\"" + reason + "\"}"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
