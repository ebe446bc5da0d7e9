package io.dynaccel.config;

import java.nio.file.Path;

/**
 * Thrown when configuration cannot be loaded; the message names the setting, where its value came from
 * (file:line, environment variable or command-line flag) and what was expected.
 */
public class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message is shown to the operator as is. */
  public ConfigException(String message) {
    super(message);
  }

  /** Creates an exception whose message is shown to the operator as is, keeping the underlying cause. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Builds the uniform "setting: problem, got 'value' (from source)" message.
   *
   * @param got already formatted, see {@link #quote(String)}
   * @param source where the value came from, or {@code null} when it was set in code
   */
  static ConfigException invalid(String setting, String problem, String got, String source) {
    return new ConfigException(setting + ": " + problem + ", got " + got + from(source));
  }

  /**
   * The file a setting names could not be read when the node started: "setting 'file': cannot read the
   * file (Exception: detail)".
   */
  public static ConfigException unreadable(String setting, Path file, Exception cause) {
    return new ConfigException(setting + " '" + file + "': cannot read the file (" + cause.getClass().getSimpleName() + ": "
        + cause.getMessage() + ")");
  }

  static String quote(String text) {
    return text.isEmpty() ? "an empty value" : "'" + text + "'";
  }

  static String from(String source) {
    return source == null ? "" : " (from " + source + ")";
  }
}
