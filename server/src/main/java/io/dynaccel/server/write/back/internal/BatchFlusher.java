package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.upstream.UpstreamClient;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes coalesced dirty items to DynamoDB in BatchWriteItem calls, and every item ends WRITTEN
 * (DynamoDB acknowledged it) or DEAD_LETTERED (durably in the dead-letter file); only
 * {@link #stop()} ends one ABANDONED.
 *
 * <p>Why no item can be dropped or block the others: a call's failure is sorted by whose fault it
 * is. Throttling, 5xx, transport failures and credential errors are DynamoDB's or the operator's
 * problem and say nothing about the records, so the same call is retried with backoff for as long
 * as it takes. Any other 4xx rejects the whole call because of some record in it (DynamoDB applies
 * none of a rejected BatchWriteItem), so a call of several items is split into calls of one, and an
 * item that alone is still rejected is the poisoned one: it goes to the dead-letter file and the
 * rest are written. {@code UnprocessedItems} of a 200 are matched back to their items and only
 * those are retried.
 *
 * <p>Retrying a write that may already have been applied is safe because each item is a key's
 * whole last state and the caller keeps at most one flush of a key in flight: the retry writes
 * the same state again and nothing newer of that key can be overtaken.
 *
 * <p>All state is confined to one Vert.x context (the one the flusher is created on, or a new
 * one); {@link #flush} and {@link #stop} may be called from any thread.
 */
public final class BatchFlusher {

  /** DynamoDB's limit of write requests in one BatchWriteItem. */
  static final int MAX_REQUESTS_PER_CALL = 25;
  /** DynamoDB's limit of one BatchWriteItem request's size. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
  /** BatchWriteItem calls sent at the same time, so a large flush does not flood the upstream pool. */
  static final int MAX_CALLS_IN_FLIGHT = 4;

  private static final Logger LOG = LoggerFactory.getLogger(BatchFlusher.class);
  private static final String OPERATION = "BatchWriteItem";
  private static final Duration WARN_INTERVAL = Duration.ofSeconds(5);
  /** {@code {"RequestItems":{}}} */
  private static final int ENVELOPE_BYTES = 19;
  /** Errors that are DynamoDB's or the operator's problem, not the records': retry the same call. */
  private static final Set<String> RETRIED_TYPES = Set.of(
      "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
      "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
      "ExpiredTokenException", "AccessDeniedException");

  private final Vertx vertx;
  private final Context context;
  private final UpstreamClient upstream;
  private final DeadLetters deadLetters;
  private final Backoff backoff;
  private final Predicate<ItemKey> stillOwned;
  private final Counter batches;
  private final Counter writtenItems;
  private final Counter retries;
  private final Counter deadLettered;
  private final Counter deadLetterFailures;

  // Confined to the context.
  private final Deque<List<Entry>> queued = new ArrayDeque<>();
  private final Map<Long, Promise<Boolean>> pauses = new HashMap<>();
  private int callsRunning;
  private boolean stopped;
  private final WarningGate warnings;

  /**
   * Creates a flusher.
   *
   * @param upstream the client of the real DynamoDB
   * @param deadLetters where poisoned records go
   * @param backoff the pauses between retries
   * @param registry where the flush meters are registered
   * @param stillOwned whether this node still owns an item (in a cluster): a retry of one it no longer
   *     owns is given up (ABANDONED), since it could land after a newer state its new owner wrote
   */
  public BatchFlusher(Vertx vertx, UpstreamClient upstream, DeadLetters deadLetters, Backoff backoff, MeterRegistry registry,
      Predicate<ItemKey> stillOwned) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.upstream = upstream;
    this.deadLetters = deadLetters;
    this.backoff = backoff;
    this.stillOwned = stillOwned;
    this.warnings = new WarningGate(Clock.systemUTC(), WARN_INTERVAL);
    this.batches = Counter.builder("dynaccel.writeback.flush.batches").description("BatchWriteItem calls sent by the write-back flusher, retries included").register(registry);
    this.writtenItems = Counter.builder("dynaccel.writeback.flush.items").description("Write-back items DynamoDB acknowledged").register(registry);
    this.retries = Counter.builder("dynaccel.writeback.flush.retries").description("BatchWriteItem calls of the write-back flusher retried after a backoff").register(registry);
    this.deadLettered = Counter.builder("dynaccel.writeback.dead.letters").description("Write-back items DynamoDB rejected, written to the dead-letter file").register(registry);
    this.deadLetterFailures = Counter.builder("dynaccel.writeback.dead.letter.failures").description("Failed writes of the dead-letter file, each retried after a backoff").register(registry);
  }

  /**
   * Writes {@code items} (distinct keys, none of them in flight in another flush).
   *
   * @return completes, never fails, once every item is WRITTEN or DEAD_LETTERED, or ABANDONED
   *     after {@link #stop()}: one outcome per item, in any order
   */
  public Future<List<FlushOutcome>> flush(List<FlushItem> items) {
    Promise<List<FlushOutcome>> done = Promise.promise();
    List<FlushItem> copy = List.copyOf(items);
    context.runOnContext(v -> enqueue(copy, done));
    return done.future();
  }

  /**
   * Pending retries give up: their items complete ABANDONED (they stay in the log for the next
   * start), as do items not sent yet and every later flush. Calls already sent still finish within
   * the upstream request timeout, so their items may yet complete WRITTEN.
   */
  public void stop() {
    context.runOnContext(v -> {
      stopped = true;
      for (Map.Entry<Long, Promise<Boolean>> pause : pauses.entrySet()) {
        vertx.cancelTimer(pause.getKey());
        pause.getValue().complete(false);
      }
      pauses.clear();
      while (!queued.isEmpty()) {
        abandon(queued.poll());
      }
    });
  }

  private void enqueue(List<FlushItem> items, Promise<List<FlushOutcome>> done) {
    if (items.isEmpty()) {
      done.complete(List.of());
      return;
    }
    Outcomes outcomes = new Outcomes(items.size(), done);
    List<Entry> entries = new ArrayList<>(items.size());
    for (FlushItem item : items) {
      entries.add(Entry.of(item, outcomes));
    }
    // Stable sort: a call touches as few tables as it can.
    entries.sort(Comparator.comparing(e -> e.item().tableName()));
    queued.addAll(chunks(entries));
    pump();
  }

  /** Cuts entries into calls of at most 25 write requests and 16 MiB. */
  private static List<List<Entry>> chunks(List<Entry> entries) {
    List<List<Entry>> chunks = new ArrayList<>();
    List<Entry> current = new ArrayList<>();
    long currentBytes = ENVELOPE_BYTES;
    String currentTable = null;
    for (Entry entry : entries) {
      String table = entry.item().tableName();
      long added = entry.bytes() + 1 + (table.equals(currentTable) ? 0 : tableBytes(table));
      if (!current.isEmpty() && (current.size() == MAX_REQUESTS_PER_CALL || currentBytes + added > MAX_BODY_BYTES)) {
        chunks.add(current);
        current = new ArrayList<>();
        currentBytes = ENVELOPE_BYTES;
        currentTable = null;
        added = entry.bytes() + 1 + tableBytes(table);
      }
      current.add(entry);
      currentBytes += added;
      currentTable = table;
    }
    chunks.add(current);
    return chunks;
  }

  /** {@code "table":[]} and the comma before it. */
  private static long tableBytes(String table) {
    return TextNode.valueOf(table).toString().getBytes(StandardCharsets.UTF_8).length + 4;
  }

  private void pump() {
    while (callsRunning < MAX_CALLS_IN_FLIGHT && !queued.isEmpty()) {
      callsRunning++;
      // A chunk keeps its slot through its retries and splits, so a throttled DynamoDB sees at most four callers.
      drive(queued.poll(), 0).onComplete(r -> {
        callsRunning--;
        pump();
      });
    }
  }

  /** Sends one call and follows it up until every entry in it is settled; never fails. */
  private Future<Void> drive(List<Entry> entries, int attempt) {
    if (stopped) {
      return abandon(entries);
    }
    batches.increment();
    return upstream.send(OPERATION, body(entries)).transform(answer -> {
      try {
        return answered(entries, attempt, answer);
      } catch (RuntimeException e) {
        // An answer we cannot read tells nothing about what was applied; the same call again is safe.
        return retry(entries, attempt, "an unreadable answer (" + e + ")");
      }
    });
  }

  private Future<Void> answered(List<Entry> entries, int attempt, AsyncResult<UpstreamResponse> answer) {
    if (answer.failed()) {
      return retry(entries, attempt, "a transport failure: " + answer.cause().getMessage());
    }
    UpstreamResponse response = answer.result();
    if (response.ok()) {
      return acknowledged(entries, attempt, response);
    }
    String type = shortType(DynamoDbException.typeIn(response.body()));
    String message = message(response);
    // A 4xx without __type is not DynamoDB judging a record (a proxy, a gateway): retry rather than dead-letter.
    if (response.statusCode() >= 500 || !response.rejected() || type.isEmpty() || RETRIED_TYPES.contains(type)) {
      return retry(entries, attempt, "HTTP " + response.statusCode() + " " + type + ": " + message);
    }
    if (entries.size() > 1) {
      // DynamoDB applied none of the call; find the record it objects to by sending each alone.
      Future<Void> chain = Future.succeededFuture();
      for (Entry entry : entries) {
        chain = chain.compose(v -> drive(List.of(entry), 0));
      }
      return chain;
    }
    return deadLetter(entries.get(0), type, message, 0);
  }

  private Future<Void> acknowledged(List<Entry> entries, int attempt, UpstreamResponse response) {
    JsonNode unprocessed = JsonCodec.read(response.body().getBytes()).path("UnprocessedItems");
    Set<Entry> again = unprocessed(entries, unprocessed);
    if (again == null) {
      return retry(entries, attempt, "UnprocessedItems that match none of the requests sent");
    }
    for (Entry entry : entries) {
      if (!again.contains(entry)) {
        writtenItems.increment();
        entry.settle(FlushResult.WRITTEN);
      }
    }
    return again.isEmpty() ? Future.succeededFuture() : retry(List.copyOf(again), attempt, again.size() + " UnprocessedItems");
  }

  /**
   * The entries DynamoDB handed back as unprocessed, each once (an identity set: {@code contains}
   * never compares items); null if it handed back a request we did not send.
   */
  private static Set<Entry> unprocessed(List<Entry> entries, JsonNode unprocessed) {
    Set<Entry> again = Collections.newSetFromMap(new IdentityHashMap<>());
    if (unprocessed.isObject() && !unprocessed.isEmpty()) {
      Map<String, Map<JsonNode, Entry>> sent = new HashMap<>();
      for (Entry entry : entries) {
        sent.computeIfAbsent(entry.item().tableName(), t -> new HashMap<>()).put(entry.request(), entry);
      }
      for (Map.Entry<String, JsonNode> table : unprocessed.properties()) {
        Map<JsonNode, Entry> ofTable = sent.getOrDefault(table.getKey(), Map.of());
        for (JsonNode request : table.getValue()) {
          Entry entry = ofTable.get(request);
          if (entry == null) {
            return null;
          }
          again.add(entry);
        }
      }
    }
    return again;
  }

  private Future<Void> retry(List<Entry> entries, int attempt, String why) {
    retries.increment();
    warn("Write-back flush of {} item(s) is retried after {}", entries.size(), why);
    return pause(backoff.delayMillis(attempt)).compose(go -> {
      if (!go) {
        return abandon(entries);
      }
      List<Entry> owned = new ArrayList<>();
      List<Entry> moved = new ArrayList<>();
      entries.forEach(entry -> (stillOwned.test(entry.item().key()) ? owned : moved).add(entry));
      abandon(moved);
      return owned.isEmpty() ? Future.succeededFuture() : drive(owned, attempt + 1);
    });
  }

  private Future<Void> deadLetter(Entry entry, String type, String message, int attempt) {
    if (stopped) {
      return abandon(List.of(entry));
    }
    FlushItem item = entry.item();
    return deadLetters.write(item, type, message).transform(written -> {
      if (written.succeeded()) {
        deadLettered.increment();
        LOG.warn("DynamoDB rejected the write-back record of table {} key {} with {}: {}; it is in the dead-letter file {}",
            item.tableName(), new String(JsonCodec.write(item.keyAttributes()), StandardCharsets.UTF_8), type, message, deadLetters.file());
        entry.settle(FlushResult.DEAD_LETTERED);
        return Future.succeededFuture();
      }
      deadLetterFailures.increment();
      warn("Writing the dead-letter file {} failed ({}); retrying", deadLetters.file(), written.cause().toString());
      return pause(backoff.delayMillis(attempt)).compose(go -> go ? deadLetter(entry, type, message, attempt + 1) : abandon(List.of(entry)));
    });
  }

  /** Completes with true after {@code delayMillis}, or with false once the flusher is stopped. */
  private Future<Boolean> pause(long delayMillis) {
    if (stopped) {
      return Future.succeededFuture(false);
    }
    Promise<Boolean> resumed = Promise.promise();
    // Vert.x timers take at least 1 ms; full jitter may draw 0.
    long timer = vertx.setTimer(Math.max(1, delayMillis), id -> {
      pauses.remove(id);
      resumed.complete(true);
    });
    pauses.put(timer, resumed);
    return resumed.future();
  }

  private static Future<Void> abandon(List<Entry> entries) {
    for (Entry entry : entries) {
      entry.settle(FlushResult.ABANDONED);
    }
    return Future.succeededFuture();
  }

  /** A WARN line at most once per {@link #WARN_INTERVAL} while the trouble lasts, with how many were held back. */
  private void warn(String format, Object first, Object second) {
    if (warnings.pass()) {
      long heldBack = warnings.heldBack();
      LOG.warn(heldBack == 0 ? format : format + " (" + heldBack + " similar since the last warning)", first, second);
    }
  }

  private static Buffer body(List<Entry> entries) {
    ObjectNode body = JsonCodec.object();
    ObjectNode requestItems = body.putObject("RequestItems");
    Map<String, ArrayNode> byTable = new LinkedHashMap<>();
    for (Entry entry : entries) {
      byTable.computeIfAbsent(entry.item().tableName(), requestItems::putArray).add(entry.request());
    }
    return Buffer.buffer(JsonCodec.write(body));
  }

  /** {@code ValidationException} of {@code com.amazon.coral.validate#ValidationException}. */
  private static String shortType(String type) {
    return type.substring(type.indexOf('#') + 1);
  }

  private static String message(UpstreamResponse response) {
    try {
      JsonNode error = JsonCodec.read(response.body().getBytes());
      return error.has("message") ? error.path("message").asText() : error.path("Message").asText();
    } catch (RuntimeException e) {
      return response.body().toString(StandardCharsets.UTF_8);
    }
  }

  /** The outcomes of one {@link #flush} call, completed when the last item settles. */
  private static final class Outcomes {
    private final int expected;
    private final List<FlushOutcome> outcomes;
    private final Promise<List<FlushOutcome>> done;

    Outcomes(int expected, Promise<List<FlushOutcome>> done) {
      this.expected = expected;
      this.outcomes = new ArrayList<>(expected);
      this.done = done;
    }

    void add(FlushOutcome outcome) {
      outcomes.add(outcome);
      if (outcomes.size() == expected) {
        done.complete(List.copyOf(outcomes));
      }
    }
  }

  /**
   * One item on its way: its write request as sent (DynamoDB returns unprocessed ones verbatim),
   * the request's encoded size, and the flush it belongs to.
   */
  private record Entry(FlushItem item, ObjectNode request, int bytes, Outcomes outcomes) {

    static Entry of(FlushItem item, Outcomes outcomes) {
      ObjectNode request = JsonCodec.object();
      if (item.isDelete()) {
        request.putObject("DeleteRequest").set("Key", item.keyAttributes());
      } else {
        request.putObject("PutRequest").set("Item", item.item());
      }
      return new Entry(item, request, JsonCodec.write(request).length, outcomes);
    }

    void settle(FlushResult result) {
      outcomes.add(new FlushOutcome(item, result));
    }
  }
}
