package io.dynaccel.server.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projection;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cluster.internal.HazelcastSetup;
import io.dynaccel.server.write.back.Replication.Copy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The cluster's copies of write-back records that DynamoDB may not hold yet, one Hazelcast map entry per
 * item: the newest acknowledged state of the item, at its version, until the owner reports it flushed.
 *
 * <p>The owner of an item acknowledges a write-back write only once both its local write-ahead log and
 * this map hold the record, and the map's put returns only once a synchronous backup on another member
 * holds it too; so an acknowledged write that DynamoDB does not hold yet survives the loss of any one
 * member, and the member that takes a partition over adopts what {@link #of} returns for it.
 *
 * <p>A version is the pair (epoch, seq), ordered epoch first. Every change of an entry is one
 * {@link EntryProcessor} on the entry's partition thread, so a compare and the set it decides are one
 * atomic step and a late retry or a delayed flush report can never move an entry backwards: a put never
 * replaces a newer version, and a flush report removes the entry only when it covers the stored version
 * (otherwise it records how far DynamoDB has come, which {@link #settled} reads).
 *
 * <p>Every entry also remembers the version of the put that created it. {@link #settled} needs it: the
 * entry it snapshotted may be flushed, removed and created again by a later write between two of its
 * polls, and the later entry (a different birth) must not hold the wait up for a write that began after
 * it.
 *
 * <p>The map refuses calls without a quorum ({@link HazelcastSetup#QUORUM}); the futures then fail.
 */
public final class ReplicaMap {

  /** How often {@link #settled} looks again at the replicas it waits for. */
  static final long SETTLE_POLL_MILLIS = 20;

  /** A version field that no version is: every epoch and seq is at least 0. */
  private static final long NONE = -1;

  // The value's fixed header, big-endian longs as DataOutputStream writes them.
  private static final int EPOCH = 0;
  private static final int SEQ = 8;
  private static final int BORN_EPOCH = 16;
  private static final int BORN_SEQ = 24;
  private static final int FLUSHED_EPOCH = 32;
  private static final int FLUSHED_SEQ = 40;
  private static final int HEADER = 48;

  private final Vertx vertx;
  private final IMap<String, byte[]> map;

  /** Keeps replicas in {@code map}, the one {@link HazelcastSetup} configures as {@link HazelcastSetup#REPLICAS_MAP}. */
  public ReplicaMap(Vertx vertx, IMap<String, byte[]> map) {
    this.vertx = vertx;
    this.map = map;
  }

  /** The replica map of {@code hazelcast}'s cluster. */
  public static ReplicaMap of(Vertx vertx, HazelcastInstance hazelcast) {
    return new ReplicaMap(vertx, hazelcast.getMap(HazelcastSetup.REPLICAS_MAP));
  }

  /**
   * The map key of an item: its cluster partition first, so a predicate can pick a partition's replicas
   * without decoding values. The partition and sort values are typed and length-prefixed, so the key is
   * unambiguous; it still cannot be parsed back into an {@link ItemKey}, so the value carries the key.
   */
  public static String keyOf(ItemKey key) {
    return Partitions.of(key) + "/" + key.table() + "/" + key.partition() + "\u0000" + key.sort();
  }

  /**
   * Stores {@code record} as the newest state of {@code key} at version (epoch, seq), unless the map
   * holds a newer version of it; at an equal version it overwrites (a retried put). Completes once the
   * entry's backup holds it too.
   */
  public Future<Void> put(ItemKey key, long epoch, long seq, byte[] record) {
    checkVersion(epoch, seq);
    return onCaller(map.submitToKey(keyOf(key), new Put(encode(key, epoch, seq, record))));
  }

  /**
   * Records that DynamoDB holds the state of {@code key} up to version (epoch, seq): removes the entry
   * if its version is no newer, else remembers that the entry is flushed through that version.
   */
  public Future<Void> flushed(ItemKey key, long epoch, long seq) {
    checkVersion(epoch, seq);
    return onCaller(map.submitToKey(keyOf(key), new Flushed(epoch, seq)));
  }

  /** Removes the replica of {@code key} only if its version is exactly (epoch, seq). */
  public Future<Void> remove(ItemKey key, long epoch, long seq) {
    checkVersion(epoch, seq);
    return onCaller(map.submitToKey(keyOf(key), new Remove(epoch, seq)));
  }

  /**
   * Every replica of the given cluster partitions, across all members. Blocks on a cluster-wide query:
   * call it on a thread of the caller's own, never on an event loop.
   */
  public List<Copy> of(BitSet partitions) {
    List<Copy> replicas = new ArrayList<>();
    for (Map.Entry<String, byte[]> entry : map.entrySet(new InPartitions(partitions))) {
      replicas.add(decode(entry.getValue()));
    }
    return replicas;
  }

  /**
   * Completes once every replica of {@code table} (of every table when null) that the map held when the
   * call began is flushed through the version it had then: gone from the map, or marked flushed through
   * that version or a later one. Replicas put after the call began do not hold it up. It has no timeout:
   * the caller bounds the wait. Like every future here, it completes on the caller's context.
   */
  public Future<Void> settled(String table) {
    Predicate<String, byte[]> ofTable = table == null ? Predicates.alwaysTrue() : new OfTable(table);
    // The snapshot is a cluster-wide query that blocks; the projection ships only versions, not records.
    return vertx.executeBlocking(() -> map.project(new Snapshot(), ofTable), false).compose(snapshot -> {
      if (snapshot.isEmpty()) {
        return Future.succeededFuture();
      }
      Map<String, Snapshotted> waiting = new HashMap<>();
      for (Snapshotted entry : snapshot) {
        waiting.put(entry.mapKey(), entry);
      }
      Promise<Void> done = Promise.promise();
      Context caller = vertx.getOrCreateContext();
      vertx.setTimer(SETTLE_POLL_MILLIS, id -> poll(waiting, caller, done));
      return done.future();
    });
  }

  /** The future of a map call, completed on the caller's context rather than on one of Hazelcast's threads. */
  private Future<Void> onCaller(CompletionStage<?> call) {
    return Future.fromCompletionStage(call, vertx.getOrCreateContext()).mapEmpty();
  }

  private void poll(Map<String, Snapshotted> waiting, Context caller, Promise<Void> done) {
    Future.fromCompletionStage(map.submitToKeys(new HashSet<>(waiting.keySet()), new FlushState()), caller).onComplete(states -> {
      if (states.failed()) {
        done.fail(states.cause());
        return;
      }
      waiting.values().removeIf(entry -> entry.settledBy(states.result().get(entry.mapKey())));
      if (waiting.isEmpty()) {
        done.complete();
      } else {
        vertx.setTimer(SETTLE_POLL_MILLIS, id -> poll(waiting, caller, done));
      }
    });
  }

  // The stored form uses -1 for "no version", so a negative one would read as none.
  private static void checkVersion(long epoch, long seq) {
    if (epoch < 0 || seq < 0) {
      throw new IllegalArgumentException("version (" + epoch + ", " + seq + ") is negative");
    }
  }

  /** Orders versions epoch first. */
  static int compare(long epoch, long seq, long otherEpoch, long otherSeq) {
    int byEpoch = Long.compare(epoch, otherEpoch);
    return byEpoch != 0 ? byEpoch : Long.compare(seq, otherSeq);
  }

  private static long field(byte[] value, int offset) {
    return ByteBuffer.wrap(value).getLong(offset);
  }

  private static byte[] withField(byte[] value, int offset, long field) {
    byte[] copy = value.clone();
    ByteBuffer.wrap(copy).putLong(offset, field);
    return copy;
  }

  static byte[] encode(ItemKey key, long epoch, long seq, byte[] record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER + 64 + record.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(epoch);
      out.writeLong(seq);
      out.writeLong(epoch);
      out.writeLong(seq);
      out.writeLong(NONE);
      out.writeLong(NONE);
      writeText(out, key.table());
      writeText(out, key.partition());
      writeText(out, key.sort());
      out.writeInt(record.length);
      out.write(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Copy decode(byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      long epoch = in.readLong();
      long seq = in.readLong();
      in.skipNBytes(HEADER - BORN_EPOCH);
      ItemKey key = new ItemKey(readText(in), readText(in), readText(in));
      return new Copy(key, epoch, seq, in.readNBytes(in.readInt()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Length and UTF-8 bytes rather than writeUTF, whose modified UTF-8 stops at 64 KiB.
  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
  }

  /** Sets the new state unless the stored one is newer; an overwrite keeps the entry's birth and flush mark. */
  static final class Put implements EntryProcessor<String, byte[], Void> {
    private static final long serialVersionUID = 1L;
    private final byte[] value;

    Put(byte[] value) {
      this.value = value;
    }

    @Override
    public Void process(Map.Entry<String, byte[]> entry) {
      byte[] stored = entry.getValue();
      if (stored == null) {
        entry.setValue(value);
        return null;
      }
      if (compare(field(stored, EPOCH), field(stored, SEQ), field(value, EPOCH), field(value, SEQ)) > 0) {
        return null;
      }
      byte[] next = value.clone();
      System.arraycopy(stored, BORN_EPOCH, next, BORN_EPOCH, HEADER - BORN_EPOCH);
      entry.setValue(next);
      return null;
    }
  }

  /** Removes the entry once DynamoDB holds its version, else raises its flushed-through mark. */
  static final class Flushed implements EntryProcessor<String, byte[], Void> {
    private static final long serialVersionUID = 1L;
    private final long epoch;
    private final long seq;

    Flushed(long epoch, long seq) {
      this.epoch = epoch;
      this.seq = seq;
    }

    @Override
    public Void process(Map.Entry<String, byte[]> entry) {
      byte[] stored = entry.getValue();
      if (stored == null) {
        return null;
      }
      if (compare(field(stored, EPOCH), field(stored, SEQ), epoch, seq) <= 0) {
        entry.setValue(null);
      } else if (compare(field(stored, FLUSHED_EPOCH), field(stored, FLUSHED_SEQ), epoch, seq) < 0) {
        entry.setValue(withField(withField(stored, FLUSHED_EPOCH, epoch), FLUSHED_SEQ, seq));
      }
      return null;
    }
  }

  /** Removes the entry only at exactly one version. */
  static final class Remove implements EntryProcessor<String, byte[], Void> {
    private static final long serialVersionUID = 1L;
    private final long epoch;
    private final long seq;

    Remove(long epoch, long seq) {
      this.epoch = epoch;
      this.seq = seq;
    }

    @Override
    public Void process(Map.Entry<String, byte[]> entry) {
      byte[] stored = entry.getValue();
      if (stored != null && compare(field(stored, EPOCH), field(stored, SEQ), epoch, seq) == 0) {
        entry.setValue(null);
      }
      return null;
    }
  }

  /** Reads an entry's birth and flush mark, {birth epoch, birth seq, flushed epoch, flushed seq}; null when absent. */
  static final class FlushState implements EntryProcessor<String, byte[], long[]>, ReadOnly {
    private static final long serialVersionUID = 1L;

    @Override
    public long[] process(Map.Entry<String, byte[]> entry) {
      byte[] stored = entry.getValue();
      return stored == null ? null
          : new long[] {field(stored, BORN_EPOCH), field(stored, BORN_SEQ), field(stored, FLUSHED_EPOCH), field(stored, FLUSHED_SEQ)};
    }

    @Override
    public EntryProcessor<String, byte[], long[]> getBackupProcessor() {
      return null;
    }
  }

  /** What {@link #settled} remembers of an entry: its version and birth when the wait began. */
  record Snapshotted(String mapKey, long epoch, long seq, long bornEpoch, long bornSeq) implements Serializable {

    /** Whether the entry's current {@link FlushState} ({@code null}: absent) no longer holds the wait up. */
    boolean settledBy(long[] state) {
      // Another birth means the snapshotted entry was gone in between; only flushes or removals take entries away.
      return state == null || state[0] != bornEpoch || state[1] != bornSeq || compare(state[2], state[3], epoch, seq) >= 0;
    }
  }

  /** Takes what {@link #settled} remembers from an entry on the member that holds it, so records never travel. */
  static final class Snapshot implements Projection<Map.Entry<String, byte[]>, Snapshotted> {
    private static final long serialVersionUID = 1L;

    @Override
    public Snapshotted transform(Map.Entry<String, byte[]> entry) {
      byte[] stored = entry.getValue();
      return new Snapshotted(entry.getKey(), field(stored, EPOCH), field(stored, SEQ), field(stored, BORN_EPOCH), field(stored, BORN_SEQ));
    }
  }

  /** The entries of some cluster partitions, read from the key's leading partition number. */
  static final class InPartitions implements Predicate<String, byte[]> {
    private static final long serialVersionUID = 1L;
    private final BitSet partitions;

    InPartitions(BitSet partitions) {
      this.partitions = (BitSet) partitions.clone();
    }

    @Override
    public boolean apply(Map.Entry<String, byte[]> entry) {
      String key = entry.getKey();
      return partitions.get(Integer.parseInt(key, 0, key.indexOf('/'), 10));
    }
  }

  /** The entries of one table, read from the key's second segment (table names hold no slash). */
  static final class OfTable implements Predicate<String, byte[]> {
    private static final long serialVersionUID = 1L;
    private final String table;

    OfTable(String table) {
      this.table = table;
    }

    @Override
    public boolean apply(Map.Entry<String, byte[]> entry) {
      String key = entry.getKey();
      int start = key.indexOf('/') + 1;
      int end = start + table.length();
      return key.length() > end && key.charAt(end) == '/' && key.startsWith(table, start);
    }
  }
}
