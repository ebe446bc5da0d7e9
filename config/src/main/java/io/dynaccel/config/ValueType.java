package io.dynaccel.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one kind of setting value is written as text; every source (YAML scalar, environment variable,
 * flag) goes through the same parser so a value means the same thing wherever it is written.
 */
final class ValueType<T> {

  static final ValueType<String> STRING = new ValueType<>("a text value", text -> text);

  static final ValueType<Integer> INTEGER = new ValueType<>("an integer", Integer::valueOf);

  /** Only {@code true} or {@code false}: YAML 1.1's yes/no/on/off are too easy to write by accident. */
  static final ValueType<Boolean> BOOLEAN = new ValueType<>("true or false", ValueType::parseBoolean);

  /** Bytes; suffixes are 1024-based: k/KiB, m/MiB, g/GiB (case-insensitive), b or none for plain bytes. */
  static final ValueType<Long> SIZE = new ValueType<>("a size like 268435456, 256MiB or 256m", ValueType::parseSize);

  /** A {@link #SIZE} that must fit a Java int (the HTTP server's request-size limit is an int). */
  static final ValueType<Integer> INT_SIZE = new ValueType<>(
      "a size up to 2147483647 bytes like 16777216, 16MiB or 16m", text -> Math.toIntExact(parseSize(text)));

  static final ValueType<Duration> DURATION =
      new ValueType<>("a duration like 500ms, 30s, 5m, 1h or PT5M", ValueType::parseDuration);

  /** Empty text means "no endpoint" so a flag or file can explicitly fall back to the AWS endpoint. */
  static final ValueType<Optional<URI>> OPTIONAL_URI = new ValueType<>("a URI like http://127.0.0.1:4567",
      text -> text.isEmpty() ? Optional.empty() : Optional.of(parseUri(text)));

  /** Empty text means "no file". */
  static final ValueType<Optional<Path>> OPTIONAL_PATH = new ValueType<>("a file path",
      text -> text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text)));

  static final ValueType<WriteStrategy> WRITE_STRATEGY =
      new ValueType<>("one of write-through, invalidate, write-back", WriteStrategy::parse);

  static final ValueType<FsyncPolicy> FSYNC_POLICY = new ValueType<>("one of always, interval", FsyncPolicy::parse);

  static final ValueType<AuthMode> AUTH_MODE = new ValueType<>("one of none, sigv4", AuthMode::parse);

  static final ValueType<LogFormat> LOG_FORMAT = new ValueType<>("one of text, json", LogFormat::parse);

  static final ValueType<ClusterJoin> CLUSTER_JOIN = new ValueType<>("one of tcp-ip, multicast", ClusterJoin::parse);

  /** Comma-separated words; a YAML list is joined with commas first, so both spellings mean the same. */
  static final ValueType<List<String>> STRING_LIST = new ValueType<>("a list like us-east-1,eu-west-1",
      text -> text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(String::strip).toList());

  private static final Pattern SIZE_PATTERN =
      Pattern.compile("(-?\\d+)\\s*(b|k|kib|m|mib|g|gib)?", Pattern.CASE_INSENSITIVE);
  // Units are case-sensitive on purpose: "5M" could be read as months.
  private static final Pattern DURATION_PATTERN = Pattern.compile("(-?\\d+)\\s*(ms|s|m|h|d)");

  private final String expected;
  private final Function<String, T> parser;

  private ValueType(String expected, Function<String, T> parser) {
    this.expected = expected;
    this.parser = parser;
  }

  /** What a valid value looks like, phrased to follow "expected". */
  String expected() {
    return expected;
  }

  /** Parses trimmed text; any runtime exception means "malformed" and is reported by the caller. */
  T parse(String text) {
    return parser.apply(text);
  }

  static boolean parseBoolean(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean: " + text);
    };
  }

  static long parseSize(String text) {
    Matcher m = SIZE_PATTERN.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long multiplier = switch (unit) {
      case "b" -> 1L;
      case "k", "kib" -> 1L << 10;
      case "m", "mib" -> 1L << 20;
      case "g", "gib" -> 1L << 30;
      default -> throw new IllegalArgumentException("unknown size unit: " + unit);
    };
    return Math.multiplyExact(number, multiplier);
  }

  static Duration parseDuration(String text) {
    if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P") || text.startsWith("-p")) {
      return Duration.parse(text);
    }
    Matcher m = DURATION_PATTERN.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long amount = Long.parseLong(m.group(1));
    ChronoUnit unit = switch (m.group(2)) {
      case "ms" -> ChronoUnit.MILLIS;
      case "s" -> ChronoUnit.SECONDS;
      case "m" -> ChronoUnit.MINUTES;
      case "h" -> ChronoUnit.HOURS;
      case "d" -> ChronoUnit.DAYS;
      default -> throw new IllegalArgumentException("unknown duration unit: " + m.group(2));
    };
    return Duration.of(amount, unit);
  }

  private static URI parseUri(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
