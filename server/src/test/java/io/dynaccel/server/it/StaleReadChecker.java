package io.dynaccel.server.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Checks a recorded history of writes and reads against the consistency contract: an acknowledged
 * write is seen by every later read, never an older value.
 *
 * <p>A read returning the value x written by Wx is <em>stale</em> if some write W to the same key
 * started after Wx was acknowledged (so DynamoDB applied W after Wx) and was itself acknowledged
 * before the read started. Deletes write the value {@link #ABSENT}; several writes may produce the
 * same value (deletes), and then a read is stale only if every one of them is superseded so. A read
 * returning a value that no write produced, or that only writes started after the read ended
 * produced, is a <em>phantom</em>.
 *
 * <p>Times are {@link System#nanoTime()}. A write whose outcome the client did not learn (an error)
 * is recorded with {@link #UNKNOWN} as its acknowledgement: it may be the source of a value but
 * supersedes nothing.
 */
final class StaleReadChecker {

  /** The value of a key without an item. */
  static final String ABSENT = "<absent>";

  /** The acknowledgement time of a write that was never acknowledged. */
  static final long UNKNOWN = Long.MAX_VALUE;

  /** A write of {@code value} to {@code key}, from {@code start} to {@code ack}. */
  record Write(String key, String value, long start, long ack) {}

  /** A read of {@code key} that returned {@code value}, from {@code start} to {@code end}. */
  record Read(String key, String value, long start, long end) {}

  /** A read that broke the contract, and the write that it missed. */
  record Violation(Read read, String kind, Write superseding) {}

  /** What the check found. */
  record Result(int reads, int writes, List<Violation> stale, List<Violation> phantoms) {
    String summary(int limit) {
      StringBuilder text = new StringBuilder();
      text.append(stale.size()).append(" stale and ").append(phantoms.size()).append(" phantom reads of ")
          .append(reads).append(" (").append(writes).append(" writes)");
      stale.stream().limit(limit).forEach(v -> text.append("\n  stale: ").append(v));
      phantoms.stream().limit(limit).forEach(v -> text.append("\n  phantom: ").append(v));
      return text.toString();
    }
  }

  private final Collection<Write> writes = new ConcurrentLinkedQueue<>();
  private final Collection<Read> reads = new ConcurrentLinkedQueue<>();

  /** Records a write; thread-safe. */
  void write(String key, String value, long start, long ack) {
    writes.add(new Write(key, value, start, ack));
  }

  /** Records a read; thread-safe. */
  void read(String key, String value, long start, long end) {
    reads.add(new Read(key, value, start, end));
  }

  int writeCount() {
    return writes.size();
  }

  int readCount() {
    return reads.size();
  }

  /** Checks every recorded read. */
  Result check() {
    Map<String, KeyHistory> byKey = new HashMap<>();
    for (Write w : writes) {
      byKey.computeIfAbsent(w.key(), k -> new KeyHistory()).writes.add(w);
    }
    byKey.values().forEach(KeyHistory::index);
    List<Violation> stale = new ArrayList<>();
    List<Violation> phantoms = new ArrayList<>();
    for (Read r : reads) {
      KeyHistory history = byKey.get(r.key());
      List<Write> sources = history == null ? List.of() : history.byValue.getOrDefault(r.value(), List.of());
      Write best = null;
      Write bestSuperseding = null;
      boolean fresh = false;
      for (Write source : sources) {
        if (source.start() >= r.end()) {
          continue; // began after the read ended: cannot be what it saw
        }
        best = source;
        Write superseding = history.firstAckedAfter(source.ack());
        if (superseding == null || superseding.ack() >= r.start()) {
          fresh = true;
          break;
        }
        bestSuperseding = superseding;
      }
      if (best == null) {
        phantoms.add(new Violation(r, "no write produced this value before the read ended", null));
      } else if (!fresh) {
        stale.add(new Violation(r, "superseded before the read began", bestSuperseding));
      }
    }
    return new Result(reads.size(), writes.size(), stale, phantoms);
  }

  /** The writes of one key, indexed for "the earliest acknowledged write started after t". */
  private static final class KeyHistory {
    final List<Write> writes = new ArrayList<>();
    final Map<String, List<Write>> byValue = new HashMap<>();
    Write[] byStart;
    Write[] minAckFrom;

    void index() {
      for (Write w : writes) {
        byValue.computeIfAbsent(w.value(), v -> new ArrayList<>()).add(w);
      }
      byStart = writes.toArray(new Write[0]);
      Arrays.sort(byStart, Comparator.comparingLong(Write::start));
      minAckFrom = new Write[byStart.length + 1];
      for (int i = byStart.length - 1; i >= 0; i--) {
        Write later = minAckFrom[i + 1];
        minAckFrom[i] = later == null || byStart[i].ack() < later.ack() ? byStart[i] : later;
      }
    }

    /** Among the writes that started strictly after {@code t}, the one acknowledged first, or null. */
    Write firstAckedAfter(long t) {
      if (t == UNKNOWN) {
        return null;
      }
      int lo = 0;
      int hi = byStart.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (byStart[mid].start() > t) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      Write w = minAckFrom[lo];
      return w == null || w.ack() == UNKNOWN ? null : w;
    }
  }

  @Override
  public String toString() {
    return Objects.toString(writes.size()) + " writes, " + reads.size() + " reads";
  }
}
