package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.NodeProcess.Launch;
import io.dynaccel.server.it.RawHttp.Answer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A write that cannot be made durable is refused, never acknowledged: when its log cannot grow, a
 * write-back node answers the write with a DynamoDB-shaped 5xx, keeps answering reads with the
 * acknowledged values, and after a restart where the log can grow DynamoDB holds every
 * acknowledged write and no value the node did not vouch for.
 *
 * <p>The full disk is {@code ulimit -f}: no file the node writes may grow past the limit, and a
 * write past it fails with "File too large" (the JVM ignores SIGXFSZ). The limit is per file, not
 * per disk, so segments are made larger than it (or the log would move on to a new, empty segment
 * before it ever filled one), and a log that starts a fresh segment after a failure finds room
 * again: a disk that <em>stays</em> full is a limit of zero.
 */
class WriteBackFullDiskIT {

  private static final String TABLE = "FullDisk";
  /** 64 KiB: room for a few dozen records of about 1 KiB each. */
  private static final long ROOM_FOR_DOZENS = 64;
  /** No file may grow at all: not even a DeleteItem's record, the smallest, fits. */
  private static final long ROOM_FOR_NONE = 0;
  private static final int MAX_WRITES = 400;
  private static final int ROUNDS_WHILE_FULL = 3;

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static DirectTable table;

  @BeforeAll
  static void createTable() {
    table = DirectTable.create(upstream.emulator(), TABLE);
  }

  @AfterAll
  static void close() {
    table.close();
  }

  /** One key: what its last acknowledged write left (null: nothing), and the values of refused writes since. */
  static final class KeyRecord {
    String acknowledged;
    final List<String> refusedSince = new ArrayList<>();
    /** What a read through the node answered after the last write. */
    String seenThroughNode;

    void acknowledge(String value) {
      acknowledged = value;
      refusedSince.clear();
    }

    List<String> allowed() {
      List<String> allowed = new ArrayList<>();
      allowed.add(acknowledged);
      allowed.addAll(refusedSince);
      return allowed;
    }
  }

  private final Map<String, KeyRecord> keys = new LinkedHashMap<>();
  private final List<String> refusals = new ArrayList<>();

  private static Launch launch(String name) {
    Path logDir = Path.of("target", "it-wal", name + "-" + System.currentTimeMillis());
    return Launch.of(name, upstream.emulator())
        .with(NodeProcess.STRATEGY.settings(logDir))
        // Nothing is flushed by time, so after a kill only the log can hold the acknowledged writes.
        .with("writeBack.fsync=always", "writeBack.flushInterval=1h", "writeBack.segmentBytes=16MiB");
  }

  @Test
  void writes_whenTheLogFillsUp_areRefusedWithDynamoDbShaped5xxAndNoAcknowledgedWriteIsLost() throws Exception {
    Launch launch = launch("full-disk-fills");
    try (NodeProcess limited = NodeProcess.start(launch.fileSizeLimit(ROOM_FOR_DOZENS))) {
      URI node = limited.endpoint();
      int attempt = 0;
      while (attempt < MAX_WRITES && put(node, "k" + attempt, value("put", attempt, 1_000))) {
        attempt++;
      }
      int acknowledgedBeforeFull = attempt;
      boolean filled = attempt < MAX_WRITES;
      // Every kind of write right after the first refusal, on acknowledged keys and new ones.
      for (int round = 0; round < ROUNDS_WHILE_FULL && filled; round++) {
        int n = MAX_WRITES + round;
        put(node, "k" + n, value("put", n, 1_000));
        update(node, "k" + round, value("update", n, 1_000));
        delete(node, "k" + (ROUNDS_WHILE_FULL + round));
        batch(node, "b" + n + "-1", "b" + n + "-2", value("batch", n, 1_000));
      }
      // On through more segments than one: a log that cuts a failed tail and starts afresh fills again.
      for (attempt++; attempt < MAX_WRITES; attempt++) {
        put(node, "k" + attempt, value("put", attempt, 1_000));
      }
      System.out.printf("WriteBackFullDiskIT: strategy %s, limit %d KiB: %d writes acknowledged before the first refusal, %d refused: %s%n",
          NodeProcess.STRATEGY, ROOM_FOR_DOZENS, acknowledgedBeforeFull, refusals.size(), refusals.isEmpty() ? "-" : refusals.get(0));
      if (NodeProcess.STRATEGY.writesBack()) {
        assertThat(filled).as("a write refused within %d writes of about 1 KiB under a %d KiB limit", MAX_WRITES, ROOM_FOR_DOZENS).isTrue();
        assertThat(acknowledgedBeforeFull).as("writes acknowledged before the log filled").isGreaterThan(2 * ROUNDS_WHILE_FULL);
        assertNothingFlushed();
      }
      assertReadsThroughNode(node);
      // A torn tail the refused writes may have left is for the next start to cut.
      limited.kill9();
    }
    assertDeliveredAfterRestart(launch.named("full-disk-fills-unlimited"));
  }

  @Test
  void writes_whileTheDiskStaysFull_keepBeingRefusedAndReadsAnswerTheAcknowledgedValues() throws Exception {
    Launch launch = launch("full-disk-stays");
    try (NodeProcess roomy = NodeProcess.start(launch)) {
      for (int i = 0; i < 4 * ROUNDS_WHILE_FULL; i++) {
        assertThat(put(roomy.endpoint(), "s" + i, value("put", i, 2_000))).as("PutItem with room in the log").isTrue();
      }
      roomy.kill9();
    }
    try (NodeProcess full = NodeProcess.start(launch.named("full-disk-stays-limited").fileSizeLimit(ROOM_FOR_NONE))) {
      URI node = full.endpoint();
      assertReadsThroughNode(node);
      for (int round = 0; round < ROUNDS_WHILE_FULL; round++) {
        int n = 100 + round;
        boolean put = put(node, "s-new" + n, value("put", n, 2_000));
        boolean update = update(node, "s" + round, value("update", n, 2_000));
        boolean delete = delete(node, "s" + (ROUNDS_WHILE_FULL + round));
        boolean batch = batch(node, "s-batch" + n + "-1", "s-batch" + n + "-2", value("batch", n, 2_000));
        if (NodeProcess.STRATEGY.writesBack()) {
          assertThat(List.of(put, update, delete, batch)).as("PutItem, UpdateItem, DeleteItem, BatchWriteItem acknowledged in round %d on a full disk", round)
              .containsOnly(false);
        }
      }
      System.out.printf("WriteBackFullDiskIT: strategy %s, limit %d KiB: %d refused: %s%n",
          NodeProcess.STRATEGY, ROOM_FOR_NONE, refusals.size(), refusals.isEmpty() ? "-" : refusals.get(0));
      assertReadsThroughNode(node);
      full.kill9();
    }
    assertDeliveredAfterRestart(launch.named("full-disk-stays-unlimited"));
  }

  /** Writes that DynamoDB holds now were flushed, which the hour-long flush interval rules out. */
  private void assertNothingFlushed() {
    assertThat(keys.keySet()).allSatisfy(key -> assertThat(table.read(key)).as("%s in DynamoDB before any flush", key).isNull());
  }

  /**
   * A consistent read of every key through the node answers the acknowledged value; after refused
   * writes, the acknowledged value or a refused one (a 5xx leaves the outcome open, as DynamoDB's do).
   */
  private void assertReadsThroughNode(URI node) throws Exception {
    for (Map.Entry<String, KeyRecord> entry : keys.entrySet()) {
      KeyRecord record = entry.getValue();
      record.seenThroughNode = read(node, entry.getKey());
      if (record.refusedSince.isEmpty()) {
        assertThat(record.seenThroughNode).as("read through the node of acknowledged key %s", entry.getKey()).isEqualTo(record.acknowledged);
      } else {
        assertThat(record.allowed()).as("read through the node of %s after refused writes", entry.getKey()).contains(record.seenThroughNode);
      }
    }
  }

  /**
   * Starts a node without the limit on the same log, flushes and stops it; DynamoDB must then hold
   * every acknowledged value, and a refused write's value only if the node had served it.
   */
  private void assertDeliveredAfterRestart(Launch unlimited) throws Exception {
    try (NodeProcess node = NodeProcess.start(unlimited)) {
      assertThat(put(node.endpoint(), "after-restart", value("put", 0, 10))).as("PutItem once the log can grow").isTrue();
      if (NodeProcess.STRATEGY.writesBack()) {
        node.flush();
      }
      node.terminate(Duration.ofSeconds(60));
    }
    for (Map.Entry<String, KeyRecord> entry : keys.entrySet()) {
      KeyRecord record = entry.getValue();
      String stored = stored(entry.getKey());
      if (record.refusedSince.isEmpty()) {
        assertThat(stored).as("DynamoDB's value of acknowledged key %s", entry.getKey()).isEqualTo(record.acknowledged);
      } else {
        assertThat(record.allowed()).as("DynamoDB's value of %s after refused writes", entry.getKey()).contains(stored);
        // A refused write's value that the node served must be one its log held (contract 3), so
        // it must survive; one it did not serve may still appear, as after DynamoDB's own 500s.
        if (!Objects.equals(record.seenThroughNode, record.acknowledged)) {
          assertThat(stored).as("DynamoDB's value of %s, which the full node answered", entry.getKey()).isEqualTo(record.seenThroughNode);
        }
      }
    }
  }

  private static String value(String operation, int n, int size) {
    return operation + "-" + n + "-" + "x".repeat(size);
  }

  private boolean put(URI node, String key, String value) throws Exception {
    Answer answer = RawHttp.call(node, "PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":" + item(key, value) + "}");
    return settle(answer, "PutItem " + key, Map.of(key, value));
  }

  private boolean update(URI node, String key, String value) throws Exception {
    Answer answer = RawHttp.call(node, "UpdateItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":" + key(key)
        + ",\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"" + value + "\"}}}");
    return settle(answer, "UpdateItem " + key, Map.of(key, value));
  }

  private boolean delete(URI node, String key) throws Exception {
    Answer answer = RawHttp.call(node, "DeleteItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":" + key(key) + "}");
    Map<String, String> written = new LinkedHashMap<>();
    written.put(key, null);
    return settle(answer, "DeleteItem " + key, written);
  }

  private boolean batch(URI node, String first, String second, String value) throws Exception {
    Answer answer = RawHttp.call(node, "BatchWriteItem", "{\"RequestItems\":{\"" + TABLE + "\":["
        + "{\"PutRequest\":{\"Item\":" + item(first, value) + "}},"
        + "{\"PutRequest\":{\"Item\":" + item(second, value) + "}}]}}");
    if (answer.status() == 200) {
      assertThat(answer.json().path("UnprocessedItems").size()).as("UnprocessedItems of %s", answer).isZero();
    }
    return settle(answer, "BatchWriteItem " + first + ", " + second, Map.of(first, value, second, value));
  }

  /**
   * Records a write's answer: a 200 acknowledges every value in {@code written} (null: deleted);
   * anything else must be a DynamoDB-shaped server error, and leaves the values possible but not
   * acknowledged.
   *
   * @return whether the write was acknowledged
   */
  private boolean settle(Answer answer, String write, Map<String, String> written) {
    if (answer.status() == 200) {
      written.forEach((key, value) -> keys.computeIfAbsent(key, k -> new KeyRecord()).acknowledge(value));
      return true;
    }
    assertThat(answer.status()).as("%s refused: %s", write, answer).isBetween(500, 599);
    assertThat(answer.type()).as("__type of %s: %s", write, answer).endsWith("InternalServerError");
    assertThat(answer.message()).as("message of %s: %s", write, answer).isNotBlank();
    written.forEach((key, value) -> keys.computeIfAbsent(key, k -> new KeyRecord()).refusedSince.add(value));
    refusals.add(write + " -> " + answer.status() + " " + answer.type() + ": " + answer.message());
    return false;
  }

  /** A consistent GetItem through the node: its value of {@code v}, or null for no item. */
  private static String read(URI node, String key) throws Exception {
    Answer answer = RawHttp.call(node, "GetItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":" + key(key) + ",\"ConsistentRead\":true}");
    assertThat(answer.status()).as("GetItem %s: %s", key, answer).isEqualTo(200);
    return answer.json().path("Item").path("v").path("S").asText(null);
  }

  private static String stored(String key) {
    Map<String, AttributeValue> item = table.read(key);
    return item == null ? null : Objects.requireNonNull(item.get("v"), "v of " + item).s();
  }

  private static String key(String key) {
    return "{\"id\":{\"S\":\"" + key + "\"}}";
  }

  private static String item(String key, String value) {
    return "{\"id\":{\"S\":\"" + key + "\"},\"v\":{\"S\":\"" + value + "\"}}";
  }
}
