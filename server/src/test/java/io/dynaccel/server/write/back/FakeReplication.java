package io.dynaccel.server.write.back;

import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.write.back.internal.LogRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster as {@link WriteBackPath} sees it, for its unit tests: it records every call, and the test
 * decides when (and whether) each copy is held, which items this node serves and may flush, what
 * becomes of a leftover log, and when the other members' changes are settled.
 */
final class FakeReplication implements Replication {

  /** The epoch of every item the test gave none. */
  static final long DEFAULT_EPOCH = 7;

  /** One {@link #put} call; the test keeps or loses the copy unless its key's puts complete at once. */
  record Put(ItemKey key, long epoch, long seq, byte[] record, Promise<Void> held) {

    /** The change as its record says. */
    LogRecord change() {
      return LogRecord.decode(record);
    }
  }

  /** One {@link #flushed} call. */
  record Flushed(ItemKey key, long epoch, long seq) {}

  /** One {@link #withdraw} call. */
  record Withdrawn(ItemKey key, long epoch, long seq) {}

  private final Map<ItemKey, Long> epochs = new ConcurrentHashMap<>();
  private final Set<ItemKey> notServed = ConcurrentHashMap.newKeySet();
  private final Set<ItemKey> flushRefused = ConcurrentHashMap.newKeySet();
  private final Set<ItemKey> putsHeld = ConcurrentHashMap.newKeySet();
  private final Map<ItemKey, Verdict> verdicts = new ConcurrentHashMap<>();
  private final List<Put> puts = new CopyOnWriteArrayList<>();
  private final List<Flushed> flushed = new CopyOnWriteArrayList<>();
  private final List<Withdrawn> withdrawn = new CopyOnWriteArrayList<>();
  private final List<List<Copy>> offered = new CopyOnWriteArrayList<>();
  private final List<String> settledAsked = new CopyOnWriteArrayList<>();
  private final Map<ItemKey, AtomicInteger> entered = new ConcurrentHashMap<>();
  private final Map<ItemKey, AtomicInteger> exited = new ConcurrentHashMap<>();
  private volatile Promise<Void> settling;
  private volatile Promise<Void> copiesDropping;

  // ---- what the test sets ----

  /** From now on, {@code key} is logged under {@code epoch}. */
  void epoch(ItemKey key, long epoch) {
    epochs.put(key, epoch);
  }

  /** From now on this node does not serve {@code key} (serves is false, and so is every enterFlush). */
  void stopServing(ItemKey key) {
    notServed.add(key);
  }

  /** From now on this node may not flush {@code key}, though it serves it. */
  void refuseFlushes(ItemKey key) {
    flushRefused.add(key);
  }

  /** This node may flush {@code key} again. */
  void allowFlushes(ItemKey key) {
    flushRefused.remove(key);
  }

  /** From now on the copies of {@code key} wait for {@link #keep} or {@link #lose}. */
  void holdPuts(ItemKey key) {
    putsHeld.add(key);
  }

  /** What the next {@link #recover} decides about {@code key}; {@link Verdict#OFFERED} unless set. */
  void verdict(ItemKey key, Verdict verdict) {
    verdicts.put(key, verdict);
  }

  /** From now on {@link #settled} waits until the returned promise completes. */
  Promise<Void> holdSettled() {
    Promise<Void> promise = Promise.promise();
    settling = promise;
    return promise;
  }

  /** From now on the copies a flush made useless are dropped only when the returned promise completes. */
  Promise<Void> holdCopiesDropped() {
    Promise<Void> promise = Promise.promise();
    copiesDropping = promise;
    return promise;
  }

  /** Another member now holds the copy. */
  void keep(Put put) {
    put.held().complete();
  }

  /** The copy could not be made. */
  void lose(Put put) {
    put.held().fail(new IllegalStateException("the replica map did not take the copy"));
  }

  // ---- what the test reads ----

  List<Put> puts() {
    return puts;
  }

  List<Put> putsOf(ItemKey key) {
    return puts.stream().filter(put -> put.key().equals(key)).toList();
  }

  List<Flushed> flushed() {
    return flushed;
  }

  /** Every {@link #withdraw} call so far. */
  List<Withdrawn> withdrawn() {
    return withdrawn;
  }

  /** What each {@link #recover} call was offered, in call order. */
  List<List<Copy>> offered() {
    return offered;
  }

  /** The tables (null: all) {@link #settled} was asked about. */
  List<String> settledAsked() {
    return settledAsked;
  }

  int entered(ItemKey key) {
    return entered.getOrDefault(key, new AtomicInteger()).get();
  }

  int exited(ItemKey key) {
    return exited.getOrDefault(key, new AtomicInteger()).get();
  }

  // ---- Replication ----

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public long epoch(ItemKey key) {
    return epochs.getOrDefault(key, DEFAULT_EPOCH);
  }

  @Override
  public boolean serves(ItemKey key) {
    return !notServed.contains(key);
  }

  @Override
  public Future<Void> put(ItemKey key, long epoch, long seq, byte[] record) {
    Promise<Void> held = Promise.promise();
    puts.add(new Put(key, epoch, seq, record, held));
    if (!putsHeld.contains(key)) {
      held.complete();
    }
    return held.future();
  }

  @Override
  public Future<Void> flushed(ItemKey key, long epoch, long seq) {
    flushed.add(new Flushed(key, epoch, seq));
    Promise<Void> dropping = copiesDropping;
    return dropping == null ? Future.succeededFuture() : dropping.future();
  }

  @Override
  public Future<Void> withdraw(ItemKey key, long epoch, long seq) {
    withdrawn.add(new Withdrawn(key, epoch, seq));
    return Future.succeededFuture();
  }

  @Override
  public boolean enterFlush(ItemKey key) {
    if (!serves(key) || flushRefused.contains(key)) {
      return false;
    }
    entered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return true;
  }

  @Override
  public void exitFlush(ItemKey key) {
    exited.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public Future<Void> settled(String table) {
    settledAsked.add(table);
    Promise<Void> pending = settling;
    return pending == null ? Future.succeededFuture() : pending.future();
  }

  @Override
  public Future<Map<ItemKey, Verdict>> recover(List<Copy> replayed) {
    offered.add(List.copyOf(replayed));
    Map<ItemKey, Verdict> decided = new HashMap<>();
    replayed.forEach(copy -> decided.put(copy.key(), verdicts.getOrDefault(copy.key(), Verdict.OFFERED)));
    return Future.succeededFuture(decided);
  }
}
