package io.dynaccel.server.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;

/**
 * A TCP proxy in front of one Hazelcast member, through which every other member reaches it: a member
 * connects from its own range of outbound ports, so the proxy knows who is calling and can cut the
 * link to chosen members, both new connections and open ones. With one proxy per member, a split is
 * cutting every link that crosses it.
 */
final class PartitionableProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int target;
  private final IntUnaryOperator memberOfPort;
  private final Set<Integer> cut = ConcurrentHashMap.newKeySet();
  private final Set<Link> links = ConcurrentHashMap.newKeySet();

  private record Link(int member, Socket from, Socket to) {
    void close() {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /**
   * Proxies to the member listening on {@code target}.
   *
   * @param memberOfPort the calling member's index from the source port of its connection, or -1
   */
  PartitionableProxy(int target, IntUnaryOperator memberOfPort) throws IOException {
    this.target = target;
    this.memberOfPort = memberOfPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    Thread acceptor = new Thread(this::accept, "split-proxy-" + target);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Cuts the link to {@code member}: its open connections close, and new ones are refused. */
  void cut(int member) {
    cut.add(member);
    links.stream().filter(link -> link.member() == member || link.member() < 0).forEach(link -> {
      link.close();
      links.remove(link);
    });
  }

  /** Restores every link. */
  void heal() {
    cut.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket from = server.accept();
        int member = memberOfPort.applyAsInt(from.getPort());
        // A caller from outside every range (Hazelcast falls back to any port once its range is in
        // TIME_WAIT) cannot be told apart: while anything is cut, it is refused too.
        if (cut.contains(member) || member < 0 && !cut.isEmpty()) {
          from.close();
          continue;
        }
        Socket to = new Socket("127.0.0.1", target);
        Link link = new Link(member, from, to);
        links.add(link);
        pump(link, from, to);
        pump(link, to, from);
      } catch (IOException e) {
        // A refused target or a closed server: the caller retries, as it would on a real network.
      }
    }
  }

  private void pump(Link link, Socket in, Socket out) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 << 10];
      try (InputStream input = in.getInputStream(); OutputStream output = out.getOutputStream()) {
        for (int read; (read = input.read(buffer)) >= 0; ) {
          output.write(buffer, 0, read);
        }
      } catch (IOException e) {
        // The link was cut or one side closed.
      } finally {
        link.close();
        links.remove(link);
      }
    }, "split-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    links.forEach(Link::close);
  }
}
