package io.dynaccel.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;

/** Probes a node with {@code GET /health}: ready when it answers 200 within the timeout. */
final class HttpHealthProbe implements HealthProbe {

  private final int timeoutMillis;

  HttpHealthProbe(Duration timeout) {
    this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
  }

  @Override
  public boolean isHealthy(URI endpoint) {
    HttpURLConnection connection = null;
    try {
      // Plain JDK client: nothing to pool or close between probes, and no proxy between us and the node.
      connection = (HttpURLConnection) endpoint.resolve("/health").toURL().openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout(timeoutMillis);
      connection.setReadTimeout(timeoutMillis);
      connection.setUseCaches(false);
      int status = connection.getResponseCode();
      try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (body != null) {
          body.readAllBytes();
        }
      }
      return status == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }
}
