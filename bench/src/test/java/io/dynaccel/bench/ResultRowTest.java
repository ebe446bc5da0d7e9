package io.dynaccel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultRowTest {

  @Test
  void cells_whenJudgedAgainstBaselineAndHit_printsCpuPerRequestAddedP50AndRatios() {
    LoadResult baseline = result(200, 1_000, Duration.ofMillis(10));
    LoadResult accelerated = result(100, 1_500, Duration.ofMillis(10));

    ResultRow row = new ResultRow("GetItem misses", "accelerator", accelerated, baseline, baseline);

    assertThat(row.cells()).containsExactly("GetItem misses", "accelerator", "100", "1.500", "1.500", "1.500", "0",
        "100.0", "n/a", "2.00x", "+0.500", "0.50x / 1.50x / 1.50x");
    assertThat(row.addedP50Millis()).isEqualTo(0.5);
    assertThat(row.cpuRatio()).isEqualTo(2.0);
  }

  @Test
  void cells_whenBaselineRow_leavesComparisonsEmpty() {
    ResultRow row = new ResultRow("GetItem hits", "baseline server", result(200, 1_000, Duration.ofMillis(2)), null, null);

    assertThat(row.cells()).containsExactly("GetItem hits", "baseline server", "200", "1.000", "1.000", "1.000", "0",
        "10.0", "n/a", "", "", "");
  }

  @Test
  void cells_whenCpuNotMeasured_printsNotAvailable() {
    LoadResult inProcess = new LoadResult(100, 0, 1, latencies(100, 1_000));
    ResultRow row = new ResultRow("GetItem hits", "accelerator", inProcess, inProcess, inProcess);

    assertThat(row.cells().get(7)).isEqualTo("n/a");
    assertThat(row.cells().get(8)).isEqualTo("n/a");
    assertThat(row.cells().get(9)).isEqualTo("n/a");
    assertThat(row.cpuRatio()).isNaN();
  }

  @Test
  void cpuRatio_whenCompilersMeasured_leavesTheirShareOut() {
    // 100 calls; the row's 30 ms include 10 ms of JIT compiling, the hit's 10 ms include 5 ms.
    LoadResult hit = new LoadResult(100, 0, 1, latencies(100, 1_000), Duration.ofMillis(10), Duration.ofMillis(5));
    LoadResult miss = new LoadResult(100, 0, 1, latencies(100, 1_000), Duration.ofMillis(30), Duration.ofMillis(10));

    ResultRow row = new ResultRow("GetItem misses", "accelerator", miss, hit, hit);

    assertThat(row.cells().subList(7, 10)).containsExactly("300.0", "100.0", "4.00x");
    assertThat(row.cpuRatio()).isEqualTo(4.0);
  }

  @Test
  void headerLine_whenPrinted_namesEveryColumnOnce() {
    assertThat(ResultRow.headerLine()).contains("CPU us/req", "JIT us/req", "CPU vs hit", "added p50 ms").endsWith(System.lineSeparator());
    assertThat(ResultRow.HEADER).hasSize(new ResultRow("s", "t", result(1, 1_000, Duration.ZERO), null, null).cells().size());
  }

  /** {@code requests} successful calls in one second, each taking {@code micros}, while the server used {@code cpu}. */
  private static LoadResult result(long requests, long micros, Duration cpu) {
    return new LoadResult(requests, 0, 1, latencies(requests, micros), cpu);
  }

  private static Histogram latencies(long requests, long micros) {
    Histogram histogram = new Histogram(3_600_000_000L, 3);
    histogram.recordValueWithCount(micros, requests);
    return histogram;
  }
}
