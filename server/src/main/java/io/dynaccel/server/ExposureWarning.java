package io.dynaccel.server;

import io.dynaccel.config.Loopback;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up warning for a node that anyone on the network could use: it listens beyond loopback
 * and does not authenticate its callers, so every caller gets whatever the node's own upstream
 * credentials allow.
 */
public final class ExposureWarning {

  private static final Logger LOG = LoggerFactory.getLogger(ExposureWarning.class);

  private ExposureWarning() {
  }

  /**
   * The warning for this node, if it needs one.
   *
   * @param host the API's bind host ({@code server.host})
   * @param authenticates whether every API request is authenticated (an {@code auth} mode other than {@code none})
   */
  public static Optional<String> of(String host, boolean authenticates) {
    if (authenticates || Loopback.isLoopback(host)) {
      return Optional.empty();
    }
    return Optional.of("*** Dynaccel listens on " + host + " beyond loopback WITHOUT authentication (auth: none): anyone who can reach"
        + " the port can read and write every table the node's own AWS credentials allow. Set auth to sigv4, or bind server.host"
        + " to 127.0.0.1. ***");
  }

  /** Logs {@link #of} at WARN, when there is one. */
  public static void log(String host, boolean authenticates) {
    of(host, authenticates).ifPresent(LOG::warn);
  }
}
