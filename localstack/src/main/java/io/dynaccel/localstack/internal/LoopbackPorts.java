package io.dynaccel.localstack.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** TCP ports on 127.0.0.1: finding a free one and telling whether something listens on one. */
public final class LoopbackPorts {

    private static final int PROBE_TIMEOUT_MILLIS = 500;

    private LoopbackPorts() {
    }

    /**
     * A port that was free a moment ago. Another process could take it before the caller binds it; the caller
     * notices because its server fails to listen.
     */
    public static int findFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }

    /** Whether a server accepts TCP connections on {@code port} of 127.0.0.1. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), PROBE_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
