package io.dynaccel.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TableCacheCountersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Set<String> tablesWithCounters() {
    return registry.find("dynaccel.table.item.cache.hits").counters().stream().map(c -> c.getId().getTag("table")).collect(Collectors.toSet());
  }

  @Test
  void other_label_isNoNameATableCouldHave() {
    // DynamoDB's table names: 3 to 255 of these characters. A real table must never share the over-the-cap series.
    assertThat(TableCacheCounters.OTHER).doesNotMatch("[a-zA-Z0-9_.\\-]{3,255}").isEqualTo("(other)");
  }

  @Test
  void new_beforeAnyTable_registersTheSharedCountersAtZero() {
    new TableCacheCounters(registry, 3);

    for (String name : List.of("dynaccel.table.item.cache.hits", "dynaccel.table.item.cache.misses", "dynaccel.table.query.cache.hits",
        "dynaccel.table.query.cache.misses", "dynaccel.table.scan.cache.hits", "dynaccel.table.scan.cache.misses")) {
      Counter counter = registry.find(name).tag("table", TableCacheCounters.OTHER).counter();
      assertThat(counter).as(name).isNotNull();
      assertThat(counter.count()).isZero();
      assertThat(counter.getId().getDescription()).as(name).isNotBlank();
    }
  }

  @Test
  void of_whenTableSeenAgain_countsOnItsOwnCounters() {
    TableCacheCounters tables = new TableCacheCounters(registry, 3);

    tables.of("Orders").itemHits().increment(2);
    tables.of("Orders").itemHits().increment(3);
    tables.of("Users").itemMisses().increment();

    assertThat(registry.get("dynaccel.table.item.cache.hits").tag("table", "Orders").counter().count()).isEqualTo(5);
    assertThat(registry.get("dynaccel.table.item.cache.misses").tag("table", "Users").counter().count()).isEqualTo(1);
    assertThat(registry.get("dynaccel.table.item.cache.hits").tag("table", TableCacheCounters.OTHER).counter().count()).isZero();
  }

  @Test
  void of_whenCapReached_countsFurtherTablesUnderOther() {
    TableCacheCounters tables = new TableCacheCounters(registry, 2);
    tables.of("a").queryHits().increment();
    tables.of("b").queryHits().increment();

    tables.of("c").queryHits().increment();
    tables.of("d").queryHits().increment(4);
    tables.of("a").queryHits().increment();

    assertThat(tablesWithCounters()).containsExactlyInAnyOrder("a", "b", TableCacheCounters.OTHER);
    assertThat(registry.get("dynaccel.table.query.cache.hits").tag("table", TableCacheCounters.OTHER).counter().count()).isEqualTo(5);
    assertThat(registry.get("dynaccel.table.query.cache.hits").tag("table", "a").counter().count()).isEqualTo(2);
  }

  @Test
  void of_whenThreadsRaceWithNewTables_admitsExactlyCapTables() throws Exception {
    int cap = 50;
    TableCacheCounters tables = new TableCacheCounters(registry, cap);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> runs = IntStream.range(0, 8).<Future<?>>mapToObj(t -> threads.submit(() -> {
        go.await();
        for (int i = 0; i < 1_000; i++) {
          tables.of("t" + t + "-" + i).scanMisses().increment();
        }
        return null;
      })).toList();
      go.countDown();
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(tablesWithCounters()).hasSize(cap + 1).contains(TableCacheCounters.OTHER);
    double counted = registry.find("dynaccel.table.scan.cache.misses").counters().stream().mapToDouble(Counter::count).sum();
    assertThat(counted).isEqualTo(8_000);
  }
}
