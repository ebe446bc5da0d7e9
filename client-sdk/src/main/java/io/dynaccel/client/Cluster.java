package io.dynaccel.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The nodes behind one Dynaccel client and the SDK client for each: picks the node for a request (the owner of its
 * partition when the nodes form a cluster whose map is known and the owner is up; else by key on the hash ring over
 * the configured nodes, round-robin otherwise; the fallback endpoint when none is up) and owns everything that
 * {@code close()} releases.
 *
 * <p>Members of the cluster that are not among the configured endpoints get a node and a client of their own when
 * the map first names them.
 *
 * @param <C> the SDK client type, sync or async
 */
final class Cluster<C extends SdkAutoCloseable> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

  /** Where one attempt goes: a node and its client, or the fallback client with a null node. */
  record Target<C>(Node node, C client) {
  }

  /** The map in force and the node of each of its members, by member index. */
  private record Members(OwnershipMap map, List<Node> nodes) {
  }

  /** Retries on another node after a node failure; the fallback endpoint may take one more. */
  static final int MAX_RETRIES = 1;

  private final List<Node> nodes;
  private final Map<URI, Node> byEndpoint = new ConcurrentHashMap<>();
  private final Map<Node, C> clients = new ConcurrentHashMap<>();
  private final Function<URI, C> clientFor;
  private final C fallback;
  private final HashRing ring;
  private final NodeHealth health;
  private final OwnershipMaps ownership;
  private final ScheduledExecutorService scheduler;
  private final List<AutoCloseable> resources;
  private final KeySchemas keySchemas = new KeySchemas();
  private final AtomicInteger nextNode = new AtomicInteger();
  private volatile Members members;
  private volatile boolean onFallback;
  private volatile boolean closed;

  /**
   * @param nodes the configured nodes
   * @param clients one client per configured node, in node order
   * @param fallback the client of the fallback endpoint, or null
   * @param resources closed last, in order, by {@link #close()} (scheduler, event loops, credentials we made)
   * @param clientFor makes the client of a cluster member that is not a configured node
   * @param maps where the cluster's ownership map is read
   */
  Cluster(List<Node> nodes, List<C> clients, C fallback, NodeHealth health, ScheduledExecutorService scheduler,
      List<AutoCloseable> resources, Function<URI, C> clientFor, MapSource maps) {
    if (nodes.isEmpty() || nodes.size() != clients.size()) {
      throw new IllegalArgumentException("one client per node, and at least one node");
    }
    this.nodes = List.copyOf(nodes);
    for (int i = 0; i < nodes.size(); i++) {
      this.byEndpoint.put(nodes.get(i).endpoint(), nodes.get(i));
      this.clients.put(nodes.get(i), clients.get(i));
    }
    this.clientFor = clientFor;
    this.fallback = fallback;
    this.ring = new HashRing(this.nodes, HashRing.DEFAULT_VIRTUAL_NODES);
    this.health = health;
    this.scheduler = scheduler;
    this.resources = List.copyOf(resources);
    this.ownership = new OwnershipMaps(endpoints(), maps, endpoint -> {
      Node node = byEndpoint.get(endpoint);
      return node != null && !node.isUp();
    }, this::install, System::nanoTime);
  }

  /** Learns the cluster's ownership map now (if the nodes form one), then again every {@code interval}. */
  void learnOwnership(Duration interval) {
    ownership.start(scheduler, interval);
  }

  /** Whether the nodes form a cluster whose map is known: only then do requests need their partition. */
  boolean partitioned() {
    return members != null;
  }

  /**
   * The target of a request: the owner of its partition when that is known and up; else the live owner of its key
   * on the ring, or the next live node in turn when the request has no single key. With no node up it is the
   * fallback endpoint; without one, the node that would serve the request if all were up, in case the marks are
   * older than the node's recovery.
   */
  Target<C> target(RoutingKey key) {
    Node node = owner(key);
    if (node == null) {
      byte[] ringKey = key == null ? null : key.ringKey();
      node = ringKey == null ? nextLiveNode() : ring.liveOwner(ringKey);
    }
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
      List<Node> candidates = candidates();
      node = key == null || key.ringKey() == null
          ? candidates.get(Math.floorMod(nextNode.getAndIncrement(), candidates.size()))
          : ring.owner(key.ringKey());
    }
    return new Target<>(node, clients.get(node));
  }

  /** The owner of the key's partition if the map names one and it is up, else null. */
  private Node owner(RoutingKey key) {
    Members now = members;
    if (now == null || key == null || key.partition() == Partitions.NONE) {
      return null;
    }
    int index = now.map().owners()[key.partition()];
    if (index < 0) {
      return null;
    }
    Node node = now.nodes().get(index);
    return node.isUp() ? node : null;
  }

  /**
   * Where to retry a request that failed on {@code failed} (whose node has been marked down since): the new target,
   * or null when that would be the same place again.
   */
  Target<C> retryTarget(RoutingKey key, Target<C> failed) {
    if (failed.node() == null) {
      return null; // the fallback endpoint: its SDK client has retried already
    }
    Target<C> next = target(key);
    if (next.node() != failed.node()) {
      return next;
    }
    // The node is still up (it answered a 5xx), or none is and there is no fallback: take the next node in the
    // list, a live one if any, rather than the one that just failed.
    List<Node> candidates = candidates();
    int start = candidates.indexOf(failed.node()) + 1;
    Node other = null;
    for (int step = 0; step < candidates.size(); step++) {
      Node candidate = candidates.get((start + step) % candidates.size());
      if (candidate == failed.node()) {
        continue;
      }
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

  /**
   * Records a failed attempt: marks its node down when the node itself failed, and asks for the map again, since a
   * node that fails may have left the cluster and its partitions moved.
   */
  void failed(Target<C> target, Throwable failure) {
    if (target.node() != null && Failures.isNodeFailure(failure)) {
      health.markDown(target.node(), failure);
      ownership.refreshSoon();
    }
  }

  /** The nodes that requests without an owner are spread over: the cluster's members once known, else the configured ones. */
  private List<Node> candidates() {
    Members now = members;
    return now == null || now.nodes().isEmpty() ? nodes : now.nodes();
  }

  private Node nextLiveNode() {
    List<Node> candidates = candidates();
    int start = nextNode.getAndIncrement();
    for (int i = 0; i < candidates.size(); i++) {
      Node node = candidates.get(Math.floorMod(start + i, candidates.size()));
      if (node.isUp()) {
        return node;
      }
    }
    return null;
  }

  /** Puts a new map in force, making nodes for members not seen before. */
  private void install(OwnershipMap map) {
    if (map == null) {
      members = null;
      return;
    }
    List<Node> memberNodes = new ArrayList<>(map.members().size());
    for (URI endpoint : map.members()) {
      memberNodes.add(node(endpoint));
    }
    members = new Members(map, List.copyOf(memberNodes));
  }

  private Node node(URI endpoint) {
    return byEndpoint.computeIfAbsent(endpoint, e -> {
      if (closed) {
        throw new IllegalStateException("the Dynaccel client is closed");
      }
      Node node = new Node(e);
      clients.put(node, clientFor.apply(e));
      health.watch(node);
      return node;
    });
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
    closed = true;
    ownership.close();
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
