package io.dynaccel.server.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * The node's one meter registry, with the JVM, GC and process meters bound to it.
 *
 * <p>It exists before Vert.x does: Vert.x reports its own meters (event loops, worker pools, HTTP
 * clients, the event bus and, when asked, HTTP servers) only to a registry it is built with ({@link #vertxBuilder}),
 * and every other meter of the node goes to the same registry ({@link DynaccelMetrics}), so one
 * scrape shows them all. Close it after Vert.x.
 */
public final class NodeRegistry implements AutoCloseable {

  /**
   * The Vert.x labels kept: each has a handful of values. Remote and local addresses, HTTP paths and
   * event bus addresses are left out: the first three grow with clients and requests, and the
   * cluster's addresses name member ids, new at every restart of a member.
   */
  private static final String POOL_TYPE = Label.POOL_TYPE.toString();
  private static final EnumSet<Label> VERTX_LABELS = EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
      Label.EB_SIDE, Label.EB_FAILURE, Label.CLIENT_NAME);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final boolean httpServerMeters;

  /** A registry whose Vert.x leaves out its HTTP server meters, as {@code admin.httpServerMeters} does by default. */
  public NodeRegistry() {
    this(false);
  }

  /**
   * Creates the registry and binds the JVM and process meters to it.
   *
   * @param httpServerMeters whether Vert.x built by {@link #vertxBuilder} reports its HTTP server meters
   *     ({@code admin.httpServerMeters}); its HTTP client, pool and event bus meters are reported either way
   */
  public NodeRegistry(boolean httpServerMeters) {
    this.httpServerMeters = httpServerMeters;
    // An HTTP client's connection pools are named by the address they connect to (DynamoDB, each
    // member forwarded to); the client's own meters cover those connections without the address.
    registry.config().meterFilter(MeterFilter.deny(id -> "http".equals(id.getTag(POOL_TYPE))));
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** The registry, for {@link DynaccelMetrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** A Vert.x builder with {@code options} whose Vert.x reports its meters to this registry. */
  public VertxBuilder vertxBuilder(VertxOptions options) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setLabels(EnumSet.copyOf(VERTX_LABELS));
    if (!httpServerMeters) {
      metrics.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    }
    return Vertx.builder().with(new VertxOptions(options).setMetricsOptions(metrics)).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Stops the GC meters listening to the JVM's notifications, and closes the registry. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
