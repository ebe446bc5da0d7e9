package io.dynaccel.server.cluster;

import io.dynaccel.server.cluster.internal.HazelcastSetup;
import io.dynaccel.server.cluster.internal.LeaseTable;
import io.dynaccel.server.cluster.internal.Members;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions this node owns, and since when: the rule that keeps the cache coherent across nodes.
 *
 * <p>The view (the serving members, and rendezvous ownership over them) says who <em>should</em> own each
 * partition. A node <em>acts</em> as a partition's owner, serving it from its cache and executing its
 * writes, only while it holds the partition's lease in the cluster-wide {@link LeaseTable}, which moves
 * by compare-and-set. A node gives a lease up only after it has stopped serving the partition, its writes
 * in flight have finished and its entries are dropped; it takes a lease only if it is free, or its holder
 * has left the cluster at least {@link HazelcastSetup#departedLeaseGrace()} ago (by then the holder, if it
 * is alive on the other side of a split, has lost its quorum and stopped). Every grant raises the
 * partition's epoch; cache entries are stamped with the epoch they were filled under and served only
 * under that same epoch, so an entry never outlives an interruption of ownership. A partition just
 * taken is served only once its write-back state is adopted ({@link PartitionAdoption}).
 *
 * <p>All changes run in {@link #reconcile()}, on one thread; the request path only reads the published
 * {@link #route} table. That table stands only within the stretch of majority confirmation it was
 * published in ({@link Members#confirmedRun()}): a reconcile can be blocked for seconds on a call to a
 * member just cut off, and the departed grace the majority waits out before taking a lease counts on
 * this member stopping within the confirmation's window. After any lapse the partitions held are
 * handed back and taken anew, and writes that were in flight across it are not acknowledged.
 */
public final class Ownership {

  private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);

  /** ADOPTING: the lease is held, the previous owner's write-back state is being taken over; not served yet. */
  private enum Phase { IDLE, ADOPTING, ACTIVE, DRAINING }

  /** How long an adoption may take before it is given up and started again. */
  private static final Duration ADOPTION_TIMEOUT = Duration.ofSeconds(30);
  /** A step slower than this is logged. */
  private static final Duration SLOW_STEP = Duration.ofSeconds(2);

  private final Members members;
  private final Takeover takeover;
  private final Duration departedGrace;
  private final LongSupplier nanoTime;
  private final AtomicIntegerArray inflight = new AtomicIntegerArray(Partitions.COUNT);
  private final Phase[] phases = new Phase[Partitions.COUNT];
  /** Lease epochs while held; read by write-back, which versions its records by them. */
  private final AtomicLongArray epochs = new AtomicLongArray(Partitions.COUNT);
  private final BitSet takenFromDeparted = new BitSet(Partitions.COUNT);
  /** Partitions whose grant to this member failed and so may have been made: until read again. */
  private final BitSet grantsUnknown = new BitSet(Partitions.COUNT);
  /** The adoption under way, if any, and its partitions: one at a time, looked at by each reconcile. */
  private CompletableFuture<?> adoptionUnderWay;
  private BitSet adoptingNow = new BitSet();
  private final long[] adoptingEpochs = new long[Partitions.COUNT];
  /**
   * This node's own number for each tenure, what the caches stamp: unlike a lease epoch it can never
   * come round again, even if the cluster loses the lease table and grants epoch 1 anew.
   */
  private final long[] stints = new long[Partitions.COUNT];
  private long lastStint;
  private final long[] freshUntil = new long[Partitions.COUNT];
  private final long[] uncachedUntil = new long[Partitions.COUNT];
  private final long[] drainingSince = new long[Partitions.COUNT];
  private final Map<String, Long> departedAt = new HashMap<>();
  private Set<String> lastMembers = Set.of();
  // Set from event loops; read by reconcile. Nothing the event loop calls takes reconcile's lock,
  // which is held across blocking cluster calls.
  private volatile PartitionDrop drop = partitions -> { };
  private volatile PartitionAdoption adoption = PartitionAdoption.NONE;
  private volatile GuardedSince guarded = (partition, sinceNanos) -> false;
  private volatile NodeInfo self;
  private volatile boolean leaving;
  private boolean announced;
  private volatile boolean holdsNothing = true;
  private volatile Map<Integer, Long> ownedEpochs = Map.of();
  private long lastRefresh;
  private volatile ClusterView view = ClusterView.EMPTY;
  private volatile Published published;
  /** The confirmation stretch the last reconcile ran in (that thread only). */
  private long lastRun;
  /** 1 for a partition given up because the confirmation lapsed, until released: its writes in flight are not acknowledged. */
  private final AtomicIntegerArray interrupted = new AtomicIntegerArray(Partitions.COUNT);
  private volatile boolean quorum;

  /**
   * Creates the ownership of this member of {@code members}.
   *
   * @param takeover how a partition just taken over is read and cached
   * @param nanoTime the clock of leases and freshness
   */
  public Ownership(Members members, Takeover takeover, LongSupplier nanoTime) {
    this(members, takeover, HazelcastSetup.departedLeaseGrace(), nanoTime);
  }

  Ownership(Members members, Takeover takeover, Duration departedGrace, LongSupplier nanoTime) {
    this.members = members;
    this.takeover = takeover;
    this.departedGrace = departedGrace;
    this.nanoTime = nanoTime;
    Arrays.fill(phases, Phase.IDLE);
    Route[] initial = new Route[Partitions.COUNT];
    Arrays.fill(initial, Route.PENDING);
    this.published = new Published(initial, 0);
  }

  /** Sets what drops a partition's cache entries when this node stops owning it. */
  public void onDrop(PartitionDrop drop) {
    this.drop = drop;
  }

  /**
   * Sets what takes over a partition's write-back state once its lease is taken, before it is served. With
   * one set, a partition never granted in this lease table (the cluster has just formed) is taken only
   * once every member has announced itself: each member offers what its log still holds before it
   * announces, and the first owner must see all of it.
   */
  public void onAdopt(PartitionAdoption adoption) {
    this.adoption = adoption;
  }

  /** Whether other members' writes hold guards here on a partition that were opened before a given time. */
  @FunctionalInterface
  public interface GuardedSince {
    /** Whether a guard on {@code partition} opened before {@code sinceNanos} is still open. */
    boolean test(int partition, long sinceNanos);
  }

  /**
   * Sets what tells whether other members' writes hold guards here on a partition: its lease is not
   * released while a guard opened before the partition began draining is open. Guards opened later
   * need not hold it: those writes guard the new owner too, since the view names it, and an owner that
   * does not hold its lease yet keeps their guards until it does; waiting for them as well would never
   * end under a steady load.
   */
  public void whileGuarded(GuardedSince guarded) {
    this.guarded = guarded;
  }

  /** Announces that this node serves at {@code self}: from the next reconcile on, it takes part in ownership. */
  public void serveAs(NodeInfo self) {
    this.self = self;
  }

  /** Withdraws this node from ownership: its partitions move to the others once it has released them. */
  public void leave() {
    leaving = true;
  }

  /** Whether this node holds no lease any more (after {@link #leave()}, once it has handed everything over). */
  public boolean holdsNothing() {
    return holdsNothing;
  }

  /** The routes a reconcile published, and the confirmation stretch they stand in. */
  private record Published(Route[] routes, long run) {
  }

  /**
   * Where a call on {@code partition} goes now: not served here once the confirmation stretch the
   * routes were published in has ended, whatever the ownership thread is doing.
   */
  public Route route(int partition) {
    Published now = published;
    Route route = now.routes()[partition];
    return route.kind() == Route.Kind.SERVE && !standing(now) ? Route.PENDING : route;
  }

  /** Whether {@code routes} were published in the confirmation stretch running now. */
  private boolean standing(Published routes) {
    return members.confirmedRun() == routes.run();
  }

  /** The current view: serving members and who should own what. */
  public ClusterView view() {
    return view;
  }

  /** Whether this node sees a quorum of members: the last reconcile saw one, in the confirmation stretch still running. */
  public boolean hasQuorum() {
    return quorum && standing(published);
  }

  /** This member's id. */
  public String localId() {
    return members.localId();
  }

  /**
   * The tenure under which this node serves {@code partition} from its cache, or 0 if it must not (it
   * does not hold the lease). Caches stamp fills with it and serve an entry only under the same one;
   * every grant of the lease to this node starts a new tenure.
   */
  public long epoch(int partition) {
    Route route = route(partition);
    return route.kind() == Route.Kind.SERVE ? route.epoch() : 0;
  }

  /**
   * The lease epoch under which this node holds {@code partition} (taken over or served), or 0: write-back
   * versions the changes it logs and replicates by it.
   */
  public long leaseEpoch(int partition) {
    return epochs.get(partition);
  }

  /**
   * Registers a write this node executes as the partition's owner, so that the lease is not handed over
   * while it is in flight; pair with {@link #exit}.
   *
   * @return false if this node does not hold the lease under {@code epoch} (nothing registered)
   */
  public boolean enter(int partition, long epoch) {
    inflight.incrementAndGet(partition);
    if (epoch(partition) != epoch || epoch == 0) {
      inflight.decrementAndGet(partition);
      return false;
    }
    return true;
  }

  /**
   * Ends a write registered with {@link #enter}.
   *
   * @return whether its success may be acknowledged: whether this node still has its quorum. A node that
   *     lost it may have been dropped by the majority, whose new owner takes the lease once the departed
   *     grace has passed and may have filled the item before this write landed; acknowledged now, the
   *     write could be unseen there. Until the grace has passed nobody takes the lease, so a node that
   *     still has its quorum may acknowledge.
   */
  public boolean exit(int partition) {
    // Still in the stretch the routes were published in, and the partition not given up for a lapse
    // since: then the confirmation has not lapsed since the write entered.
    boolean acknowledgeable = members.quorum() && standing(published) && interrupted.get(partition) == 0;
    inflight.decrementAndGet(partition);
    return acknowledgeable;
  }

  /**
   * One step towards the view: releases what this node should no longer own, takes what it should, and
   * publishes the routes. Blocks on cluster calls; run it on the ownership thread only.
   */
  public synchronized void reconcile() {
    long now = nanoTime.getAsLong();
    String me = members.localId();
    long run = members.confirmedRun();
    boolean hasQuorum = run != 0 && members.quorum();
    // A stretch this thread did not see begin: it lapsed while this thread was blocked, and the
    // majority may have granted this member's leases to others meanwhile.
    boolean resumed = lastRun != 0 && run != 0 && run != lastRun;
    lastRun = run;
    Set<String> current = members.memberIds();
    for (String gone : lastMembers) {
      if (!current.contains(gone)) {
        departedAt.putIfAbsent(gone, now);
      }
    }
    departedAt.keySet().removeIf(current::contains);
    lastMembers = Set.copyOf(current);
    if (hasQuorum) {
      try {
        if (now - lastRefresh > Duration.ofSeconds(1).toNanos()) {
          members.refresh();
          lastRefresh = now;
        }
        // Announced again whenever the entry is missing: after a split heals, the map keeps what the
        // majority held, which no longer lists a member it had dropped.
        if (self != null && !leaving) {
          if (!members.serving().containsKey(me)) {
            members.announce(self);
          }
          announced = true;
        } else if (leaving && announced) {
          members.withdraw();
          announced = false;
        }
      } catch (RuntimeException e) {
        LOG.debug("Cluster refused a membership call for now; retrying at the next reconcile", e);
      }
    }
    List<NodeInfo> serving = new ArrayList<>();
    members.serving().forEach((id, info) -> {
      if (current.contains(id) && !(leaving && id.equals(me))) {
        serving.add(info);
      }
    });
    ClusterView next = ClusterView.of(serving);
    if (!next.sameMembers(view)) {
      LOG.info("Cluster view: {} serving member(s) {}; this member {}", serving.size(),
          next.members().stream().map(m -> m.id() + "=" + m.api()).toList(), me);
    } else {
      next = view;
    }
    BitSet dropped = new BitSet();
    BitSet nowDraining = new BitSet();
    BitSet toAdopt = new BitSet();
    BitSet releasable = new BitSet();
    BitSet wanted = new BitSet();
    Set<String> announcedIds = members.serving().keySet();
    for (int p = 0; p < Partitions.COUNT; p++) {
      boolean shouldOwn = hasQuorum && !resumed && announced && !leaving && next.owns(me, p);
      switch (phases[p]) {
        case ADOPTING -> {
          if (shouldOwn) {
            toAdopt.set(p);
          } else {
            phases[p] = Phase.DRAINING;
            nowDraining.set(p);
          }
        }
        case ACTIVE -> {
          if (!shouldOwn) {
            phases[p] = Phase.DRAINING; // published below, before anything is released
            nowDraining.set(p);
            if (!hasQuorum || resumed) {
              interrupted.set(p, 1);
            }
          }
        }
        case DRAINING -> {
          if (inflight.get(p) == 0 && !guarded.test(p, drainingSince[p])) {
            releasable.set(p);
          }
        }
        case IDLE -> {
          if (shouldOwn) {
            wanted.set(p);
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    // One call for all the leases to give up and one (after a read) for all those to take: with a call
    // per partition, each retried while the cluster migrates its own data, a joiner took 11 s over its leases.
    release(releasable, me, hasQuorum).stream().forEach(p -> {
      dropped.set(p);
      phases[p] = Phase.IDLE;
      interrupted.set(p, 0);
    });
    if (hasQuorum) {
      releaseStrayGrants(wanted, me);
    }
    toAdopt.or(acquire(wanted, me, current, announcedIds, now));
    adopt(toAdopt);
    if (!dropped.isEmpty()) {
      drop.drop(dropped);
    }
    Route[] table = new Route[Partitions.COUNT];
    for (int p = 0; p < Partitions.COUNT; p++) {
      if (phases[p] == Phase.ACTIVE) {
        table[p] = new Route(Route.Kind.SERVE, null, stints[p], freshUntil[p], uncachedUntil[p]);
      } else if (next.owns(me, p) || next.owner(p).isEmpty()) {
        table[p] = Route.PENDING;
      } else {
        table[p] = Route.forward(next.owner(p).get());
      }
    }
    Map<Integer, Long> owned = new TreeMap<>();
    boolean none = true;
    for (int p = 0; p < Partitions.COUNT; p++) {
      none &= phases[p] == Phase.IDLE;
      if (phases[p] == Phase.ACTIVE) {
        owned.put(p, epochs.get(p));
      }
    }
    ownedEpochs = Collections.unmodifiableMap(owned);
    holdsNothing = none;
    view = next;
    quorum = hasQuorum;
    published = new Published(table, run);
    // Taken after the routes are out: a guard opened earlier may have been told this node holds the
    // partition, so only the writer's guard here protects it; one opened later was told otherwise.
    long publishedAt = nanoTime.getAsLong();
    nowDraining.stream().forEach(p -> drainingSince[p] = publishedAt);
    long tookNanos = publishedAt - now;
    if (tookNanos > SLOW_STEP.toNanos()) {
      // Calls on moving partitions wait meanwhile: an operator sees here why they were slow or failed.
      LOG.warn("An ownership step took {} ms: the cluster's calls were slow (a member gone silent, migration or a busy machine)",
          tookNanos / 1_000_000);
    }
  }

  /** Releases the leases of {@code partitions}; returns those released (none without a quorum or if the cluster refused). */
  private BitSet release(BitSet partitions, String me, boolean hasQuorum) {
    if (partitions.isEmpty() || !hasQuorum) {
      // Without a quorum nobody can take a lease from a member that still holds it and is still a
      // member; once this member is removed, the others wait out the departed grace first.
      return new BitSet();
    }
    Map<Integer, Long> held = new TreeMap<>();
    partitions.stream().forEach(p -> held.put(p, epochs.get(p)));
    try {
      members.leases().releaseAll(held, me);
    } catch (RuntimeException e) {
      LOG.debug("Leases of {} partition(s) not released yet", held.size(), e);
      return new BitSet();
    }
    partitions.stream().forEach(p -> epochs.set(p, 0));
    return partitions;
  }

  /** Takes the leases of {@code wanted} that it may; returns those taken (they are then ADOPTING). */
  private BitSet acquire(BitSet wanted, String me, Set<String> current, Set<String> announcedIds, long now) {
    BitSet taken = new BitSet();
    if (wanted.isEmpty()) {
      return taken;
    }
    Set<Integer> partitions = new TreeSet<>();
    wanted.stream().forEach(partitions::add);
    try {
      Map<Integer, LeaseTable.Lease> leases = members.leases().getAll(partitions);
      partitions.removeIf(p -> !mayTake(leases.get(p), me, current, announcedIds, now));
      if (partitions.isEmpty()) {
        return taken;
      }
      Map<Integer, Long> granted = members.leases().grantAll(partitions, leases, me);
      partitions.forEach(grantsUnknown::clear);
      granted.forEach((p, epoch) -> {
        LeaseTable.Lease lease = leases.get(p);
        boolean fromDeparted = lease != null && !lease.free() && !lease.holder().equals(me);
        epochs.set(p, epoch);
        stints[p] = ++lastStint;
        freshUntil[p] = now + takeover.consistentFills().toNanos();
        uncachedUntil[p] = fromDeparted ? now + takeover.uncachedAfterDeparture().toNanos() : now;
        takenFromDeparted.set(p, fromDeparted);
        phases[p] = Phase.ADOPTING;
        taken.set(p);
      });
    } catch (RuntimeException e) {
      // Some may have been granted all the same: see releaseStrayGrants.
      partitions.forEach(grantsUnknown::set);
      LOG.debug("Leases of {} partition(s) not granted yet", partitions.size(), e);
    }
    return taken;
  }

  /**
   * Releases the leases that a failed grant may have given this member all the same, of partitions it
   * no longer wants: their holder is a member, so nobody else would take them. Those it still wants
   * it takes anew ({@link #mayTake} lets it take a lease that names it).
   */
  private void releaseStrayGrants(BitSet wanted, String me) {
    BitSet stray = (BitSet) grantsUnknown.clone();
    stray.andNot(wanted);
    if (stray.isEmpty()) {
      return;
    }
    Set<Integer> partitions = new TreeSet<>();
    stray.stream().filter(p -> phases[p] == Phase.IDLE).forEach(partitions::add);
    try {
      Map<Integer, Long> held = new TreeMap<>();
      members.leases().getAll(partitions).forEach((p, lease) -> {
        if (lease.holder().equals(me)) {
          held.put(p, lease.epoch());
        }
      });
      members.leases().releaseAll(held, me);
      stray.stream().forEach(grantsUnknown::clear);
    } catch (RuntimeException e) {
      LOG.debug("Leases of {} partition(s) perhaps granted here not released yet", partitions.size(), e);
    }
  }

  /** Whether this member may take a lease as it stands ({@code null}: never granted). */
  private boolean mayTake(LeaseTable.Lease lease, String me, Set<String> current, Set<String> announcedIds, long now) {
    if (lease == null) {
      // A member may still be offering what its log holds of it.
      return adoption == PartitionAdoption.NONE || announcedIds.containsAll(current);
    }
    if (lease.free() || lease.holder().equals(me)) {
      return true;
    }
    if (current.contains(lease.holder())) {
      return false; // its holder has not handed it over yet
    }
    long gone = departedAt.computeIfAbsent(lease.holder(), id -> now);
    return now - gone >= departedGrace.toNanos();
  }

  /**
   * Serves the partitions whose write-back state the adoption under way has taken over, and starts the
   * next adoption of those still waiting: partitions stay ADOPTING (unserved) until theirs completes, and
   * one that failed is adopted again.
   */
  private void adopt(BitSet waiting) {
    if (adoptionUnderWay != null && adoptionUnderWay.isDone()) {
      finishAdoption();
    }
    if (adoptionUnderWay != null) {
      return;
    }
    BitSet next = new BitSet();
    waiting.stream().filter(p -> phases[p] == Phase.ADOPTING).forEach(next::set);
    if (next.isEmpty()) {
      return;
    }
    BitSet departed = (BitSet) takenFromDeparted.clone();
    departed.and(next);
    adoptingNow = next;
    // A partition given up and taken again while this adoption runs is adopted anew under its new lease.
    next.stream().forEach(p -> adoptingEpochs[p] = epochs.get(p));
    try {
      adoptionUnderWay = adoption.adopt(next, departed).toCompletableFuture().orTimeout(ADOPTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      adoptionUnderWay = CompletableFuture.failedFuture(e);
    }
    if (adoptionUnderWay.isDone()) {
      finishAdoption(); // nothing to take over: served in this same reconcile
    }
  }

  private void finishAdoption() {
    if (adoptionUnderWay.isCompletedExceptionally()) {
      LOG.warn("Write-back state of {} partition(s) not taken over yet; retrying", adoptingNow.cardinality(),
          adoptionUnderWay.handle((v, e) -> e).join());
    } else {
      adoptingNow.stream().filter(p -> phases[p] == Phase.ADOPTING && epochs.get(p) == adoptingEpochs[p]).forEach(p -> phases[p] = Phase.ACTIVE);
    }
    adoptionUnderWay = null;
    adoptingNow = new BitSet();
  }

  /** The partitions this node serves now, with their lease epochs, for {@code GET /cluster}. */
  public Map<Integer, Long> ownedEpochs() {
    return ownedEpochs;
  }

}
