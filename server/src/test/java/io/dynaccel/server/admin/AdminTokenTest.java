package io.dynaccel.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

  @TempDir Path dir;

  @Test
  void accepts_whenBearerTokenMatches_isTrue() throws Exception {
    AdminToken token = AdminToken.read(Files.writeString(dir.resolve("token"), "s3cret-token\n"));

    assertThat(token.accepts("Bearer s3cret-token")).isTrue();
    assertThat(token.accepts("bearer s3cret-token")).isTrue();
  }

  @Test
  void accepts_whenTokenWrongMissingOrOtherScheme_isFalse() throws Exception {
    AdminToken token = AdminToken.read(Files.writeString(dir.resolve("token"), "s3cret-token"));

    assertThat(token.accepts(null)).isFalse();
    assertThat(token.accepts("")).isFalse();
    assertThat(token.accepts("Bearer s3cret-toke")).isFalse();
    assertThat(token.accepts("Bearer s3cret-token2")).isFalse();
    assertThat(token.accepts("Basic s3cret-token")).isFalse();
    assertThat(token.accepts("s3cret-token")).isFalse();
  }

  @Test
  void toString_whenPrinted_namesTheFileNeverTheToken() throws Exception {
    AdminToken token = AdminToken.read(Files.writeString(dir.resolve("token"), "s3cret-token"));

    assertThat(token.toString()).contains("token").doesNotContain("s3cret");
  }

  @Test
  void read_whenFileEmpty_failsWithoutPrintingContent() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), " \n");

    assertThatThrownBy(() -> AdminToken.read(empty)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
  }
}
