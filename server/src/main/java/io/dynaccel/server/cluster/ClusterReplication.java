package io.dynaccel.server.cluster;

import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.cluster.internal.LeaseTable;
import io.dynaccel.server.cluster.internal.Members;
import io.dynaccel.server.write.back.Replication;
import io.dynaccel.server.write.back.WriteBackPath;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-back in a cluster: every change is copied into the cluster's {@link ReplicaMap} before it is
 * acknowledged, versioned by this node's lease epoch of the item's partition; flushes run only while
 * this node serves the partition; a partition taken over is served only once its copies are adopted.
 *
 * <p>What a member's log holds at start is judged against the lease table: a partition never granted
 * since the table began has had no owner that could have adopted anything, so the change is offered
 * (as the newest version wins, an older offer loses to a newer one); a partition granted since, of a
 * change logged under this table, was adopted from the copies when its owner left, so the change is
 * superseded; a change older than the table itself is stranded (dead-lettered), since the cluster lost
 * every member in between and an owner has written the partition since.
 */
public final class ClusterReplication implements Replication {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterReplication.class);
  private static final int FLUSHED_ATTEMPTS = 10;
  private static final long FLUSHED_RETRY_MILLIS = 200;

  private final Vertx vertx;
  private final ReplicaMap replicas;
  private final Ownership ownership;
  private final Members.Leases leases;

  /**
   * Creates the replication of this member.
   *
   * @param replicas the cluster's copies of changes not yet in DynamoDB
   * @param leases the lease table, read at start to judge what the log held
   */
  public ClusterReplication(Vertx vertx, ReplicaMap replicas, Ownership ownership, Members.Leases leases) {
    this.vertx = vertx;
    this.replicas = replicas;
    this.ownership = ownership;
    this.leases = leases;
  }

  /**
   * What takes over the partitions' copies into {@code writeBack} once their leases are taken: those taken
   * from a member that left without handing them over stay out of DynamoDB for {@code hold}, as long as
   * that member's own flushes of them may still land. A copy is adopted only while this node still holds
   * the lease it was adopted under: one given up meanwhile is its next owner's.
   */
  public PartitionAdoption adoptionInto(WriteBackPath writeBack, Duration hold) {
    return (partitions, fromDeparted) -> {
      long[] epochs = new long[Partitions.COUNT];
      partitions.stream().forEach(p -> epochs[p] = ownership.leaseEpoch(p));
      Predicate<ItemKey> stillTaking = key -> {
        int partition = Partitions.of(key);
        return epochs[partition] != 0 && ownership.leaseEpoch(partition) == epochs[partition];
      };
      // The query of the copies blocks on the cluster: on a worker.
      return vertx.executeBlocking(() -> replicas.of(partitions), false).compose(copies -> {
        List<Copy> handedOver = new ArrayList<>();
        List<Copy> leftBehind = new ArrayList<>();
        for (Copy copy : copies) {
          (fromDeparted.get(Partitions.of(copy.key())) ? leftBehind : handedOver).add(copy);
        }
        return Future.all(writeBack.adopt(handedOver, Duration.ZERO, stillTaking), writeBack.adopt(leftBehind, hold, stillTaking));
      }).toCompletionStage();
    };
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public long epoch(ItemKey key) {
    return ownership.leaseEpoch(Partitions.of(key));
  }

  @Override
  public boolean serves(ItemKey key) {
    return ownership.epoch(Partitions.of(key)) != 0;
  }

  @Override
  public Future<Void> put(ItemKey key, long epoch, long seq, byte[] record) {
    if (epoch == 0) {
      // The lease went between the write's routing and its logging: no version could rank it.
      return Future.failedFuture(new IllegalStateException("partition of " + key + " is not held here"));
    }
    return replicas.put(key, epoch, seq, record);
  }

  @Override
  public Future<Void> flushed(ItemKey key, long epoch, long seq) {
    Promise<Void> done = Promise.promise();
    flushed(key, epoch, seq, 1, done);
    return done.future();
  }

  /** Retried: a copy left behind would be taken over, and written again, by the partition's next owner. */
  private void flushed(ItemKey key, long epoch, long seq, int attempt, Promise<Void> done) {
    replicas.flushed(key, epoch, seq).onComplete(result -> {
      if (result.succeeded()) {
        done.complete();
      } else if (attempt >= FLUSHED_ATTEMPTS) {
        LOG.error("The cluster's copy of write-back item {} could not be marked flushed: {}", key, result.cause().toString());
        done.fail(result.cause());
      } else {
        vertx.setTimer(FLUSHED_RETRY_MILLIS, id -> flushed(key, epoch, seq, attempt + 1, done));
      }
    });
  }

  @Override
  public Future<Void> withdraw(ItemKey key, long epoch, long seq) {
    return epoch == 0 ? Future.succeededFuture() : replicas.remove(key, epoch, seq);
  }

  @Override
  public boolean enterFlush(ItemKey key) {
    int partition = Partitions.of(key);
    return ownership.enter(partition, ownership.epoch(partition));
  }

  @Override
  public void exitFlush(ItemKey key) {
    ownership.exit(Partitions.of(key));
  }

  @Override
  public Future<Void> settled(String table) {
    return replicas.settled(table);
  }

  @Override
  public Future<Map<ItemKey, Verdict>> recover(List<Copy> replayed) {
    // Lease reads and the copies' puts are Hazelcast round trips: off the event loop.
    return vertx.executeBlocking(() -> {
      long lifetimeStart = leases.lifetimeStart();
      Map<ItemKey, Verdict> verdicts = new HashMap<>();
      for (Copy copy : replayed) {
        int partition = Partitions.of(copy.key());
        Verdict verdict;
        if (leases.get(partition) == null) {
          replicas.put(copy.key(), copy.epoch(), copy.seq(), copy.record()).toCompletionStage().toCompletableFuture().get();
          // Offered first, looked at again after: an owner granted the lease since may have read the copies before the offer.
          LeaseTable.Lease granted = leases.get(partition);
          verdict = granted == null ? Verdict.OFFERED : judged(copy, lifetimeStart);
          if (granted != null) {
            replicas.remove(copy.key(), copy.epoch(), copy.seq()).toCompletionStage().toCompletableFuture().get();
          }
        } else {
          verdict = judged(copy, lifetimeStart);
        }
        verdicts.put(copy.key(), verdict);
      }
      return verdicts;
    });
  }

  private static Verdict judged(Copy copy, long lifetimeStart) {
    return copy.epoch() >= lifetimeStart ? Verdict.SUPERSEDED : Verdict.STRANDED;
  }
}
