package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log section (format and access log), through every source. */
class LogSettingsTest {

  private static final String[] NO_ARGS = {};

  @TempDir
  Path dir;

  @Test
  void load_whenNothingSet_logsTextWithoutAccessLog() {
    assertThat(ConfigLoader.load(NO_ARGS, Map.of()).log()).isEqualTo(new LogConfig(LogFormat.TEXT, false));
  }

  @Test
  void load_whenYamlSectionSet_readsBothSettings() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), "log: { format: json, access: true }\n", StandardCharsets.UTF_8);

    assertThat(ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()).log())
        .isEqualTo(new LogConfig(LogFormat.JSON, true));
  }

  @Test
  void load_whenEnvironmentVariablesSet_appliesThem() {
    DynaccelConfig config = ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_LOG_FORMAT", "JSON", "DYNACCEL_LOG_ACCESS", "true"));

    assertThat(config.log()).isEqualTo(new LogConfig(LogFormat.JSON, true));
  }

  @Test
  void load_whenFlagAfterVariable_flagWins() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "log.format=text", "--set", "log.access=false"},
        Map.of("DYNACCEL_LOG_FORMAT", "json", "DYNACCEL_LOG_ACCESS", "true"));

    assertThat(config.log()).isEqualTo(new LogConfig(LogFormat.TEXT, false));
  }

  @Test
  void load_whenFormatUnknown_namesSettingValuesAndSource() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_LOG_FORMAT", "xml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("log.format: expected one of text, json, got 'xml' (from environment variable DYNACCEL_LOG_FORMAT)");
  }

  @Test
  void load_whenAccessNotBoolean_namesSettingAndSource() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "log.access=yes"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("log.access: expected true or false, got 'yes' (from command-line flag --set)");
  }

  @Test
  void load_whenLogVariableMisspelt_suggestsTheKnownOne() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_LOGFORMAT", "json", "DYNACCEL_LOG_FORM_AT", "json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown environment variable DYNACCEL_LOG_FORM_AT")
        .hasMessageEndingWith("; did you mean DYNACCEL_LOG_FORMAT?");
  }

  @Test
  void load_whenYamlKeyUnknown_listsTheLogSettings() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), "log: { level: debug }\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'log.level'")
        .hasMessageContaining("known: log.format, log.access");
  }
}
