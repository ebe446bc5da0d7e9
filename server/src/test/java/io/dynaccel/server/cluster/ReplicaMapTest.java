package io.dynaccel.server.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.it.FreePorts;
import io.dynaccel.server.write.back.Replication.Copy;
import io.dynaccel.server.cluster.internal.HazelcastSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The replica map on two real embedded Hazelcast members, so backups and partitions on the other member are used. */
class ReplicaMapTest {

  private static final Duration PENDING_FOR = Duration.ofMillis(300);
  private static final AtomicInteger TABLES = new AtomicInteger();

  private static Vertx vertx;
  private static String clusterName;
  private static List<String> members;
  private static HazelcastInstance first;
  private static HazelcastInstance second;
  /** Writes through the first member, reads through the second unless a test says otherwise. */
  private static ReplicaMap writer;
  private static ReplicaMap reader;

  @BeforeAll
  static void startMembers() throws IOException {
    int firstPort = FreePorts.loopback();
    int secondPort = FreePorts.loopback();
    clusterName = "replicas-" + firstPort;
    members = List.of("127.0.0.1:" + firstPort, "127.0.0.1:" + secondPort);
    first = member(firstPort);
    second = member(secondPort);
    vertx = Vertx.vertx();
    writer = ReplicaMap.of(vertx, first);
    reader = ReplicaMap.of(vertx, second);
  }

  @AfterAll
  static void stopMembers() throws Exception {
    second.shutdown();
    first.shutdown();
    vertx.close().toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }

  @AfterEach
  void clear() {
    first.getMap(HazelcastSetup.REPLICAS_MAP).clear();
  }

  @Test
  void put_thenOfItsPartition_returnsTheReplica() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "N1:7");

    result(writer.put(key, 3, 41, bytes("state")));

    assertThat(reader.of(partitionsOf(key))).singleElement().satisfies(replica -> assertReplica(replica, key, 3, 41, "state"));
  }

  @Test
  void put_whenTheMapHoldsANewerVersion_keepsTheNewer() throws Exception {
    ItemKey byEpoch = new ItemKey(table(), "S1:a", "");
    ItemKey bySeq = new ItemKey(byEpoch.table(), "S1:b", "");

    result(writer.put(byEpoch, 2, 1, bytes("newer")));
    result(writer.put(byEpoch, 1, 99, bytes("older")));
    result(writer.put(bySeq, 2, 5, bytes("newer")));
    result(writer.put(bySeq, 2, 4, bytes("older")));

    assertThat(reader.of(partitionsOf(byEpoch))).singleElement().satisfies(replica -> assertReplica(replica, byEpoch, 2, 1, "newer"));
    assertThat(reader.of(partitionsOf(bySeq))).singleElement().satisfies(replica -> assertReplica(replica, bySeq, 2, 5, "newer"));
  }

  @Test
  void put_whenTheVersionIsNewer_replaces() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");

    result(writer.put(key, 1, 9, bytes("older")));
    result(writer.put(key, 2, 0, bytes("newer")));

    assertThat(reader.of(partitionsOf(key))).singleElement().satisfies(replica -> assertReplica(replica, key, 2, 0, "newer"));
  }

  @Test
  void put_atTheSameVersion_overwrites() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");

    result(writer.put(key, 1, 1, bytes("first try")));
    result(writer.put(key, 1, 1, bytes("retry")));

    assertThat(reader.of(partitionsOf(key))).singleElement().satisfies(replica -> assertReplica(replica, key, 1, 1, "retry"));
  }

  @Test
  void flushed_whenTheStoredVersionIsNoNewer_removesTheEntry() throws Exception {
    ItemKey same = new ItemKey(table(), "S1:a", "");
    ItemKey laterEpoch = new ItemKey(same.table(), "S1:b", "");
    result(writer.put(same, 1, 3, bytes("a")));
    result(writer.put(laterEpoch, 1, 5, bytes("b")));

    result(writer.flushed(same, 1, 3));
    result(writer.flushed(laterEpoch, 2, 0));

    assertThat(reader.of(partitionsOf(same, laterEpoch))).isEmpty();
  }

  @Test
  void flushed_whenTheStoredVersionIsNewer_keepsTheEntry() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");
    result(writer.put(key, 1, 5, bytes("newer")));

    result(writer.flushed(key, 1, 4));

    assertThat(reader.of(partitionsOf(key))).singleElement().satisfies(replica -> assertReplica(replica, key, 1, 5, "newer"));
  }

  @Test
  void settled_whenAnEntryIsFlushedThroughTheSnapshotVersionButHoldsANewerOne_completes() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");
    result(writer.put(key, 1, 3, bytes("snapshotted")));
    Future<Void> settled = reader.settled(key.table());
    assertPending(settled);

    result(writer.put(key, 1, 5, bytes("newer")));
    result(writer.flushed(key, 1, 3));

    result(settled);
    assertThat(reader.of(partitionsOf(key))).singleElement().satisfies(replica -> assertReplica(replica, key, 1, 5, "newer"));
  }

  @Test
  void settled_whenTheSnapshotVersionIsNewerThanTheFlushedThrough_staysPendingUntilItIsFlushed() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");
    result(writer.put(key, 1, 5, bytes("newer")));
    result(writer.flushed(key, 1, 3));

    Future<Void> settled = reader.settled(key.table());
    assertPending(settled);
    result(writer.flushed(key, 1, 4));
    assertPending(settled);

    result(writer.flushed(key, 1, 5));
    result(settled);
  }

  @Test
  void of_givenSomePartitions_returnsExactlyTheReplicasOfThosePartitions() throws Exception {
    String table = table();
    List<ItemKey> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ItemKey key = new ItemKey(table, "S" + Integer.toString(i).length() + ":" + i, "");
      keys.add(key);
      result(writer.put(key, 1, i, bytes("item " + i)));
    }
    BitSet wanted = new BitSet();
    for (int i = 0; i < keys.size(); i += 3) {
      wanted.set(Partitions.of(keys.get(i)));
    }
    List<ItemKey> expected = keys.stream().filter(key -> wanted.get(Partitions.of(key))).toList();
    assertThat(expected).hasSizeLessThan(keys.size());

    List<Copy> replicas = reader.of(wanted);

    assertThat(replicas).extracting(Copy::key).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(replicas).allSatisfy(replica -> assertThat(new String(replica.record(), UTF_8)).isEqualTo("item " + replica.seq()));
  }

  @Test
  void settled_withNothingStored_completesAtOnce() throws Exception {
    result(reader.settled(table()));
    result(reader.settled(null));
  }

  @Test
  void settled_whileAReplicaOfTheTableIsUnflushed_staysPendingUntilItIsFlushed() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");
    result(writer.put(key, 1, 1, bytes("a")));

    Future<Void> settled = reader.settled(key.table());
    assertPending(settled);

    result(writer.flushed(key, 1, 1));
    result(settled);
  }

  @Test
  void settled_whenOnlyAnotherTableHasUnflushedReplicas_completes() throws Exception {
    ItemKey other = new ItemKey(table(), "S1:a", "");
    ItemKey mine = new ItemKey(table(), "S1:a", "");
    // A table whose name begins with the other's, so a prefix match alone would catch it.
    ItemKey longer = new ItemKey(mine.table() + "x", "S1:a", "");
    result(writer.put(other, 1, 1, bytes("other")));
    result(writer.put(longer, 1, 1, bytes("longer")));

    result(reader.settled(mine.table()));
  }

  @Test
  void settled_withoutATable_waitsForTheReplicasOfEveryTable() throws Exception {
    ItemKey one = new ItemKey(table(), "S1:a", "");
    ItemKey another = new ItemKey(table(), "S1:b", "");
    result(writer.put(one, 1, 1, bytes("one")));
    result(writer.put(another, 1, 1, bytes("another")));

    Future<Void> settled = reader.settled(null);
    assertPending(settled);
    result(writer.flushed(one, 1, 1));
    assertPending(settled);

    result(writer.flushed(another, 1, 1));
    result(settled);
  }

  @Test
  void settled_whenAReplicaIsPutAfterTheWaitBegan_isNotHeldUpByIt() throws Exception {
    ItemKey before = new ItemKey(table(), "S1:a", "");
    ItemKey after = new ItemKey(before.table(), "S1:b", "");
    result(writer.put(before, 1, 1, bytes("before")));
    Future<Void> settled = reader.settled(before.table());
    assertPending(settled);

    result(writer.put(after, 1, 2, bytes("after")));
    result(writer.flushed(before, 1, 1));

    result(settled);
    assertThat(reader.of(partitionsOf(after))).extracting(Copy::key).containsExactly(after);
  }

  @Test
  void settledBy_whenTheEntryWasGoneAndWrittenAgain_isTrue() {
    // Snapshotted at (1,3), born at (1,1); flushed, removed and put again at (1,4) between two polls.
    ReplicaMap.Snapshotted snapshotted = new ReplicaMap.Snapshotted("k", 1, 3, 1, 1);

    assertThat(snapshotted.settledBy(new long[] {1, 4, -1, -1})).isTrue();
    assertThat(snapshotted.settledBy(new long[] {1, 1, 1, 2})).isFalse();
    assertThat(snapshotted.settledBy(new long[] {1, 1, 1, 3})).isTrue();
    assertThat(snapshotted.settledBy(null)).isTrue();
  }

  @Test
  void of_afterTheMemberThatPutTheReplicasIsLost_readsThemThroughAnother() throws Exception {
    HazelcastInstance third = member(FreePorts.loopback());
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> third.getPartitionService().isClusterSafe());
      ReplicaMap doomed = ReplicaMap.of(vertx, third);
      // Keys whose Hazelcast partition the doomed member owns: their primary copy goes with it.
      String table = table();
      List<ItemKey> keys = new ArrayList<>();
      for (int i = 0; keys.size() < 5; i++) {
        ItemKey key = new ItemKey(table, "S" + Integer.toString(i).length() + ":" + i, "");
        if (third.getPartitionService().getPartition(ReplicaMap.keyOf(key)).getOwner().localMember()) {
          keys.add(key);
        }
      }
      for (ItemKey key : keys) {
        result(doomed.put(key, 1, 1, bytes(key.partition())));
      }

      third.getLifecycleService().terminate();

      assertThat(reader.of(partitionsOf(keys.toArray(ItemKey[]::new)))).hasSize(keys.size())
          .allSatisfy(replica -> assertReplica(replica, replica.key(), 1, 1, replica.key().partition()))
          .extracting(Copy::key).containsExactlyInAnyOrderElementsOf(keys);
    } finally {
      third.getLifecycleService().terminate();
    }
  }

  @Test
  void remove_atExactlyTheStoredVersion_removesTheEntry() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");
    result(writer.put(key, 2, 7, bytes("a")));

    result(writer.remove(key, 2, 7));

    assertThat(reader.of(partitionsOf(key))).isEmpty();
  }

  @Test
  void remove_atAnotherVersion_keepsTheEntry() throws Exception {
    ItemKey key = new ItemKey(table(), "S1:a", "");
    result(writer.put(key, 2, 7, bytes("a")));

    result(writer.remove(key, 2, 6));
    result(writer.remove(key, 2, 8));
    result(writer.remove(key, 1, 7));

    assertThat(reader.of(partitionsOf(key))).singleElement().satisfies(replica -> assertReplica(replica, key, 2, 7, "a"));
  }

  @Test
  void put_withANegativeVersion_isRejected() {
    ItemKey key = new ItemKey(table(), "S1:a", "");

    assertThatThrownBy(() -> writer.put(key, -1, 0, bytes("a"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.flushed(key, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(reader.of(partitionsOf(key))).isEmpty();
  }

  private static void assertReplica(Copy replica, ItemKey key, long epoch, long seq, String record) {
    assertThat(replica.key()).isEqualTo(key);
    assertThat(replica.epoch()).isEqualTo(epoch);
    assertThat(replica.seq()).isEqualTo(seq);
    assertThat(new String(replica.record(), UTF_8)).isEqualTo(record);
  }

  /** Fails unless {@code future} is still incomplete throughout a few of the wait's polls. */
  private static void assertPending(Future<Void> future) {
    await().during(PENDING_FOR).atMost(PENDING_FOR.multipliedBy(3)).until(() -> !future.isComplete());
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }

  private static BitSet partitionsOf(ItemKey... keys) {
    BitSet partitions = new BitSet();
    for (ItemKey key : keys) {
      partitions.set(Partitions.of(key));
    }
    return partitions;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  /** A table name of its own per use, so tests never see each other's replicas. */
  private static String table() {
    return "Orders" + TABLES.incrementAndGet();
  }

  private static HazelcastInstance member(int port) {
    return Hazelcast.newHazelcastInstance(HazelcastSetup.of(new ClusterConfig(clusterName, ClusterJoin.TCP_IP, members, "127.0.0.1", port, 1)));
  }

}
