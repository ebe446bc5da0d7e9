package io.dynaccel.server.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The item cache: full items (or their absence) by table and primary key, bounded by bytes, and
 * kept coherent with the writes that pass through this node.
 *
 * <p>Every access that races with DynamoDB goes through a ticket. A read miss takes a
 * {@link FillTicket} before it asks DynamoDB and offers the answer with {@link #completeFill}; a
 * write takes a {@link WriteTicket} before it goes upstream and settles it with one of
 * {@link #completeWrite}, {@link #failWrite} or {@link #abandonWrite}. See the class comment of
 * {@link WriteGuards} for why this keeps an acknowledged write visible to every later read.
 *
 * <p>With stale serving on ({@code cache.serveStaleOnError}), entries stay in the cache for that
 * much longer than their TTL, but {@link #get} answers only those within their TTL; past it, an
 * entry can only be had from {@link #staleOnError}, once DynamoDB has failed to answer for it. Such
 * an entry is still the last value installed for its key: every write through this node replaces
 * or drops the entry of its key, so while it is there no write through this node has been
 * acknowledged since it was installed. Serving it therefore only stretches how long a write that
 * bypassed the node may go unseen (contract 2), by at most the grace time, and only while DynamoDB
 * fails; it never serves a value older than a write acknowledged here (contract 1). To stay clear
 * of writes whose fate is not settled, no guarded key (a write in flight, just ended or of unknown
 * outcome, or a table-wide write) is served stale.
 */
public final class ItemCache {

  /** The table name that stands for every table in {@link #beginTableWrite}; no real table has it. */
  public static final String ALL_TABLES = "*";

  private final Cache<ItemKey, CachedItem> items;
  private final WriteGuards guards;
  private final AtomicLong evictions = new AtomicLong();
  private final AtomicLong fillRejections = new AtomicLong();
  private final long staleGraceNanos;
  private final Ticker ticker;
  private final Fence fence;

  /**
   * Creates an item cache.
   *
   * @param maxBytes the weight bound: approximate heap bytes of keys and entries
   * @param ttl how long an entry lives after it was written, by table and presence
   * @param guardRetention how long a key stays guarded after its last write: at least the upstream
   *     request timeout plus the one second DynamoDB's eventually consistent reads may lag
   * @param ticker the time source, injected so tests control expiry
   */
  public ItemCache(long maxBytes, EntryTtl ttl, Duration guardRetention, Ticker ticker) {
    this(maxBytes, ttl, guardRetention, Duration.ZERO, ticker);
  }

  /**
   * Creates an item cache that may serve entries past their TTL while DynamoDB fails.
   *
   * @param staleGrace how long past its TTL an entry may still be had from {@link #staleOnError};
   *     zero turns stale serving off
   */
  public ItemCache(long maxBytes, EntryTtl ttl, Duration guardRetention, Duration staleGrace, Ticker ticker) {
    this(maxBytes, ttl, guardRetention, staleGrace, ticker, Fence.ALONE);
  }

  /**
   * Creates an item cache of one member of a cluster.
   *
   * @param fence which keys this node owns, and under which epoch
   */
  public ItemCache(long maxBytes, EntryTtl ttl, Duration guardRetention, Duration staleGrace, Ticker ticker, Fence fence) {
    Objects.requireNonNull(ticker);
    this.fence = Objects.requireNonNull(fence);
    this.ticker = ticker;
    this.staleGraceNanos = staleGrace.toNanos();
    this.guards = new WriteGuards(guardRetention, ticker);
    this.items =
        Caffeine.newBuilder()
            .ticker(ticker)
            // Maintenance is cheap; running it on the caller keeps eviction counts and tests exact.
            .executor(Runnable::run)
            .maximumWeight(maxBytes)
            .weigher((ItemKey key, CachedItem value) -> key.weight() + value.weight())
            .expireAfter(new EntryExpiry(ttl, staleGraceNanos))
            .removalListener(
                (key, value, cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evictions.incrementAndGet();
                  }
                })
            .build();
  }

  /** The cached entry for a key, or null on a miss (an entry past its TTL is a miss). */
  public CachedItem get(ItemKey key) {
    CachedItem item = items.getIfPresent(key);
    if (item == null || item.epoch() != fence.epoch(key.table(), key.partition())) {
      return null;
    }
    // Off, Caffeine's own expiry is the TTL: the hit path stays one lookup.
    if (staleGraceNanos == 0) {
      return item;
    }
    return ticker.read() - item.staleFromNanos() < 0 ? item : null;
  }

  /** Whether entries may be served past their TTL while DynamoDB fails. */
  public boolean servesStale() {
    return staleGraceNanos > 0;
  }

  /**
   * The entry to answer an eventually consistent read with when DynamoDB failed to answer it
   * (breaker open, transport failure, 5xx), or null: only an entry past its TTL by less than the
   * grace time, of a key that no write guards. See the class comment for why this is safe.
   */
  public CachedItem staleOnError(ItemKey key) {
    if (staleGraceNanos == 0) {
      return null;
    }
    CachedItem item = items.getIfPresent(key);
    if (item == null || item.epoch() != fence.epoch(key.table(), key.partition())) {
      return null;
    }
    long now = ticker.read();
    long pastTtl = now - item.staleFromNanos();
    if (pastTtl < 0 || pastTtl >= staleGraceNanos || !guards.unguarded(key, now)) {
      return null;
    }
    return item;
  }

  /**
   * Starts a read-through fill of a key: call before the upstream read is sent.
   *
   * @return the ticket to complete the fill with; {@link FillTicket#consistentRead()} tells whether
   *     the upstream read must be strongly consistent because the key was written moments ago
   */
  public FillTicket beginFill(ItemKey key) {
    long epoch = fence.epoch(key.table(), key.partition());
    return guards.beginFill(key, epoch, epoch == 0 || fence.recentlyTaken(key.table(), key.partition()));
  }

  /**
   * Offers what DynamoDB answered to a fill. The entry is installed only if no write to the key or
   * its table overlapped the fill; otherwise it is dropped and the next read fills again.
   *
   * @return whether the entry was installed
   */
  public boolean completeFill(FillTicket ticket, CachedItem value) {
    boolean installed = owned(ticket.key(), ticket.epoch())
        && guards.completeFill(ticket, () -> install(ticket.key(), value, ticket.epoch()), () -> items.invalidate(ticket.key()));
    if (!installed) {
      fillRejections.incrementAndGet();
    }
    return installed;
  }

  /**
   * Whether a read of the fill's key that arrives now may take the fill's answer as its own: the key
   * is still served under the fill's epoch, and nothing wrote it or its table since the fill began, so
   * no write acknowledged before the read can be missing from what the fill reads.
   */
  public boolean unwrittenSince(FillTicket ticket) {
    return owned(ticket.key(), ticket.epoch()) && guards.unwrittenSince(ticket);
  }

  /** Starts a write of a key: call before the write is sent upstream. */
  public WriteTicket beginWrite(ItemKey key) {
    return guards.beginWrite(key, fence.epoch(key.table(), key.partition()));
  }

  // Checked before installing; an entry installed just after ownership moved on is never served, its
  // stamp being an epoch that has ended.
  private boolean owned(ItemKey key, long epoch) {
    return epoch != 0 && fence.epoch(key.table(), key.partition()) == epoch;
  }

  private void install(ItemKey key, CachedItem value, long epoch) {
    value.stamp(epoch);
    items.put(key, value);
  }

  /**
   * Settles a write that DynamoDB applied. The new value is installed if no other write to the key
   * overlapped this one; otherwise the key is invalidated, because the order in which DynamoDB
   * applied the overlapping writes is unknown.
   *
   * @param newValue the key's value after the write, or null to invalidate the key instead
   */
  public void completeWrite(WriteTicket ticket, CachedItem newValue) {
    guards.completeWrite(
        ticket,
        install -> {
          if (install && newValue != null && owned(ticket.key(), ticket.epoch())) {
            install(ticket.key(), newValue, ticket.epoch());
          } else {
            items.invalidate(ticket.key());
          }
        });
  }

  /** Settles a write that DynamoDB rejected (condition failed, validation, throttling): the cache stays as it is. */
  public void failWrite(WriteTicket ticket) {
    guards.endWrite(ticket, false);
  }

  /**
   * Settles a write whose outcome is unknown (timeout, reset, upstream 5xx): DynamoDB may apply it
   * even later, so the key is invalidated and not cached again until the grace period has passed.
   */
  public void abandonWrite(WriteTicket ticket) {
    guards.endWrite(ticket, true);
    items.invalidate(ticket.key());
  }

  /**
   * Starts a write that may change any item of the table (PartiQL, table deletion or creation): no
   * fill of the table installs until it has been settled with {@link #endTableWrite}.
   */
  public TableWriteTicket beginTableWrite(String table) {
    return guards.beginTableWrite(table);
  }

  /**
   * Settles a table-wide write: every cached item of the table is dropped. After a write of unknown
   * outcome, nothing of the table is cached again until the grace period has passed.
   */
  public void endTableWrite(TableWriteTicket ticket, boolean unknownOutcome) {
    invalidateTable(ticket.table());
    guards.endTableWrite(ticket, unknownOutcome);
  }

  /** Drops every cached item of one table. */
  public void invalidateTable(String table) {
    if (ALL_TABLES.equals(table)) {
      items.invalidateAll();
      return;
    }
    items.asMap().keySet().removeIf(key -> key.table().equals(table));
  }

  /** Drops the cached items of keys {@code dropped} accepts: the partitions this node no longer owns. */
  public void invalidateIf(Predicate<ItemKey> dropped) {
    items.asMap().keySet().removeIf(dropped);
  }

  /** Drops every cached item. */
  public void invalidateAll() {
    items.invalidateAll();
  }

  /** Number of cached entries (present and negative). */
  public long size() {
    return items.estimatedSize();
  }

  /** Approximate heap bytes held by cached entries. */
  public long weightedSize() {
    return items.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Runs pending maintenance (eviction, expiry) now rather than on a later access. */
  public void cleanUp() {
    items.cleanUp();
  }

  /** Fills dropped because a write overlapped them or the key was quarantined. */
  public long fillRejectionCount() {
    return fillRejections.get();
  }

  /** Entries evicted because the byte bound was reached. */
  public long evictionCount() {
    return evictions.get();
  }

  /** Time-to-live of an entry by table and presence, from configuration. */
  @FunctionalInterface
  public interface EntryTtl {
    /** The time an entry lives after it was written. */
    Duration ttl(String table, boolean exists);
  }

  private static final class EntryExpiry implements Expiry<ItemKey, CachedItem> {
    private final EntryTtl ttl;
    private final long staleGraceNanos;

    EntryExpiry(EntryTtl ttl, long staleGraceNanos) {
      this.ttl = ttl;
      this.staleGraceNanos = staleGraceNanos;
    }

    @Override
    public long expireAfterCreate(ItemKey key, CachedItem value, long currentTime) {
      long ttlNanos = ttl.ttl(key.table(), value.exists()).toNanos();
      // A TTL of zero means "do not cache": no grace keeps such an entry either.
      if (staleGraceNanos == 0 || ttlNanos == 0) {
        return ttlNanos;
      }
      value.staleFrom(currentTime + ttlNanos);
      long kept = ttlNanos + staleGraceNanos;
      return kept < 0 ? Long.MAX_VALUE : kept;
    }

    @Override
    public long expireAfterUpdate(ItemKey key, CachedItem value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(ItemKey key, CachedItem value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
