package io.dynaccel.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the accelerator listens for DynamoDB API requests, and the limits that keep one
 * client from starving the others.
 *
 * @param host interface to bind, default {@code 127.0.0.1}: a node is reachable from other machines
 *     only when an operator says so
 * @param port TCP port 0..65535, default 8111; 0 binds an ephemeral port (useful in tests)
 * @param instances number of server verticle instances (event loops used), at least 1; default: available processors
 * @param maxRequestBytes largest accepted request body, default 16 MiB (DynamoDB's own HTTP request limit)
 * @param idleTimeout close client connections idle this long; zero disables; default 60s
 * @param shutdownTimeout how long a graceful shutdown lets requests in flight finish before it closes
 *     their connections, default 30s
 * @param maxConnections open API connections beyond which a new one is closed at once, default 10000
 * @param maxConnectionsPerClient open API connections from one remote IP address beyond which a new
 *     one from it is closed at once, default 1000
 * @param maxHeaderBytes largest request header block; a larger one is answered 431 and its connection
 *     closed, default 16 KiB
 * @param requestReadTimeout how long a request body may take to arrive in full before its connection
 *     is closed; zero disables; default 30s
 */
public record ServerConfig(String host, int port, int instances, int maxRequestBytes, Duration idleTimeout,
    Duration shutdownTimeout, int maxConnections, int maxConnectionsPerClient, int maxHeaderBytes, Duration requestReadTimeout) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public ServerConfig {
    Settings.SERVER_HOST.check(Objects.requireNonNull(host, "host"));
    Settings.SERVER_PORT.check(port);
    Settings.SERVER_INSTANCES.check(instances);
    Settings.SERVER_MAX_REQUEST_BYTES.check(maxRequestBytes);
    Settings.SERVER_IDLE_TIMEOUT.check(Objects.requireNonNull(idleTimeout, "idleTimeout"));
    Settings.SERVER_SHUTDOWN_TIMEOUT.check(Objects.requireNonNull(shutdownTimeout, "shutdownTimeout"));
    Settings.SERVER_MAX_CONNECTIONS.check(maxConnections);
    Settings.SERVER_MAX_CONNECTIONS_PER_CLIENT.check(maxConnectionsPerClient);
    Settings.SERVER_MAX_HEADER_BYTES.check(maxHeaderBytes);
    Settings.SERVER_REQUEST_READ_TIMEOUT.check(Objects.requireNonNull(requestReadTimeout, "requestReadTimeout"));
  }

  /** A listener with the default shutdown timeout and limits. */
  public ServerConfig(String host, int port, int instances, int maxRequestBytes, Duration idleTimeout) {
    this(host, port, instances, maxRequestBytes, idleTimeout, Settings.SERVER_SHUTDOWN_TIMEOUT.defaultValue(),
        Settings.SERVER_MAX_CONNECTIONS.defaultValue(), Settings.SERVER_MAX_CONNECTIONS_PER_CLIENT.defaultValue(),
        Settings.SERVER_MAX_HEADER_BYTES.defaultValue(), Settings.SERVER_REQUEST_READ_TIMEOUT.defaultValue());
  }
}
