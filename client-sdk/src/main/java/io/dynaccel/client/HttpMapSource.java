package io.dynaccel.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;

/** Reads a node's ownership map with {@code GET /_dynaccel/cluster}. */
final class HttpMapSource implements MapSource {

  private final int timeoutMillis;

  HttpMapSource(Duration timeout) {
    this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
  }

  @Override
  public OwnershipMap fetch(URI endpoint) throws IOException {
    // Plain JDK client, as for the health probe: a few small calls a second need no pool.
    HttpURLConnection connection = (HttpURLConnection) endpoint.resolve(OwnershipMap.PATH).toURL().openConnection(Proxy.NO_PROXY);
    try {
      connection.setConnectTimeout(timeoutMillis);
      connection.setReadTimeout(timeoutMillis);
      connection.setUseCaches(false);
      int status = connection.getResponseCode();
      if (status != 200) {
        try (InputStream error = connection.getErrorStream()) {
          if (error != null) {
            error.readAllBytes();
          }
        }
        throw new IllegalArgumentException("GET " + OwnershipMap.PATH + " answered " + status);
      }
      try (InputStream body = connection.getInputStream()) {
        return OwnershipMap.parse(body.readAllBytes());
      }
    } finally {
      connection.disconnect();
    }
  }
}
