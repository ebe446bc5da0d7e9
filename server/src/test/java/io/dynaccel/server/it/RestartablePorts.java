package io.dynaccel.server.it;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for nodes that a test restarts at the same address. A port-0 bind hands out a port
 * from the kernel's ephemeral range (32768-60999 here), and once the node is killed any outgoing
 * connection on the machine may take that same port as its local end, the surviving members'
 * reconnection attempts to it included (a TCP self-connect): the restarted node then fails with
 * "Port is already in use". These ports come from below that range, where connect never binds, and
 * are handed out in turn so that two nodes of one test JVM never get the same one.
 */
public final class RestartablePorts {

  private static final int FIRST = 10_000;
  private static final int END = 20_000;
  private static final AtomicInteger NEXT = new AtomicInteger(FIRST + ThreadLocalRandom.current().nextInt(END - FIRST));

  private RestartablePorts() {
  }

  /** A port nothing on the machine listens on now, not handed out before by this JVM. */
  public static int next() throws IOException {
    for (int attempt = 0; attempt < END - FIRST; attempt++) {
      int port = FIRST + Math.floorMod(NEXT.getAndIncrement() - FIRST, END - FIRST);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        return port;
      } catch (BindException taken) {
        // in use by something else on the machine: the next one
      }
    }
    throw new IOException("no free loopback port in " + FIRST + "-" + (END - 1));
  }
}
