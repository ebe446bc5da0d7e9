package io.dynaccel.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the accelerator listens for DynamoDB API requests.
 *
 * @param host interface to bind, default {@code 0.0.0.0}
 * @param port TCP port 0..65535, default 8111; 0 binds an ephemeral port (useful in tests)
 * @param instances number of server verticle instances (event loops used), at least 1; default: available processors
 * @param maxRequestBytes largest accepted request body, default 16 MiB (DynamoDB's own HTTP request limit)
 * @param idleTimeout close client connections idle this long; zero disables; default 60s
 */
public record ServerConfig(String host, int port, int instances, int maxRequestBytes, Duration idleTimeout) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public ServerConfig {
    Settings.SERVER_HOST.check(Objects.requireNonNull(host, "host"));
    Settings.SERVER_PORT.check(port);
    Settings.SERVER_INSTANCES.check(instances);
    Settings.SERVER_MAX_REQUEST_BYTES.check(maxRequestBytes);
    Settings.SERVER_IDLE_TIMEOUT.check(Objects.requireNonNull(idleTimeout, "idleTimeout"));
  }
}
