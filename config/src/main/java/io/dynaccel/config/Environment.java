package io.dynaccel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Applies {@code DYNACCEL_*} environment variables; a set-but-blank variable counts as unset. */
final class Environment {

  static final String CONFIG = "DYNACCEL_CONFIG";
  static final String TABLES = "DYNACCEL_TABLES";
  private static final String TABLES_FORMAT =
      "entries like Orders:writeStrategy=invalidate,itemTtl=30s separated by ';'";

  private Environment() {
  }

  static Optional<String> get(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  static void apply(Map<String, String> env, ConfigValues values) {
    rejectUnknown(env);
    for (Setting<?> setting : Settings.GLOBAL) {
      get(env, setting.envName()).ifPresent(v -> values.set(setting, v, "environment variable " + setting.envName()));
    }
    get(env, TABLES).ifPresent(v -> applyTables(v, values));
  }

  /** The format is documented on {@link ConfigLoader}; table names cannot contain ':', ';', ',' or '='. */
  private static void applyTables(String spec, ConfigValues values) {
    String source = "environment variable " + TABLES;
    for (String rawEntry : spec.split(";")) {
      String entry = rawEntry.strip();
      if (entry.isEmpty()) {
        continue; // tolerate a trailing ';'
      }
      int colon = entry.indexOf(':');
      if (colon < 0) {
        throw new ConfigException(TABLES + ": expected " + TABLES_FORMAT + ", got '" + entry + "'");
      }
      String table = entry.substring(0, colon).strip();
      values.declareTable(table, source);
      for (String rawPair : entry.substring(colon + 1).split(",")) {
        String pair = rawPair.strip();
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new ConfigException(TABLES + ": expected setting=value in " + TABLES_FORMAT + ", got '" + pair
              + "' in entry '" + entry + "'");
        }
        Setting<?> setting = ConfigValues.tableSetting(table, pair.substring(0, eq).strip(), source);
        values.setTable(table, setting, pair.substring(eq + 1), source);
      }
    }
  }

  /**
   * A misspelt variable would otherwise be ignored silently. Only the prefixes of our own sections are checked,
   * so other components remain free to define variables such as DYNACCEL_SKIP_BUILD
   * (read by bin/dynaccel-local).
   */
  private static void rejectUnknown(Map<String, String> env) {
    List<String> known = new ArrayList<>();
    Settings.GLOBAL.forEach(s -> known.add(s.envName()));
    known.add(CONFIG);
    known.add(TABLES);
    for (String name : new TreeSet<>(env.keySet())) {
      boolean ours = Settings.SECTIONS.stream()
          .anyMatch(section -> name.startsWith("DYNACCEL_" + section.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_"));
      if (!ours || known.contains(name)) {
        continue;
      }
      if (name.startsWith(TABLES + "_")) {
        throw new ConfigException("unknown environment variable " + name + "; per-table settings go in "
            + TABLES + " as " + TABLES_FORMAT);
      }
      String squashed = name.replace("_", "");
      String hint = known.stream().filter(k -> k.replace("_", "").equals(squashed)).findFirst()
          .map(k -> "; did you mean " + k + "?").orElse("");
      throw new ConfigException("unknown environment variable " + name + "; known: " + String.join(", ", known) + hint);
    }
  }
}
