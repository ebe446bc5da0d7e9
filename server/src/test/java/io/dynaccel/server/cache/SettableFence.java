package io.dynaccel.server.cache;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Fence} whose epochs a test sets: one for every partition key, one for table-wide results. */
public final class SettableFence implements Fence {

  /** The epoch of every partition key's items; 0: not held. */
  public final AtomicLong partitionEpoch = new AtomicLong(1);
  /** The epoch of every table's table-wide results; 0: not held. */
  public final AtomicLong tableEpoch = new AtomicLong(1);
  /** Whether everything was taken over lately. */
  public final AtomicBoolean recentlyTaken = new AtomicBoolean();

  @Override
  public long epoch(String table, String partitionKey) {
    return partitionEpoch.get();
  }

  @Override
  public long tableEpoch(String table) {
    return tableEpoch.get();
  }

  @Override
  public boolean recentlyTaken(String table, String partitionKey) {
    return recentlyTaken.get();
  }

  @Override
  public boolean tableRecentlyTaken(String table) {
    return recentlyTaken.get();
  }
}
