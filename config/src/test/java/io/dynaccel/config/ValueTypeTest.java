package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ValueTypeTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "30s, PT30S",
      "5m, PT5M",
      "1h, PT1H",
      "2d, PT48H",
      "0s, PT0S",
      "PT5M, PT5M",
      "pt1m30s, PT1M30S",
      "-5s, PT-5S",
  })
  void parseDuration_whenSupportedForm_returnsDuration(String text, String iso) {
    assertThat(ValueType.DURATION.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "30", "5M", "5 minutes", "1.5s", "P", "99999999999999999999s"})
  void parseDuration_whenMalformed_throws(String text) {
    assertThatThrownBy(() -> ValueType.DURATION.parse(text)).isInstanceOf(RuntimeException.class);
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0",
      "16777216, 16777216",
      "10b, 10",
      "1k, 1024",
      "2KiB, 2048",
      "256MiB, 268435456",
      "256m, 268435456",
      "256 mib, 268435456",
      "1g, 1073741824",
      "1GiB, 1073741824",
  })
  void parseSize_whenSupportedForm_returnsBytes(String text, long bytes) {
    assertThat(ValueType.SIZE.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "lots", "1MB", "1.5m", "1t", "9999999999g"})
  void parseSize_whenMalformedOrOverflowing_throws(String text) {
    assertThatThrownBy(() -> ValueType.SIZE.parse(text)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void parseIntSize_whenAboveIntRange_throws() {
    assertThat(ValueType.INT_SIZE.parse("1g")).isEqualTo(1 << 30);
    assertThatThrownBy(() -> ValueType.INT_SIZE.parse("2g")).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void parseOptionalUri_whenEmpty_returnsEmpty() {
    assertThat(ValueType.OPTIONAL_URI.parse("")).isEmpty();
    assertThat(ValueType.OPTIONAL_URI.parse("http://127.0.0.1:4567"))
        .isEqualTo(Optional.of(URI.create("http://127.0.0.1:4567")));
  }

  @ParameterizedTest
  @CsvSource({"write-through, WRITE_THROUGH", "invalidate, INVALIDATE", "write-back, WRITE_BACK", "WRITE_BACK, WRITE_BACK"})
  void parseWriteStrategy_whenConfigOrEnumSpelling_returnsStrategy(String text, WriteStrategy expected) {
    assertThat(ValueType.WRITE_STRATEGY.parse(text)).isEqualTo(expected);
    assertThat(expected.configName()).isEqualTo(expected.name().toLowerCase().replace('_', '-'));
  }
}
