package io.dynaccel.server.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.server.cache.Fence;
import io.dynaccel.server.cache.ItemCache;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Query and Scan answers, keyed by the canonical request and by the write generations of what the
 * answer depends on, and never served once a write through this node may have changed them.
 *
 * <p>Each table has a generation for "any item" and one for "the whole table" (writes that cannot
 * name their key), and each written partition has its own. Every write bumps the generations it
 * touches when it starts and again when it ends, and a lookup uses the current ones: a result
 * cached before a write is unreachable from the moment the write starts, long before it is
 * acknowledged, and no scan of the cache is needed. Generations are drawn from one global sequence,
 * so a partition whose state was forgotten comes back with a generation no cached result carries.
 *
 * <p>A fill installs only if no write touching its scope was in flight when it began and the
 * generations are unchanged when it ends: the fill/write race of the item cache, answered the same
 * way. A miss may take the answer of a fill of the same request still in flight on the same terms
 * ({@link #unwrittenSince}): only while the generations that fill began with are all current.
 * All state of a table changes under one lock, writes that may touch every table under another
 * (taken first, never together with a table's); no lock is held across network I/O.
 */
public final class QueryCache {

  private static final int FORGET_PARTITIONS_ABOVE = 10_000;

  private final Cache<Key, CachedResult> results;
  private final AtomicLong evictions = new AtomicLong();
  private final ConcurrentMap<String, TableState> tables = new ConcurrentHashMap<>();
  /** Writes that may touch any table (PartiQL whose table cannot be read); its own lock. */
  private final Generation everyTable = new Generation();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong invalidations = new AtomicLong();
  private final long quarantineNanos;
  private final long consistencyLagNanos;
  private final Ticker ticker;
  private final Fence fence;

  /**
   * Creates the cache.
   *
   * @param maxBytes the weight bound: approximate heap bytes of keys and answers
   * @param ttlNanos time-to-live of a result by table
   * @param quarantine how long a scope stays uncached after a write of unknown outcome: at least
   *     the upstream request timeout
   * @param consistencyLag how far DynamoDB's eventually consistent reads may lag a write: fills
   *     that begin sooner after a write read consistently
   */
  public QueryCache(long maxBytes, ToLongFunction<String> ttlNanos, Duration quarantine, Duration consistencyLag, Ticker ticker) {
    this(maxBytes, ttlNanos, quarantine, consistencyLag, ticker, Fence.ALONE);
  }

  /**
   * Creates the query cache of one member of a cluster: a result is keyed by the ownership epoch of its
   * scope as well, so results filled under an epoch that has ended are never reached again.
   *
   * @param fence which scopes this node owns, and under which epoch
   */
  public QueryCache(long maxBytes, ToLongFunction<String> ttlNanos, Duration quarantine, Duration consistencyLag, Ticker ticker,
      Fence fence) {
    this.fence = Objects.requireNonNull(fence);
    this.quarantineNanos = quarantine.toNanos();
    this.consistencyLagNanos = consistencyLag.toNanos();
    this.ticker = ticker;
    this.results =
        Caffeine.newBuilder()
            .ticker(ticker)
            .executor(Runnable::run)
            .maximumWeight(maxBytes)
            .weigher((Key key, CachedResult value) -> key.weight() + value.weight())
            .expireAfter(new ResultExpiry(ttlNanos))
            .evictionListener((Key key, CachedResult value, RemovalCause cause) -> {
              if (cause == RemovalCause.SIZE) {
                evictions.incrementAndGet();
              }
            })
            .build();
  }

  /** Results evicted because the byte bound was reached. */
  public long evictionCount() {
    return evictions.get();
  }

  /** The cache key of a request in a scope, with the scope's current generations. */
  public Key keyOf(QueryScope scope, String canonicalRequest) {
    long every;
    synchronized (everyTable) {
      every = everyTable.value(sequence);
    }
    long epoch = scope.partition() == null ? fence.tableEpoch(scope.table()) : fence.epoch(scope.table(), scope.partition());
    TableState table = table(scope.table());
    synchronized (table) {
      return table.key(scope, canonicalRequest, every, sequence, epoch);
    }
  }

  /** The cached answer for a key, or null on a miss. */
  public CachedResult get(Key key) {
    return results.getIfPresent(key);
  }

  /**
   * Starts a fill: call with the key from {@link #keyOf} before the request goes upstream. The
   * ticket says whether the upstream read must be strongly consistent, because the scope was written
   * too recently for DynamoDB's eventually consistent reads to be sure to show it.
   */
  public QueryFillTicket beginFill(Key key) {
    TableState table = table(key.table());
    long now = ticker.read();
    boolean everyQuiet;
    boolean everyRecent;
    synchronized (everyTable) {
      everyQuiet = everyTable.quiet(now);
      everyRecent = everyTable.writtenWithin(now, consistencyLagNanos);
    }
    boolean notHeldLong = key.epoch() == 0 || (key.partition() == null ? fence.tableRecentlyTaken(key.table())
        : fence.recentlyTaken(key.table(), key.partition()));
    synchronized (table) {
      return new QueryFillTicket(
          key,
          key.epoch() != 0 && everyQuiet && table.quiet(key.partition(), now),
          notHeldLong || everyRecent || table.recentlyWritten(key.partition(), now, consistencyLagNanos));
    }
  }

  /**
   * Whether a miss of the fill's request that arrives now may take the fill's answer as its own: the
   * scope is still served under the fill's epoch, and no write that could change the answer started
   * or ended since the fill's key was taken (its generations are all still current). A write
   * acknowledged before the miss arrived then cannot be missing from what the fill reads. A write in
   * flight since before the fill does not prevent joining: the miss is concurrent with it.
   */
  public boolean unwrittenSince(QueryFillTicket ticket) {
    Key key = ticket.key();
    if (key.epoch() == 0 || key.epoch() != epochOf(key)) {
      return false;
    }
    synchronized (everyTable) {
      if (everyTable.value != key.everyGeneration()) {
        return false;
      }
    }
    TableState table = table(key.table());
    synchronized (table) {
      return table.current(key);
    }
  }

  /**
   * Offers DynamoDB's answer to a fill; it is installed only if no write touched the scope since
   * the fill began.
   *
   * @return whether the answer was installed
   */
  public boolean completeFill(QueryFillTicket ticket, CachedResult result) {
    if (!ticket.cacheable()) {
      return false;
    }
    Key key = ticket.key();
    if (epochOf(key) != key.epoch()) {
      return false;
    }
    long now = ticker.read();
    synchronized (everyTable) {
      // A result installed after this check under a generation that moved on is unreachable.
      if (!everyTable.quiet(now) || everyTable.value != key.everyGeneration()) {
        return false;
      }
    }
    TableState table = table(key.table());
    synchronized (table) {
      if (!table.quiet(key.partition(), now) || !table.current(key)) {
        return false;
      }
      results.put(key, result);
      return true;
    }
  }

  /** Starts a write of one item: results of its table (and its partition) are no longer served. */
  public QueryWriteTicket beginWrite(String tableName, String partition) {
    if (ItemCache.ALL_TABLES.equals(tableName)) {
      synchronized (everyTable) {
        everyTable.begin(sequence);
      }
      invalidations.incrementAndGet();
      return new QueryWriteTicket(tableName, null);
    }
    TableState table = table(tableName);
    synchronized (table) {
      table.begin(partition, sequence);
    }
    invalidations.incrementAndGet();
    return new QueryWriteTicket(tableName, partition);
  }

  /** Starts a write that may touch any item of a table. */
  public QueryWriteTicket beginTableWrite(String tableName) {
    return beginWrite(tableName, null);
  }

  /**
   * Ends a write, whatever its outcome. After a write of unknown outcome, which DynamoDB may still
   * apply, its scope is not cached again until the quarantine has passed.
   */
  public void endWrite(QueryWriteTicket ticket, boolean unknownOutcome) {
    if (ItemCache.ALL_TABLES.equals(ticket.table())) {
      long now = ticker.read();
      synchronized (everyTable) {
        everyTable.end(sequence, now, unknownOutcome ? now + quarantineNanos : null);
      }
      return;
    }
    TableState table = table(ticket.table());
    synchronized (table) {
      long now = ticker.read();
      table.end(ticket.partition(), sequence, now, unknownOutcome ? now + quarantineNanos : null);
      table.forgetQuietPartitions(now, consistencyLagNanos);
    }
  }

  /** Drops every cached result of one table, for operators. */
  public void invalidateTable(String table) {
    results.asMap().keySet().removeIf(key -> key.table().equals(table));
  }

  /** Drops the results whose keys {@code dropped} accepts: scopes this node no longer owns. */
  public void invalidateIf(Predicate<Key> dropped) {
    results.asMap().keySet().removeIf(dropped);
  }

  /** Drops every cached result, for operators. */
  public void invalidateAll() {
    results.invalidateAll();
  }

  /** Writes that made cached results unreachable. */
  public long invalidationCount() {
    return invalidations.get();
  }

  /** Approximate heap bytes held by cached results. */
  public long weightedSize() {
    return results.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Number of cached results. */
  public long size() {
    return results.estimatedSize();
  }

  private long epochOf(Key key) {
    return key.partition() == null ? fence.tableEpoch(key.table()) : fence.epoch(key.table(), key.partition());
  }

  private TableState table(String name) {
    // get first: computeIfAbsent locks the key's bin when another table shares it, on every call.
    TableState table = tables.get(name);
    return table != null ? table : tables.computeIfAbsent(name, n -> new TableState());
  }

  /**
   * Identity of a cached result.
   *
   * @param table the table
   * @param partition the partition of a partition-scoped result, or null
   * @param everyGeneration the generation of writes that may touch any table
   * @param generation the table's any-item generation, or its whole-table generation for a
   *     partition-scoped result
   * @param partitionGeneration the partition's generation, or 0
   * @param request the canonical request
   * @param epoch the ownership epoch of the scope ({@link Fence}); 0: never cached
   */
  public record Key(String table, String partition, long everyGeneration, long generation, long partitionGeneration, String request,
      long epoch) {
    int weight() {
      return 64 + 2 * (table.length() + request.length() + (partition == null ? 0 : partition.length()));
    }
  }

  /** Write activity of one table. Guarded by the instance's own lock. */
  private static final class TableState {
    private final Generation anyItem = new Generation();
    private final Generation wholeTable = new Generation();
    private final Map<String, Generation> partitions = new HashMap<>();
    private int sweepAbove = FORGET_PARTITIONS_ABOVE;

    Key key(QueryScope scope, String request, long every, AtomicLong sequence, long epoch) {
      if (scope.partition() == null) {
        return new Key(scope.table(), null, every, anyItem.value(sequence), 0, request, epoch);
      }
      Generation partition = partitions.computeIfAbsent(scope.partition(), p -> new Generation());
      return new Key(scope.table(), scope.partition(), every, wholeTable.value(sequence), partition.value(sequence), request, epoch);
    }

    boolean current(Key key) {
      if (key.partition() == null) {
        return anyItem.value == key.generation();
      }
      Generation partition = partitions.get(key.partition());
      return wholeTable.value == key.generation() && partition != null && partition.value == key.partitionGeneration();
    }

    boolean recentlyWritten(String partition, long now, long window) {
      if (partition == null) {
        return anyItem.writtenWithin(now, window);
      }
      Generation generation = partitions.get(partition);
      return wholeTable.writtenWithin(now, window) || (generation != null && generation.writtenWithin(now, window));
    }

    boolean quiet(String partition, long now) {
      if (partition == null) {
        return anyItem.quiet(now);
      }
      Generation generation = partitions.get(partition);
      return wholeTable.quiet(now) && (generation == null || generation.quiet(now));
    }

    void begin(String partition, AtomicLong sequence) {
      anyItem.begin(sequence);
      if (partition == null) {
        wholeTable.begin(sequence);
      } else {
        partitions.computeIfAbsent(partition, p -> new Generation()).begin(sequence);
      }
    }

    void end(String partition, AtomicLong sequence, long now, Long quarantineUntil) {
      anyItem.end(sequence, now, quarantineUntil);
      if (partition == null) {
        wholeTable.end(sequence, now, quarantineUntil);
      } else {
        partitions.computeIfAbsent(partition, p -> new Generation()).end(sequence, now, quarantineUntil);
      }
    }

    /**
     * Once there are many, quiet partitions are forgotten: they come back with a fresh generation,
     * so no cached result can be mistaken for theirs.
     */
    void forgetQuietPartitions(long now, long window) {
      if (partitions.size() <= sweepAbove) {
        return;
      }
      partitions.values().removeIf(generation -> generation.quiet(now) && !generation.writtenWithin(now, window));
      // Sweep again only once the map has doubled, so the cost stays constant per write.
      sweepAbove = Math.max(FORGET_PARTITIONS_ABOVE, 2 * partitions.size());
    }
  }

  /** A generation number with the writes in flight that will bump it again. */
  private static final class Generation {
    long value;
    int inFlight;
    boolean quarantined;
    long quarantineUntil;
    boolean written;
    long lastWriteEnd;

    long value(AtomicLong sequence) {
      if (value == 0) {
        value = sequence.incrementAndGet();
      }
      return value;
    }

    void begin(AtomicLong sequence) {
      inFlight++;
      value = sequence.incrementAndGet();
    }

    void end(AtomicLong sequence, long now, Long quarantineUntil) {
      inFlight--;
      value = sequence.incrementAndGet();
      written = true;
      lastWriteEnd = now;
      if (quarantineUntil != null) {
        quarantined = true;
        this.quarantineUntil = quarantineUntil;
      }
    }

    boolean writtenWithin(long now, long window) {
      if (written && now - lastWriteEnd >= window) {
        written = false;
      }
      return written || inFlight > 0;
    }

    boolean quiet(long now) {
      if (quarantined && now - quarantineUntil >= 0) {
        quarantined = false;
      }
      return inFlight == 0 && !quarantined;
    }
  }

  private static final class ResultExpiry implements Expiry<Key, CachedResult> {
    private final ToLongFunction<String> ttlNanos;

    ResultExpiry(ToLongFunction<String> ttlNanos) {
      this.ttlNanos = ttlNanos;
    }

    @Override
    public long expireAfterCreate(Key key, CachedResult value, long currentTime) {
      return ttlNanos.applyAsLong(key.table());
    }

    @Override
    public long expireAfterUpdate(Key key, CachedResult value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(Key key, CachedResult value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
