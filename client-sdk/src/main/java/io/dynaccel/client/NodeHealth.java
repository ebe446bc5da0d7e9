package io.dynaccel.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks which nodes are up: a failed call marks its node down, and a background task probes the down nodes until
 * they answer again. Up nodes are not probed: traffic tells soon enough when one fails.
 */
final class NodeHealth implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeHealth.class);

  private final List<Node> nodes = new CopyOnWriteArrayList<>();
  private final HealthProbe probe;
  private volatile ScheduledFuture<?> probing;

  NodeHealth(List<Node> nodes, HealthProbe probe) {
    this.nodes.addAll(nodes);
    this.probe = probe;
  }

  /** Starts probing down nodes every {@code interval} on {@code scheduler}. */
  void start(ScheduledExecutorService scheduler, Duration interval) {
    long millis = Math.max(1, interval.toMillis());
    probing = scheduler.scheduleWithFixedDelay(() -> {
      try {
        probeDownNodes();
      } catch (RuntimeException e) {
        // A periodic task that throws is never run again; the next tick probes anew.
        LOG.warn("Dynaccel health probe failed", e);
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Probes {@code node} too when it is down: a cluster member the client learnt of after it was built. */
  void watch(Node node) {
    nodes.add(node);
  }

  void markDown(Node node, Throwable cause) {
    if (node.markDown()) {
      LOG.warn("Dynaccel node {} marked down: {}", node.endpoint(), Failures.unwrap(cause).toString());
    }
  }

  /** Probes every down node once and marks up those that answer. */
  void probeDownNodes() {
    for (Node node : nodes) {
      if (!node.isUp() && probe.isHealthy(node.endpoint()) && node.markUp()) {
        LOG.info("Dynaccel node {} is up again", node.endpoint());
      }
    }
  }

  @Override
  public void close() {
    ScheduledFuture<?> task = probing;
    if (task != null) {
      task.cancel(false);
    }
  }
}
