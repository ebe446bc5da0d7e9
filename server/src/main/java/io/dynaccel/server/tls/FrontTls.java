package io.dynaccel.server.tls;

import io.dynaccel.config.TlsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for the HTTP fronts: each front takes its TLS settings from here, and a new certificate found
 * on disk is applied to every running front without a restart.
 *
 * <p>A reload swaps what new handshakes get; connections already open keep their session. A front
 * that registers while a reload is applied still ends up with the newest certificate: the reload
 * publishes {@link #current} before it walks the fronts, and a front reads it after it joined them.
 * A reload that cannot be used (a file half written, a certificate beside the old key) changes
 * nothing: the fronts keep the certificate they have, and the problem is logged once.
 */
public final class FrontTls implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FrontTls.class);
  private static final FrontTls PLAIN = new FrontTls(null, null, null, null, null);

  private final Vertx vertx;
  private final TlsConfig config;
  private final Counter applied;
  private final Counter rejected;
  private final List<HttpServer> fronts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile ServerCertificate current;
  private volatile ServerSSLOptions template;
  private volatile String lastProblem;
  private volatile long timer = -1;

  private FrontTls(Vertx vertx, TlsConfig config, ServerCertificate first, Counter applied, Counter rejected) {
    this.vertx = vertx;
    this.config = config;
    this.current = first;
    this.applied = applied;
    this.rejected = rejected;
  }

  /** Plain HTTP: fronts are left as they are. */
  public static FrontTls plain() {
    return PLAIN;
  }

  /**
   * Reads and checks the certificate files on a worker, then watches them for change.
   *
   * @return plain HTTP when {@code config} names no certificate; a failed future naming the setting and
   *     the file when one is missing or unusable
   */
  public static Future<FrontTls> start(Vertx vertx, TlsConfig config, MeterRegistry registry) {
    if (!config.enabled()) {
      return Future.succeededFuture(PLAIN);
    }
    return vertx.executeBlocking(() -> ServerCertificate.of(PemFiles.read(config), vertx)).map(first -> {
      Counter applied = reloads(registry, "applied", "Certificate files changed on disk and applied to every front");
      Counter rejected = reloads(registry, "rejected", "Certificate files changed on disk but unusable; the fronts kept their certificate");
      FrontTls tls = new FrontTls(vertx, config, first, applied, rejected);
      Gauge.builder("dynaccel.tls.certificate.not.after", tls, t -> t.current.notAfter().getEpochSecond())
          .baseUnit("seconds")
          .description("When the certificate the API port serves expires, in seconds since the epoch")
          .register(registry);
      LOG.info("HTTPS on the API port with {}{}", first.describe(), config.mutual() ? "; clients need a certificate from " + config.clientCaFile().get() : "");
      if (!config.reloadInterval().isZero()) {
        tls.timer = vertx.setPeriodic(config.reloadInterval().toMillis(), id -> tls.reload());
      }
      return tls;
    });
  }

  private static Counter reloads(MeterRegistry registry, String outcome, String description) {
    return Counter.builder("dynaccel.tls.reloads").tag("outcome", outcome).description(description).register(registry);
  }

  /**
   * Makes {@code options} HTTPS with the current certificate. Call it last, once every other option is
   * set: a reload keeps the other TLS options (protocols, handshake timeout) it finds here.
   */
  public HttpServerOptions secure(HttpServerOptions options) {
    ServerCertificate certificate = current;
    if (certificate == null) {
      return options;
    }
    certificate.secure(options);
    template = options.getSslOptions().copy();
    return options;
  }

  /** Starts applying reloads to a front that now listens with {@link #secure} options. */
  public void serve(HttpServer front) {
    if (current == null) {
      return;
    }
    fronts.add(front);
    // A reload that ran between secure() and now did not see this front: catch up (a no-op when equal).
    front.updateSSLOptions(current.applyTo(template))
        .onFailure(e -> LOG.warn("A front could not take the current TLS certificate: {}", e.getMessage()));
  }

  /** Stops applying reloads to a front that is stopping. */
  public void forget(HttpServer front) {
    fronts.remove(front);
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void reload() {
    if (!checking.compareAndSet(false, true)) {
      return; // the previous check is still reading or applying
    }
    ServerCertificate previous = current;
    vertx.executeBlocking(() -> {
      PemFiles files = PemFiles.read(config);
      return files.sameContent(previous.files()) ? null : ServerCertificate.of(files, vertx);
    }).compose(next -> next == null ? Future.succeededFuture(previous) : apply(previous, next))
        .onComplete(result -> {
          checking.set(false);
          if (result.succeeded()) {
            if (result.result() != previous) {
              applied.increment();
              LOG.info("TLS certificate reloaded: new handshakes get {}", result.result().describe());
            }
            lastProblem = null;
          } else {
            String problem = result.cause().getMessage();
            // Counted and logged once per problem, not at every check while the files stay broken.
            if (!Objects.equals(problem, lastProblem)) {
              rejected.increment();
              LOG.warn("TLS certificate files changed but cannot be used; the API port keeps serving {}: {}", previous.describe(), problem);
            }
            lastProblem = problem;
          }
        });
  }

  private Future<ServerCertificate> apply(ServerCertificate previous, ServerCertificate next) {
    current = next;
    List<Future<Boolean>> updates = fronts.stream().map(front -> front.updateSSLOptions(next.applyTo(template))).toList();
    return Future.all(updates).map(next).recover(e -> {
      // Retried at the next check, which sees files that differ from what the fronts serve.
      current = previous;
      return Future.failedFuture(new IllegalStateException("a front refused the new certificate: " + e.getMessage(), e));
    });
  }
}
