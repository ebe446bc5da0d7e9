package io.dynaccel.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The text {@code --help} prints: every setting with its default, environment variable, flag and allowed values,
 * generated from the same table {@link ConfigLoader} reads, so the help can never leave a setting out.
 */
public final class Usage {

  private static final long KIB = 1024;

  private Usage() {
  }

  /** The whole help text, ending with a newline. */
  public static String text() {
    StringBuilder out = new StringBuilder();
    out.append("""
        Usage: java -jar dynaccel-server.jar [--config FILE] [--host H] [--port N] [--instances N]
                                             [--upstream URI] [--region R] [--set key=value]...
               java -jar dynaccel-server.jar --help | --version

        Each setting is read from, last one winning: its default, the YAML file (--config FILE or DYNACCEL_CONFIG),
        its environment variable, its flag. Every setting can be given as --set key=value, e.g. --set cache.itemTtl=30s.
        Durations: 500ms, 30s, 5m, 1h, 2d or PT5M. Sizes: bytes, or 1024-based 64k/KiB, 256m/MiB, 1g/GiB.

        Settings (key, default, environment variable, flag; then the allowed values):
        """);
    for (Setting<?> setting : Settings.GLOBAL) {
      out.append("  ").append(setting.path()).append(" = ").append(defaultOf(setting))
          .append("   ").append(setting.envName());
      if (setting.flag() != null) {
        out.append("   --").append(setting.flag());
      }
      out.append("\n      ").append(allowed(setting)).append('\n');
    }
    out.append("  ").append(Settings.AUTH_PRINCIPALS).append(" = (none)   file only\n")
        .append("      a list of principals with name, accessKeyId, secretFile or secretEnv and allow rules\n");
    out.append("""

        Per-table settings, as tables.<table>.<key> in the file or --set ("*" for every table without an entry),
        or in DYNACCEL_TABLES='Orders:writeStrategy=invalidate,itemTtl=30s;Users:writeStrategy=write-back':
        """);
    for (Setting<?> setting : Settings.TABLE) {
      out.append("  ").append(setting.path()).append(" = ")
          .append(setting.defaultValue() == null ? "cache." + setting.key() : defaultOf(setting))
          .append("\n      ").append(allowed(setting)).append('\n');
    }
    return out.toString();
  }

  private static String allowed(Setting<?> setting) {
    return setting.requirement() != null ? setting.requirement() : setting.type().expected();
  }

  private static String defaultOf(Setting<?> setting) {
    if (setting == Settings.SERVER_INSTANCES) {
      return "the number of processors (" + setting.defaultValue() + " here)";
    }
    if (setting == Settings.UPSTREAM_REGION) {
      // DynaccelConfig.defaults takes the region from these variables when set: the built-in value is only the last.
      return setting.defaultValue() + ", or AWS_REGION / AWS_DEFAULT_REGION when set";
    }
    if (setting == Settings.UPSTREAM_ENDPOINT) {
      return "(none: the AWS endpoint of upstream.region)";
    }
    if (setting == Settings.UPSTREAM_STREAMS_ENDPOINT) {
      return "(none: derived from the DynamoDB endpoint, see README)";
    }
    Object value = setting.defaultValue();
    if (setting.type() == ValueType.SIZE || setting.type() == ValueType.INT_SIZE) {
      return size(((Number) value).longValue());
    }
    return display(value);
  }

  private static String display(Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.map(Usage::display).orElse("(none)");
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "(none)" : String.join(",", list.stream().map(Usage::display).toList());
    }
    if (value instanceof Duration duration) {
      return duration(duration);
    }
    if (value instanceof Enum<?> constant) {
      return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return String.valueOf(value);
  }

  /** In the largest unit that writes it exactly, as the parser reads it back. */
  static String duration(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    long[] units = {86_400_000, 3_600_000, 60_000, 1_000};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis % units[i] == 0) {
        return millis / units[i] + names[i];
      }
    }
    return millis + "ms";
  }

  static String size(long bytes) {
    String[] names = {"GiB", "MiB", "KiB"};
    long[] units = {KIB * KIB * KIB, KIB * KIB, KIB};
    for (int i = 0; i < units.length; i++) {
      if (bytes > 0 && bytes % units[i] == 0) {
        return bytes / units[i] + names[i];
      }
    }
    return Long.toString(bytes);
  }
}
