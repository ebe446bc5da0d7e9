package io.dynaccel.server.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamMetersTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void lag_whenScraped_hasAFewHistogramBucketsFromATenthOfASecondToTenSeconds() {
    StreamMeters meters = StreamMeters.register(registry, Set.of("Orders"));
    meters.invalidated("Orders", Duration.ofMillis(700));
    meters.invalidated("Orders", Duration.ofSeconds(3));

    List<String> buckets = registry.scrape().lines().filter(line -> line.startsWith("dynaccel_stream_lag_seconds_bucket{")).toList();
    List<Double> bounds = buckets.stream()
        .map(line -> line.substring(line.indexOf("le=\"") + 4, line.indexOf("\"}")))
        .filter(le -> !le.equals("+Inf"))
        .map(Double::parseDouble)
        .toList();

    assertThat(bounds).containsExactly(0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0);
    assertThat(buckets).anyMatch(line -> line.startsWith("dynaccel_stream_lag_seconds_bucket{le=\"1.0") && line.endsWith(" 1"))
        .contains("dynaccel_stream_lag_seconds_bucket{le=\"+Inf\"} 2");
  }
}
