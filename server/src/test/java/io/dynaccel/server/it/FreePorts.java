package io.dynaccel.server.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports, from the kernel's port-0 bind: for a listener a test starts once. A node that a test
 * restarts at the same address takes its port from {@link RestartablePorts} instead.
 */
public final class FreePorts {

  private FreePorts() {
  }

  /** A loopback port nothing listened on a moment ago. */
  public static int loopback() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
