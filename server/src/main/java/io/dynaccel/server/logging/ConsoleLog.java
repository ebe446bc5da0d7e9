package io.dynaccel.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.dynaccel.config.LogFormat;
import io.dynaccel.server.api.AccessLog;
import org.slf4j.LoggerFactory;

/**
 * The node's log: one line per event on standard error, as text (ISO-8601 UTC timestamp with milliseconds, level,
 * thread, logger, message) or as one JSON object per line ({@code log.format}).
 *
 * <p>Logback finds this class through {@code META-INF/services} and sets up the text format before the first line
 * is logged, so a node logs with timestamps even before its configuration is read (and tests that run a node in
 * their own JVM get the same lines). {@link #use} then switches to the configured format; the message texts are
 * the same in both, so whatever reads a node's output (its tests included) finds them in either.
 *
 * <p>The access log ({@value AccessLog#LOGGER}) is written from the event loops, one line per call, so it goes
 * through a bounded queue that a thread of its own writes out: a slow standard error (a full pipe, a stalled log
 * collector) then drops access lines instead of stalling every connection of the loop. The other lines are few
 * and mostly from start-up and workers, and are written at once so that none is lost when the process dies.
 * {@link #stop} writes out what the queue still holds; a graceful stop calls it last.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLog extends ContextAwareBase implements Configurator {

  /** Text lines: {@code 2026-12-01T19:40:00.123Z INFO  [main] io.dynaccel.server.DynaccelServer - ...}. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger - %msg%n";

  /**
   * Access lines the queue holds before it drops new ones: a burst of about a tenth of a second at 80,000 calls a
   * second, a few megabytes of events at most.
   */
  static final int ACCESS_QUEUE_SIZE = 8192;

  private static final String HAZELCAST_LOGGING = "hazelcast.logging.type";

  /** Created by logback's service loader. */
  public ConsoleLog() {
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    install(context, LogFormat.TEXT);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Logs from now on in {@code format}; call it before the node starts, so that all its lines share one format. */
  public static void use(LogFormat format) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      install(context, format);
    }
  }

  /**
   * Writes out the access lines still queued (for up to a second) and stops logging; nothing logs after it. A
   * graceful stop calls it just before the process exits, so that the last calls' lines are not lost.
   */
  public static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  static void install(LoggerContext context, LogFormat format) {
    // Hazelcast reads this before the configuration that also names slf4j, and would write its first lines
    // through java.util.logging, in neither format.
    if (System.getProperty(HAZELCAST_LOGGING) == null) {
      System.setProperty(HAZELCAST_LOGGING, "slf4j");
    }
    context.reset();
    ConsoleAppender<ILoggingEvent> console = standardError(context, format, "console");
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    Logger access = context.getLogger(AccessLog.LOGGER);
    access.addAppender(accessQueue(context, format));
    access.setAdditive(false);
    // Hazelcast narrates every connection attempt at INFO; the node logs its own cluster view changes.
    context.getLogger("com.hazelcast").setLevel(Level.WARN);
  }

  /**
   * The access log's queue, in front of a console appender of its own: a context stop stops the root's appender
   * before this one, which must still be able to write out what it holds.
   */
  private static AsyncAppender accessQueue(LoggerContext context, LogFormat format) {
    ConsoleAppender<ILoggingEvent> console = standardError(context, format, "access-console");
    AsyncAppender queue = new AsyncAppender();
    queue.setContext(context);
    queue.setName("access");
    queue.setQueueSize(ACCESS_QUEUE_SIZE);
    // A full queue drops the new line rather than block the event loop that logs it.
    queue.setNeverBlock(true);
    // By default the queue starts dropping INFO lines once 80% full; every access line is INFO, so it would drop
    // them with room left. 0: it drops only when full.
    queue.setDiscardingThreshold(0);
    queue.addAppender(console);
    queue.start();
    return queue;
  }

  /** A started appender writing lines of {@code format} to standard error. */
  private static ConsoleAppender<ILoggingEvent> standardError(LoggerContext context, LogFormat format, String name) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(name);
    // Standard error, as the node logged before: standard output stays for what --help and --version print.
    console.setTarget("System.err");
    console.setEncoder(encoder(context, format));
    console.start();
    return console;
  }

  static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
    if (format == LogFormat.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // The message as it reads in text, not its template and arguments, so one search finds it in both formats.
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }
}
