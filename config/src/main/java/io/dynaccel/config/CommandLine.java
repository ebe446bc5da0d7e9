package io.dynaccel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Parsed command-line flags: the configuration file, if given, and setting assignments in the order written
 * (so a later flag wins). Accepts both {@code --flag value} and {@code --flag=value}.
 *
 * @param configFile the value of the last {@code --config}
 */
record CommandLine(Optional<String> configFile, List<Assignment> assignments) {

  static final String CONFIG_FLAG = "config";
  static final String SET_FLAG = "set";

  /** One setting to apply, by dotted path. */
  record Assignment(String path, String text, String source) {
  }

  static CommandLine parse(String[] args) {
    String configFile = null;
    List<Assignment> assignments = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new ConfigException("unexpected command-line argument '" + arg
            + "'; flags are written --name value or --name=value");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      Optional<Setting<?>> setting = Settings.byFlag(name);
      if (!name.equals(CONFIG_FLAG) && !name.equals(SET_FLAG) && setting.isEmpty()) {
        throw new ConfigException("unknown command-line flag '--" + name + "'; known: " + String.join(", ", knownFlags()));
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw new ConfigException("command-line flag --" + name + ": expected a value after it");
      }
      String source = "command-line flag --" + name;
      if (name.equals(CONFIG_FLAG)) {
        if (value.isBlank()) {
          throw new ConfigException(source + ": expected a file path, got an empty value");
        }
        configFile = value;
      } else if (name.equals(SET_FLAG)) {
        int split = value.indexOf('=');
        if (split <= 0) {
          throw new ConfigException(source + ": expected setting=value like cache.itemTtl=30s, got "
              + ConfigException.quote(value));
        }
        assignments.add(new Assignment(value.substring(0, split).strip(), value.substring(split + 1), source));
      } else {
        assignments.add(new Assignment(setting.get().path(), value, source));
      }
    }
    return new CommandLine(Optional.ofNullable(configFile), List.copyOf(assignments));
  }

  private static TreeSet<String> knownFlags() {
    TreeSet<String> flags = new TreeSet<>(List.of("--" + CONFIG_FLAG, "--" + SET_FLAG));
    Settings.GLOBAL.stream().filter(s -> s.flag() != null).forEach(s -> flags.add("--" + s.flag()));
    return flags;
  }
}
