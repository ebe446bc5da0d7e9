package io.dynaccel.server.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of stream invalidation: invalidations by table (bounded by the tables followed), the lag
 * from a record's creation to its invalidation, and errors by kind.
 */
public final class StreamMeters {

  /** The kinds of error counted; a fixed set, so the tag stays bounded. */
  public enum ErrorKind {
    /** LimitExceededException or another throttling answer: backed off. */
    THROTTLED,
    /** ExpiredIteratorException: a new iterator after the last record seen. */
    EXPIRED_ITERATOR,
    /** TrimmedDataAccessException: records may be lost, the table was dropped. */
    TRIMMED,
    /** Any other failure of a call: retried with backoff. */
    FAILED;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final Duration[] LAG_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final Map<String, Counter> invalidations = new ConcurrentHashMap<>();
  private final Map<ErrorKind, Counter> errors = new ConcurrentHashMap<>();
  private final Timer lag;

  private StreamMeters(MeterRegistry registry, Collection<String> tables) {
    this.registry = registry;
    tables.forEach(this::invalidationsOf);
    for (ErrorKind kind : ErrorKind.values()) {
      errors.put(kind, Counter.builder("dynaccel.stream.errors").tag("kind", kind.tag())
          .description("Failed DynamoDB Streams calls, by kind").register(registry));
    }
    this.lag = Timer.builder("dynaccel.stream.lag")
        .description("Time from a stream record's creation (ApproximateCreationDateTime) to its invalidation")
        .publishPercentiles(0.5, 0.99)
        // A few fixed buckets around the one-second target rather than the request timers' thirty-odd:
        // the creation time is rounded down to the second, so finer ones would only split noise.
        .serviceLevelObjectives(LAG_BUCKETS)
        .register(registry);
  }

  /** Registers the meters, with an invalidation counter for each table named in the configuration. */
  public static StreamMeters register(MeterRegistry registry, Collection<String> tables) {
    return new StreamMeters(registry, tables);
  }

  void invalidated(String table, Duration lagTime) {
    invalidationsOf(table).increment();
    if (lagTime != null) {
      lag.record(lagTime.isNegative() ? Duration.ZERO : lagTime);
    }
  }

  void error(ErrorKind kind) {
    errors.get(kind).increment();
  }

  private Counter invalidationsOf(String table) {
    return invalidations.computeIfAbsent(table, t -> Counter.builder("dynaccel.stream.invalidations").tag("table", t)
        .description("Stream records that invalidated cached data, by table").register(registry));
  }
}
