package io.dynaccel.server.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Re-records the conformance corpus when run with {@code -Dconformance.record=true}; skipped otherwise, so that the
 * build never rewrites test resources by itself. The command is in {@link ConformanceRecorder}.
 */
@EnabledIfSystemProperty(named = "conformance.record", matches = "true")
class ConformanceRecorderIT {

  @Test
  void record_whenAskedFor_writesTheCorpusIntoTheTestResources() throws Exception {
    Path file = ConformanceRecorder.record(Path.of("src/test/resources/conformance"));

    assertThat(Files.readAllLines(file)).hasSizeGreaterThanOrEqualTo(500);
  }
}
