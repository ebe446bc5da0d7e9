package io.dynaccel.server.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Decides, per key, whether an answer from DynamoDB may enter the cache.
 *
 * <p>Naive read-through plus write-through is not coherent: a fill that read v1 can land after a
 * write installed v2, and two overlapping writes can land in the other order than DynamoDB applied
 * them. So every write and every fill takes a number from one global sequence, and each written key
 * has a guard recording the writes in flight and the number of its latest write activity (the
 * start or the end of a write). A fill installs only if no write to the key was in flight at any
 * time during the fill, that is, no write is in flight now and no write started or ended since the
 * fill began. A write installs its result only if no other write to the key started or ended since
 * it began; otherwise the key is invalidated. Each check-and-install runs inside the guard map's
 * per-key {@code compute}, so it is atomic with the start and end of writes; no lock is ever held
 * across network I/O.
 *
 * <p>A guard outlives its last write by the retention time: long enough for every fill that began
 * before it to finish or be discarded as too old, and for DynamoDB's eventually consistent reads to
 * catch up (fills of a guarded key read consistently). A write of unknown outcome also quarantines
 * its key: nothing is installed for it before the grace period has passed.
 *
 * <p>Writes that may touch any item of a table (PartiQL statements, table deletion) use a table
 * guard. It is read outside the key's {@code compute}, so a fill re-checks it after installing and
 * removes what it installed if a table write began meanwhile; a table write drops the table's items
 * when it ends, which covers fills installed before that re-check.
 */
final class WriteGuards {

  private final AtomicLong sequence = new AtomicLong();
  private final Cache<ItemKey, KeyGuard> keyGuards;
  private final ConcurrentMap<String, TableGuard> tableGuards = new ConcurrentHashMap<>();
  private final long retentionNanos;
  private final Ticker ticker;

  WriteGuards(Duration retention, Ticker ticker) {
    this.retentionNanos = retention.toNanos();
    this.ticker = ticker;
    // Maintenance on the caller, as in the item cache: with Caffeine's default executor every write
    // woke a ForkJoinPool thread to drain the write buffer, which cost about a third of a write's CPU.
    this.keyGuards =
        Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).expireAfter(new GuardExpiry(retentionNanos)).build();
  }

  FillTicket beginFill(ItemKey key, long epoch, boolean notHeldLong) {
    long seq = sequence.incrementAndGet();
    long now = ticker.read();
    boolean recentWrite =
        keyGuards.getIfPresent(key) != null
            || tableGuard(key.table()).recentlyWritten(now, retentionNanos)
            || tableGuard(ItemCache.ALL_TABLES).recentlyWritten(now, retentionNanos);
    return new FillTicket(key, seq, now, recentWrite || notHeldLong, epoch);
  }

  boolean completeFill(FillTicket ticket, Runnable install, Runnable uninstall) {
    long now = ticker.read();
    if (now - ticket.startNanos() >= retentionNanos) {
      // Guards of writes that overlapped this fill may have expired: the fill cannot be judged.
      return false;
    }
    TableGuard table = tableGuard(ticket.key().table());
    TableGuard everyTable = tableGuard(ItemCache.ALL_TABLES);
    if (!table.quiet(ticket.sequence(), now) || !everyTable.quiet(ticket.sequence(), now)) {
      return false;
    }
    boolean[] installed = {false};
    keyGuards.asMap().compute(
        ticket.key(),
        (key, guard) -> {
          if (guard == null || guard.allowsFill(ticket.sequence(), now)) {
            install.run();
            installed[0] = true;
          }
          return guard;
        });
    if (installed[0] && !(table.quiet(ticket.sequence(), now) && everyTable.quiet(ticket.sequence(), now))) {
      uninstall.run();
      return false;
    }
    return installed[0];
  }

  /**
   * Whether nothing has written the fill's key or its table since the fill began: no write started or
   * ended. A read that arrives now may then take the fill's answer as its own; one that a write ended
   * before may not, since the fill may have read the value that write replaced.
   */
  boolean unwrittenSince(FillTicket ticket) {
    KeyGuard guard = keyGuards.getIfPresent(ticket.key());
    return (guard == null || guard.lastActivity < ticket.sequence())
        && tableGuard(ticket.key().table()).lastActivity < ticket.sequence()
        && tableGuard(ItemCache.ALL_TABLES).lastActivity < ticket.sequence();
  }

  WriteTicket beginWrite(ItemKey key, long epoch) {
    long[] seq = new long[1];
    keyGuards.asMap().compute(
        key,
        (k, guard) -> {
          KeyGuard g = guard == null ? new KeyGuard() : guard;
          seq[0] = sequence.incrementAndGet();
          g.inFlight++;
          g.lastActivity = seq[0];
          return g;
        });
    return new WriteTicket(key, seq[0], epoch);
  }

  /** Ends a write that DynamoDB applied; the consumer is told whether its result may be installed. */
  void completeWrite(WriteTicket ticket, Consumer<Boolean> settle) {
    keyGuards.asMap().compute(
        ticket.key(),
        (k, guard) -> {
          KeyGuard g = guard == null ? new KeyGuard() : guard;
          boolean alone = g.lastActivity == ticket.sequence();
          g.end(sequence.incrementAndGet());
          settle.accept(alone && g.inFlight == 0);
          return g;
        });
  }

  /** Ends a write that DynamoDB rejected, or (when {@code unknownOutcome}) whose fate is unknown. */
  void endWrite(WriteTicket ticket, boolean unknownOutcome) {
    long now = ticker.read();
    keyGuards.asMap().compute(
        ticket.key(),
        (k, guard) -> {
          KeyGuard g = guard == null ? new KeyGuard() : guard;
          g.end(sequence.incrementAndGet());
          if (unknownOutcome) {
            g.quarantined = true;
            g.quarantineUntil = now + retentionNanos;
          }
          return g;
        });
  }

  /**
   * Whether no write guards a key now: none of the key is in flight, has ended within the
   * retention time or is quarantined, and no table-wide write is in flight or recent.
   */
  boolean unguarded(ItemKey key, long now) {
    return keyGuards.getIfPresent(key) == null
        && tableGuard(key.table()).idle(now, retentionNanos)
        && tableGuard(ItemCache.ALL_TABLES).idle(now, retentionNanos);
  }

  TableWriteTicket beginTableWrite(String table) {
    tableGuard(table).begin(sequence.incrementAndGet(), ticker.read());
    return new TableWriteTicket(table);
  }

  void endTableWrite(TableWriteTicket ticket, boolean unknownOutcome) {
    long now = ticker.read();
    tableGuard(ticket.table()).end(sequence.incrementAndGet(), now, unknownOutcome, retentionNanos);
  }

  private TableGuard tableGuard(String table) {
    // get first: computeIfAbsent locks the key's bin when another table shares it, on every call.
    TableGuard guard = tableGuards.get(table);
    return guard != null ? guard : tableGuards.computeIfAbsent(table, t -> new TableGuard());
  }

  /** Write activity of one key. Mutated only inside the guard map's per-key compute. */
  private static final class KeyGuard {
    int inFlight;
    /** Volatile: {@link #unwrittenSince} reads it outside the compute. */
    volatile long lastActivity;
    boolean quarantined;
    long quarantineUntil;

    /** Records the end of one write, which is write activity of its own. */
    void end(long activity) {
      inFlight = Math.max(0, inFlight - 1);
      lastActivity = activity;
    }

    boolean allowsFill(long fillSequence, long now) {
      return inFlight == 0 && lastActivity < fillSequence && !quarantinedAt(now);
    }

    boolean quarantinedAt(long now) {
      return quarantined && now - quarantineUntil < 0;
    }
  }

  /** Write activity that may touch a whole table. */
  private static final class TableGuard {
    private int inFlight;
    private volatile boolean busy;
    private volatile long lastActivity;
    private volatile long lastActivityNanos;
    private volatile boolean quarantined;
    private volatile long quarantineUntil;

    synchronized void begin(long seq, long now) {
      inFlight++;
      busy = true;
      lastActivity = seq;
      lastActivityNanos = now;
    }

    synchronized void end(long seq, long now, boolean unknownOutcome, long retentionNanos) {
      inFlight--;
      busy = inFlight > 0;
      lastActivity = seq;
      lastActivityNanos = now;
      if (unknownOutcome) {
        quarantineUntil = now + retentionNanos;
        quarantined = true;
      }
    }

    boolean quiet(long fillSequence, long now) {
      return !busy && lastActivity < fillSequence && !(quarantined && now - quarantineUntil < 0);
    }

    boolean recentlyWritten(long now, long retentionNanos) {
      return lastActivity != 0 && now - lastActivityNanos < retentionNanos;
    }

    boolean idle(long now, long retentionNanos) {
      return !busy && !recentlyWritten(now, retentionNanos) && !(quarantined && now - quarantineUntil < 0);
    }
  }

  /** Keeps a guard forever while writes are in flight, then for the retention or quarantine time. */
  private static final class GuardExpiry implements Expiry<ItemKey, KeyGuard> {
    private final long retentionNanos;

    GuardExpiry(long retentionNanos) {
      this.retentionNanos = retentionNanos;
    }

    @Override
    public long expireAfterCreate(ItemKey key, KeyGuard guard, long currentTime) {
      if (guard.inFlight > 0) {
        return Long.MAX_VALUE;
      }
      long quarantineLeft = guard.quarantined ? guard.quarantineUntil - currentTime : 0;
      return Math.max(retentionNanos, quarantineLeft);
    }

    @Override
    public long expireAfterUpdate(ItemKey key, KeyGuard guard, long currentTime, long currentDuration) {
      return expireAfterCreate(key, guard, currentTime);
    }

    @Override
    public long expireAfterRead(ItemKey key, KeyGuard guard, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
