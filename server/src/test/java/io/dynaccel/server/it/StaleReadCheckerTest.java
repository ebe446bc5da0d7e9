package io.dynaccel.server.it;

import static io.dynaccel.server.it.StaleReadChecker.ABSENT;
import static io.dynaccel.server.it.StaleReadChecker.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaleReadCheckerTest {

  @Test
  void check_whenReadReturnsValueSupersededByWriteAcknowledgedBeforeItBegan_reportsStale() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.write("k", "v1", 0, 10);
    checker.write("k", "v2", 20, 30);
    checker.read("k", "v1", 40, 50);

    StaleReadChecker.Result result = checker.check();

    assertThat(result.stale()).hasSize(1);
    assertThat(result.stale().get(0).superseding().value()).isEqualTo("v2");
    assertThat(result.phantoms()).isEmpty();
  }

  @Test
  void check_whenWritesOverlapOrReadOverlapsTheNewerWrite_acceptsEitherValue() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.write("k", "v1", 0, 10);
    checker.write("k", "v2", 5, 30); // overlaps v1: DynamoDB may have applied them in either order
    checker.write("k", "v3", 12, 40); // started after v1's ack, acknowledged after the read began
    checker.read("k", "v1", 35, 50);
    checker.read("k", "v2", 45, 50);
    checker.read("k", "v3", 60, 70);

    StaleReadChecker.Result result = checker.check();

    assertThat(result.stale()).isEmpty();
    assertThat(result.phantoms()).isEmpty();
  }

  @Test
  void check_whenValueWasWrittenOnlyAfterTheReadEnded_reportsPhantom() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.write("k", "v1", 0, 10);
    checker.write("k", "v2", 100, 110);
    checker.read("k", "v2", 20, 30);
    checker.read("k", "never-written", 20, 30);

    StaleReadChecker.Result result = checker.check();

    assertThat(result.phantoms()).hasSize(2);
  }

  @Test
  void check_whenSomeDeleteIsNotSuperseded_acceptsAbsent_otherwiseReportsStale() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.write("k", ABSENT, 0, 10);
    checker.write("k", "v1", 20, 30);
    checker.write("k", ABSENT, 40, 50);
    checker.read("k", ABSENT, 60, 70); // the second delete is the latest write
    checker.write("j", ABSENT, 0, 10);
    checker.write("j", "v1", 20, 30);
    checker.read("j", ABSENT, 40, 50); // the only delete was superseded by v1

    StaleReadChecker.Result result = checker.check();

    assertThat(result.stale()).extracting(v -> v.read().key()).containsExactly("j");
  }

  @Test
  void check_whenSupersedingWriteWasNeverAcknowledged_doesNotCountIt() {
    StaleReadChecker checker = new StaleReadChecker();
    checker.write("k", "v1", 0, 10);
    checker.write("k", "v2", 20, UNKNOWN);
    checker.read("k", "v1", 40, 50);
    checker.read("k", "v2", 40, 50);

    StaleReadChecker.Result result = checker.check();

    assertThat(result.stale()).isEmpty();
    assertThat(result.phantoms()).isEmpty();
  }
}
