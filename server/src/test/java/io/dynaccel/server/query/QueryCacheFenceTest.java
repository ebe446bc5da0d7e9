package io.dynaccel.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.cache.Fence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The query cache of a cluster member: a result is reachable only under the epoch of its scope's fill. */
class QueryCacheFenceTest {

  private static final QueryScope TABLE = QueryScope.wholeTable("Orders");
  private static final QueryScope PARTITION = new QueryScope("Orders", "S1:a");

  private final AtomicLong partitionEpoch = new AtomicLong(1);
  private final AtomicLong tableEpoch = new AtomicLong(1);
  private final Fence fence = new Fence() {
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
      return false;
    }

    @Override
    public boolean tableRecentlyTaken(String table) {
      return false;
    }
  };
  private final AtomicLong now = new AtomicLong();
  private final QueryCache cache = new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(11),
      Duration.ofSeconds(1), now::get, fence);

  private boolean fill(QueryScope scope) {
    QueryFillTicket ticket = cache.beginFill(cache.keyOf(scope, "q"));
    return cache.completeFill(ticket, new CachedResult("answer".getBytes(StandardCharsets.UTF_8)));
  }

  private boolean hit(QueryScope scope) {
    return cache.get(cache.keyOf(scope, "q")) != null;
  }

  @Test
  void get_whenTheScopesEpochMovedOn_isUnreachable() {
    assertThat(fill(PARTITION)).isTrue();
    assertThat(fill(TABLE)).isTrue();

    tableEpoch.set(2);

    assertThat(hit(TABLE)).isFalse();
    assertThat(hit(PARTITION)).as("a partition result follows its partition's epoch, not the table's").isTrue();
    partitionEpoch.set(3);
    assertThat(hit(PARTITION)).isFalse();
  }

  @Test
  void beginFill_whenTheScopeIsNotHeld_isNotCacheableAndReadsConsistently() {
    tableEpoch.set(0);
    QueryFillTicket ticket = cache.beginFill(cache.keyOf(TABLE, "q"));

    assertThat(ticket.cacheable()).isFalse();
    assertThat(ticket.consistentRead()).isTrue();
  }

  @Test
  void completeFill_whenTheEpochChangedDuringTheFill_doesNotInstall() {
    QueryFillTicket ticket = cache.beginFill(cache.keyOf(PARTITION, "q"));
    partitionEpoch.set(2);

    assertThat(cache.completeFill(ticket, new CachedResult("answer".getBytes(StandardCharsets.UTF_8)))).isFalse();
    partitionEpoch.set(1);
    assertThat(hit(PARTITION)).isFalse();
  }
}
