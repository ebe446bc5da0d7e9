package io.dynaccel.server.upstream;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The accelerator's own AWS credentials, resolved off the event loop and refreshed in the
 * background, so that signing an upstream request never blocks on a credentials provider (which may
 * read files or call the instance metadata service).
 */
public final class RefreshingCredentials implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RefreshingCredentials.class);
  private static final Duration REFRESH_INTERVAL = Duration.ofMinutes(5);
  private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(2);

  private final Vertx vertx;
  private final AwsCredentialsProvider provider;
  private final Clock clock;
  private final AtomicReference<AwsCredentials> current = new AtomicReference<>();
  private volatile long timerId = -1;
  private volatile boolean closed;

  /** Creates the holder; {@link #start()} resolves the first credentials. */
  public RefreshingCredentials(Vertx vertx, AwsCredentialsProvider provider, Clock clock) {
    this.vertx = vertx;
    this.provider = provider;
    this.clock = clock;
  }

  /** Resolves the credentials once, failing if the provider chain finds none. */
  public Future<Void> start() {
    return refresh().onSuccess(v -> schedule());
  }

  /** The latest credentials; only valid after {@link #start()} succeeded. */
  public AwsCredentials get() {
    return current.get();
  }

  private Future<Void> refresh() {
    return vertx.executeBlocking(provider::resolveCredentials, false).map(credentials -> {
      current.set(credentials);
      return null;
    });
  }

  private void schedule() {
    if (closed) {
      return;
    }
    long delay = REFRESH_INTERVAL.toMillis();
    Instant expiry = current.get().expirationTime().orElse(null);
    if (expiry != null) {
      long untilExpiry = Duration.between(clock.instant(), expiry).minus(EXPIRY_MARGIN).toMillis();
      delay = Math.max(1_000, Math.min(delay, untilExpiry));
    }
    timerId =
        vertx.setTimer(
            delay,
            id ->
                refresh()
                    .onFailure(e -> LOG.warn("Refreshing AWS credentials failed; keeping the previous ones", e))
                    .onComplete(r -> schedule()));
  }

  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timerId);
  }
}
