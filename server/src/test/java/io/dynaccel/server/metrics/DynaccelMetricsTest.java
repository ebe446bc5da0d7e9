package io.dynaccel.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.protocol.Operations;
import io.dynaccel.server.query.QueryCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DynaccelMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DynaccelMetrics metrics = new DynaccelMetrics(registry,
      new ItemCache(1 << 20, (table, exists) -> Duration.ofMinutes(5), Duration.ofSeconds(11), Ticker.systemTicker()),
      new QueryCache(1 << 20, table -> Duration.ofMinutes(5).toNanos(), Duration.ofSeconds(11), Duration.ofSeconds(1), Ticker.systemTicker()));

  private static List<String> operations() {
    List<String> operations = new ArrayList<>(Operations.all());
    operations.add(DynaccelMetrics.UNKNOWN_OPERATION);
    return operations;
  }

  private double counter(String name, String operation) {
    return registry.get(name).tag("operation", operation).counter().count();
  }

  @Test
  void new_beforeAnyCall_everyOperationHasItsTimerAndOutcomeCountersAtZero() {
    assertThat(operations()).contains("GetItem", "Query", "DescribeTable", "ListTables").hasSizeGreaterThan(50);
    for (String operation : operations()) {
      Timer requests = registry.find("dynaccel.requests").tag("operation", operation).timer();
      assertThat(requests).as(operation).isNotNull();
      assertThat(requests.count()).isZero();
      for (String outcome : List.of("dynaccel.errors", "dynaccel.faults", "dynaccel.throttles")) {
        Counter counter = registry.find(outcome).tag("operation", operation).counter();
        assertThat(counter).as(outcome + " " + operation).isNotNull();
        assertThat(counter.count()).isZero();
        assertThat(counter.getId().getDescription()).isNotBlank();
      }
    }
  }

  @Test
  void scrape_beforeAnyCall_showsZeroOutcomesPercentilesAndBuckets() {
    String text = metrics.scrape();

    assertThat(text).contains(
        "dynaccel_faults_total{operation=\"GetItem\"} 0.0",
        "dynaccel_throttles_total{operation=\"GetItem\"} 0.0",
        "dynaccel_errors_total{operation=\"GetItem\"} 0.0",
        "dynaccel_requests_percentile_seconds{operation=\"GetItem\",quantile=\"0.5\"} 0.0",
        "dynaccel_requests_percentile_seconds{operation=\"GetItem\",quantile=\"0.99\"} 0.0",
        "dynaccel_requests_seconds_bucket{operation=\"GetItem\",le=\"+Inf\"} 0");
    assertThat(text.lines().filter(l -> l.startsWith("# HELP ")))
        .isNotEmpty()
        .allSatisfy(help -> assertThat(help.split(" ", 4)).as(help).hasSize(4));
  }

  @Test
  void request_histogram_hasEighteenBucketsFromFiftyMicrosecondsToThirtySeconds() {
    List<Double> bounds = metrics.scrape().lines()
        .filter(l -> l.startsWith("dynaccel_requests_seconds_bucket{operation=\"GetItem\","))
        .map(l -> l.substring(l.indexOf("le=\"") + 4, l.indexOf("\"}")))
        .filter(le -> !le.equals("+Inf"))
        .map(Double::parseDouble)
        .toList();

    // 1-2-5 steps: histogram_quantile's resolution, at 18 series a timer rather than the 88 of a percentile histogram.
    assertThat(bounds).containsExactly(50e-6, 100e-6, 200e-6, 500e-6, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0,
        5.0, 10.0, 30.0);
  }

  @Test
  void scrape_whenCallsAreStillInTheirThreadsBatches_showsThemAll() {
    metrics.request("GetItem", 200, null, 1_000_000);
    metrics.upstream("GetItem", 2_000_000);

    assertThat(metrics.scrape()).contains("dynaccel_requests_seconds_count{operation=\"GetItem\"} 1",
        "dynaccel_upstream_requests_seconds_count{operation=\"GetItem\"} 1");
  }

  @Test
  void request_byStatusAndErrorType_countsErrorsFaultsAndThrottlesApart() {
    metrics.request("PutItem", 200, null, 1_000_000);
    metrics.request("PutItem", 400, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", 1_000_000);
    metrics.request("PutItem", 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", 1_000_000);
    metrics.request("PutItem", 400, "com.amazon.coral.availability#ThrottlingException", 1_000_000);
    metrics.request("PutItem", 500, "com.amazonaws.dynamodb.v20120810#InternalServerError", 1_000_000);
    metrics.flush();

    assertThat(registry.get("dynaccel.requests").tag("operation", "PutItem").timer().count()).isEqualTo(5);
    assertThat(counter("dynaccel.errors", "PutItem")).isEqualTo(1);
    assertThat(counter("dynaccel.throttles", "PutItem")).isEqualTo(2);
    assertThat(counter("dynaccel.faults", "PutItem")).isEqualTo(1);
    assertThat(counter("dynaccel.faults", "GetItem")).isZero();
  }

  @Test
  void upstream_afterARequestOfOperation_hasATimerWithPercentilesAndBucketsThatExistedAtZero() {
    assertThat(registry.get("dynaccel.upstream.requests").tag("operation", "GetItem").timer().count()).as("registered at start").isZero();
    assertThat(registry.find("dynaccel.upstream.requests").timers()).hasSize(Operations.all().size());

    metrics.upstream("GetItem", TimeUnit.MILLISECONDS.toNanos(3));
    metrics.flush();

    Timer upstream = registry.get("dynaccel.upstream.requests").tag("operation", "GetItem").timer();
    assertThat(upstream.count()).isEqualTo(1);
    assertThat(upstream.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3);
    assertThat(registry.get("dynaccel.upstream.requests.percentile").tag("operation", "GetItem").tag("quantile", "0.99").gauge().value())
        .isBetween(0.002, 0.004);
    assertThat(metrics.scrape()).contains(
        "# HELP dynaccel_upstream_requests_seconds Requests to DynamoDB",
        "dynaccel_upstream_requests_percentile_seconds{operation=\"GetItem\",quantile=\"0.99\"}",
        "dynaccel_upstream_requests_seconds_bucket{operation=\"GetItem\",le=\"+Inf\"} 1");
  }

  @Test
  void itemHitsAndMisses_countTheTotalAndTheTable() {
    metrics.itemHits("Orders", 3);
    metrics.itemMisses("Orders", 1);
    metrics.queryOrScan("Orders", "Scan", true);
    metrics.queryOrScan("Orders", "Query", false);

    assertThat(registry.get("dynaccel.item.cache.hits").counter().count()).isEqualTo(3);
    assertThat(registry.get("dynaccel.table.item.cache.hits").tag("table", "Orders").counter().count()).isEqualTo(3);
    assertThat(registry.get("dynaccel.table.item.cache.misses").tag("table", "Orders").counter().count()).isEqualTo(1);
    assertThat(registry.get("dynaccel.scan.cache.hits").counter().count()).isEqualTo(1);
    assertThat(registry.get("dynaccel.table.scan.cache.hits").tag("table", "Orders").counter().count()).isEqualTo(1);
    assertThat(registry.get("dynaccel.table.query.cache.misses").tag("table", "Orders").counter().count()).isEqualTo(1);
    assertThat(registry.get("dynaccel.table.query.cache.hits").tag("table", "Orders").counter().count()).isZero();
  }
}
