package io.dynaccel.server.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * This member's own proof that a majority still counts it in: a lease it renews by asking every other
 * member whether it is in that member's view. A round sent at time {@code s} that a majority (this member
 * included) answers yes keeps this member confirmed until {@code s + }{@link #WINDOW}, measured from the
 * sending, so however late the answers arrive, this member stops acting as an owner at most
 * {@link #WINDOW} after the majority dropped it. Hazelcast's heartbeat-based split-brain protection does
 * not bound that: a member that still hears the others' heartbeats keeps its quorum while they have
 * removed it.
 *
 * <p>Unbroken stretches of confirmation are numbered ({@link #run()}): once the confirmation has
 * lapsed, the majority may have dropped this member and granted its leases to others, even if it
 * counts this member in again later (after a merge), so whatever was decided under an earlier run
 * no longer stands.
 */
public final class MajorityConfirmation {

  /** How long one confirmed round keeps this member confirmed. */
  public static final Duration WINDOW = Duration.ofSeconds(1);
  /** How often a round is sent. */
  public static final Duration PERIOD = Duration.ofMillis(250);
  private static final String EXECUTOR = "dynaccel-confirm";

  private final HazelcastInstance hazelcast;
  private final int quorum;
  private final LongSupplier nanoTime;
  private final AtomicReference<Run> current;

  /** Confirmed until {@code until} (in {@code nanoTime}'s terms), in the stretch numbered {@code number}. */
  private record Run(long until, long number) {
  }

  /**
   * Confirms the membership of {@code hazelcast}'s local member.
   *
   * @param quorum how many members, this one included, must count it in
   */
  public MajorityConfirmation(HazelcastInstance hazelcast, int quorum, LongSupplier nanoTime) {
    this.hazelcast = hazelcast;
    this.quorum = quorum;
    this.nanoTime = nanoTime;
    this.current = new AtomicReference<>(new Run(nanoTime.getAsLong(), 0));
  }

  /** Sends one round; the answers arrive on Hazelcast's threads. */
  public void round() {
    long sent = nanoTime.getAsLong();
    Member self = hazelcast.getCluster().getLocalMember();
    if (quorum <= 1) {
      confirm(sent);
      return;
    }
    AtomicInteger yes = new AtomicInteger(1);
    IExecutorService executor = hazelcast.getExecutorService(EXECUTOR);
    InView question = new InView(self.getUuid());
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (member.localMember()) {
        continue;
      }
      executor.submitToMember(question, member, new ExecutionCallback<Boolean>() {
        @Override
        public void onResponse(Boolean counted) {
          if (counted && yes.incrementAndGet() >= quorum) {
            confirm(sent);
          }
        }

        @Override
        public void onFailure(Throwable t) {
          // An unreachable or departed member counts as no.
        }
      });
    }
  }

  private void confirm(long sent) {
    long until = sent + WINDOW.toNanos();
    current.updateAndGet(run -> {
      long later = until - run.until() > 0 ? until : run.until();
      if (nanoTime.getAsLong() - run.until() >= 0) {
        return new Run(later, run.number() + 1); // it had lapsed: a new stretch begins
      }
      return new Run(later, run.number());
    });
  }

  /** Whether a majority counted this member in recently enough. */
  public boolean confirmed() {
    return run() != 0;
  }

  /** The number of the current unbroken stretch of confirmation, or 0 while this member is not confirmed. */
  public long run() {
    Run run = current.get();
    return nanoTime.getAsLong() - run.until() < 0 ? run.number() : 0;
  }

  /** Asks a member whether a given member is in its view. */
  static final class InView implements Callable<Boolean>, Serializable, HazelcastInstanceAware {

    @Serial
    private static final long serialVersionUID = 1L;
    private final UUID asking;
    private transient HazelcastInstance local;

    InView(UUID asking) {
      this.asking = asking;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
      this.local = hazelcastInstance;
    }

    @Override
    public Boolean call() {
      return local.getCluster().getMembers().stream().anyMatch(member -> member.getUuid().equals(asking));
    }
  }
}
