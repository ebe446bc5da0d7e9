package io.dynaccel.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The nodes behind one Dynaccel client and the SDK client for each: picks the node for a request (by key on the hash
 * ring, round-robin otherwise, the fallback endpoint when none is up) and owns everything that {@code close()}
 * releases.
 *
 * @param <C> the SDK client type, sync or async
 */
final class Cluster<C extends SdkAutoCloseable> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

  /** Where one attempt goes: a node and its client, or the fallback client with a null node. */
  record Target<C>(Node node, C client) {
  }

  /** Retries on another node after a node failure; the fallback endpoint may take one more. */
  static final int MAX_RETRIES = 1;

  private final List<Node> nodes;
  private final Map<Node, C> clients;
  private final C fallback;
  private final HashRing ring;
  private final NodeHealth health;
  private final ScheduledExecutorService scheduler;
  private final List<AutoCloseable> resources;
  private final KeySchemas keySchemas = new KeySchemas();
  private final AtomicInteger nextNode = new AtomicInteger();
  private volatile boolean onFallback;

  /**
   * @param clients one client per node, in node order
   * @param fallback the client of the fallback endpoint, or null
   * @param resources closed last, in order, by {@link #close()} (scheduler, event loops, credentials we made)
   */
  Cluster(List<Node> nodes, List<C> clients, C fallback, NodeHealth health, ScheduledExecutorService scheduler,
      List<AutoCloseable> resources) {
    if (nodes.isEmpty() || nodes.size() != clients.size()) {
      throw new IllegalArgumentException("one client per node, and at least one node");
    }
    this.nodes = List.copyOf(nodes);
    this.clients = new IdentityHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      this.clients.put(nodes.get(i), clients.get(i));
    }
    this.fallback = fallback;
    this.ring = new HashRing(this.nodes, HashRing.DEFAULT_VIRTUAL_NODES);
    this.health = health;
    this.scheduler = scheduler;
    this.resources = List.copyOf(resources);
  }

  /**
   * The target of a request: the live owner of {@code routingKey} on the ring, or the next live node in turn when
   * the request has no single key. With no node up it is the fallback endpoint; without one, the node that would
   * serve the request if all were up, in case the marks are older than the node's recovery.
   */
  Target<C> target(byte[] routingKey) {
    Node node = routingKey == null ? nextLiveNode() : ring.liveOwner(routingKey);
    if (node == null && fallback != null) {
      if (!onFallback) {
        onFallback = true;
        LOG.warn("No Dynaccel node is up: sending requests to the fallback endpoint until one recovers");
      }
      return new Target<>(null, fallback);
    }
    if (onFallback && node != null) {
      onFallback = false;
      LOG.info("A Dynaccel node is up again: leaving the fallback endpoint");
    }
    if (node == null) {
      node = routingKey == null ? nodes.get(Math.floorMod(nextNode.getAndIncrement(), nodes.size())) : ring.owner(routingKey);
    }
    return new Target<>(node, clients.get(node));
  }

  /**
   * Where to retry a request that failed on {@code failed} (whose node has been marked down since): the new target,
   * or null when that would be the same place again.
   */
  Target<C> retryTarget(byte[] routingKey, Target<C> failed) {
    if (failed.node() == null) {
      return null; // the fallback endpoint: its SDK client has retried already
    }
    Target<C> next = target(routingKey);
    if (next.node() != failed.node()) {
      return next;
    }
    // The node is still up (it answered a 5xx), or none is and there is no fallback: take the next node in the
    // list, a live one if any, rather than the one that just failed.
    int failedAt = nodes.indexOf(failed.node());
    Node other = null;
    for (int step = 1; step < nodes.size(); step++) {
      Node candidate = nodes.get((failedAt + step) % nodes.size());
      if (candidate.isUp()) {
        other = candidate;
        break;
      }
      if (other == null) {
        other = candidate;
      }
    }
    return other == null ? null : new Target<>(other, clients.get(other));
  }

  /** Records a failed attempt: marks its node down when the node itself failed. */
  void failed(Target<C> target, Throwable failure) {
    if (target.node() != null && Failures.isNodeFailure(failure)) {
      health.markDown(target.node(), failure);
    }
  }

  private Node nextLiveNode() {
    int start = nextNode.getAndIncrement();
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(Math.floorMod(start + i, nodes.size()));
      if (node.isUp()) {
        return node;
      }
    }
    return null;
  }

  List<Node> nodes() {
    return nodes;
  }

  C anyClient() {
    return clients.get(nodes.get(0));
  }

  KeySchemas keySchemas() {
    return keySchemas;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  List<URI> endpoints() {
    List<URI> endpoints = new ArrayList<>();
    nodes.forEach(node -> endpoints.add(node.endpoint()));
    return endpoints;
  }

  @Override
  public void close() {
    health.close();
    List<AutoCloseable> all = new ArrayList<>(clients.values());
    if (fallback != null) {
      all.add(fallback);
    }
    all.addAll(resources);
    RuntimeException first = null;
    for (AutoCloseable resource : all) {
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("closing the Dynaccel client", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
