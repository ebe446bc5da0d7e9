package io.dynaccel.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExposureWarningTest {

  @Test
  void of_whenBeyondLoopbackWithoutAuthentication_warns() {
    assertThat(ExposureWarning.of("0.0.0.0", false)).hasValueSatisfying(warning ->
        assertThat(warning).contains("0.0.0.0", "WITHOUT authentication", "auth: none"));
    assertThat(ExposureWarning.of("10.1.2.3", false)).isPresent();
  }

  @Test
  void of_whenLoopbackOrAuthenticated_isSilent() {
    assertThat(ExposureWarning.of("127.0.0.1", false)).isEmpty();
    assertThat(ExposureWarning.of("localhost", false)).isEmpty();
    assertThat(ExposureWarning.of("0.0.0.0", true)).isEmpty();
  }
}
