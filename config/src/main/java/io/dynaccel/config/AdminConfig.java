package io.dynaccel.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin listener: a second HTTP server, apart from the API port, that serves the operator
 * endpoints ({@code /admin/*}, {@code /metrics}, {@code /health*}).
 *
 * <p>It is bound to loopback by default, so only processes on the node's machine can purge caches or
 * read metrics. Binding it to any other address requires a token: a node whose purge endpoints
 * anyone on the network could call is refused at start-up rather than warned about.
 *
 * @param host interface to bind, default {@code 127.0.0.1}
 * @param port TCP port 0..65535, default 8112; 0 binds an ephemeral port
 * @param tokenFile a file holding the bearer token every admin request must carry
 *     ({@code Authorization: Bearer <token>}); none by default. Only the path is held here, never the token.
 * @param httpServerMeters whether {@code /metrics} carries Vert.x's own HTTP server meters
 *     ({@code vertx_http_server_*}: requests, bytes, active connections, by method and code), default false.
 *     They are updated on every request, and turning them off cut the CPU of a cache hit by about a sixth;
 *     {@code dynaccel_requests_seconds} times every API call either way.
 */
public record AdminConfig(String host, int port, Optional<Path> tokenFile, boolean httpServerMeters) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public AdminConfig {
    Settings.ADMIN_HOST.check(Objects.requireNonNull(host, "host"));
    Settings.ADMIN_PORT.check(port);
    Objects.requireNonNull(tokenFile, "tokenFile");
    if (tokenFile.isEmpty() && !Loopback.isLoopback(host)) {
      throw new ConfigException("admin.host " + ConfigException.quote(host) + " is not a loopback address, and admin.tokenFile is not set:"
          + " the admin endpoints (cache purge, write-back flush, metrics) would be open to the network."
          + " Set admin.tokenFile to a file holding a bearer token, or bind admin.host to 127.0.0.1");
    }
  }

  /** The defaults: loopback, port 8112, no token, no Vert.x HTTP server meters. */
  public static AdminConfig defaults() {
    return new AdminConfig(Settings.ADMIN_HOST.defaultValue(), Settings.ADMIN_PORT.defaultValue(), Settings.ADMIN_TOKEN_FILE.defaultValue(),
        Settings.ADMIN_HTTP_SERVER_METERS.defaultValue());
  }
}
