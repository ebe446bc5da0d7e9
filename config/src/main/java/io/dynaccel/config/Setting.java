package io.dynaccel.config;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Descriptor of one setting: its dotted YAML path, value type, default, optional dedicated flag and validation
 * rule. The environment variable name is derived from the path so the two can never drift apart.
 *
 * @param path dotted YAML path, e.g. {@code cache.itemTtl}; for per-table settings just the key, e.g. {@code itemTtl}
 * @param defaultValue {@code null} for per-table TTLs, which inherit the cache-wide value
 * @param flag dedicated command-line flag without dashes, or {@code null} (every setting also works with --set)
 * @param requirement the rule phrased to follow "must be", or {@code null} when any parsed value is valid
 */
record Setting<T>(String path, ValueType<T> type, T defaultValue, String flag, Predicate<? super T> rule, String requirement) {

  static <T> Setting<T> of(String path, ValueType<T> type, T defaultValue, Predicate<? super T> rule, String requirement) {
    return new Setting<>(path, type, defaultValue, null, rule, requirement);
  }

  Setting<T> withFlag(String flagName) {
    return new Setting<>(path, type, defaultValue, flagName, rule, requirement);
  }

  /** The last path segment, the key as written inside its YAML section. */
  String key() {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** {@code server.maxRequestBytes} becomes {@code DYNACCEL_SERVER_MAX_REQUEST_BYTES}. */
  String envName() {
    return "DYNACCEL_" + path.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /**
   * Parses and validates a raw value.
   *
   * @param name the setting as the operator should see it in an error, e.g. {@code tables.Orders.itemTtl}
   * @param source where the text came from, e.g. {@code /etc/dynaccel.yaml:7}
   */
  T parse(String name, String text, String source) {
    String trimmed = text.strip();
    T value;
    try {
      value = type.parse(trimmed);
    } catch (RuntimeException e) {
      throw ConfigException.invalid(name, "expected " + type.expected(), ConfigException.quote(trimmed), source);
    }
    if (!rule.test(value)) {
      throw ConfigException.invalid(name, "must be " + requirement, ConfigException.quote(trimmed), source);
    }
    return value;
  }

  /** Validates a value set in code, e.g. by a record constructor. */
  T check(T value) {
    if (!rule.test(value)) {
      throw ConfigException.invalid(path, "must be " + requirement, ConfigException.quote(String.valueOf(value)), null);
    }
    return value;
  }
}
