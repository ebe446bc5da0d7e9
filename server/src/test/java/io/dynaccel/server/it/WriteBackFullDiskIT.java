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
 * A write that cannot be made durable is refused, never acknowledged: with its log unable to
 * grow, a write-back node answers every write with a DynamoDB-shaped 5xx, keeps answering reads
 * with the acknowledged values, and after a restart where the log can grow again DynamoDB holds
 * every acknowledged write.
 *
 * <p>The full disk is {@code ulimit -f}: no file the node writes may grow past the limit, and a
 * write past it fails with "File too large" (the JVM ignores SIGXFSZ). The limit is per file, so
 * the log's segments are made larger than it: otherwise the log would move on to a new, empty
 * segment and never see a full disk.
 */
class WriteBackFullDiskIT {

  private static final String TABLE = "FullDisk";
  /** 64 KiB: room for the first few dozen records of about 1 KiB. */
  private static final long FILE_SIZE_LIMIT_BLOCKS = 64;
  private static final int MAX_WRITES = 400;
  /** How many more writes of each kind must fail once one has: a full disk stays full. */
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
    /** What a read through the node answered after the refusals. */
    String seenThroughNode;

    void acknowledge(String value) {
      acknowledged = value;
      refusedSince.clear();
    }
  }

  private final Map<String, KeyRecord> keys = new LinkedHashMap<>();
  private final List<String> refusals = new ArrayList<>();

  @Test
  void writes_whenTheLogCannotGrow_areRefusedWithDynamoDbShaped5xxAndNoAcknowledgedWriteIsLost() throws Exception {
    Path logDir = Path.of("target", "it-wal", "full-disk-" + System.currentTimeMillis());
    Launch launch = Launch.of("full-disk-limited", upstream.emulator())
        .with(NodeProcess.STRATEGY.settings(logDir))
        // Nothing is flushed by time, so after the kill only the log can hold the acknowledged writes.
        .with("writeBack.fsync=always", "writeBack.flushInterval=1h", "writeBack.segmentBytes=16MiB")
        .fileSizeLimit(FILE_SIZE_LIMIT_BLOCKS);

    int acknowledgedBeforeFull = 0;
    try (NodeProcess limited = NodeProcess.start(launch)) {
      URI node = limited.endpoint();
      int attempt = 0;
      for (; attempt < MAX_WRITES; attempt++) {
        if (!put(node, "k" + attempt, value("put", attempt))) {
          break;
        }
        acknowledgedBeforeFull++;
      }
      boolean filled = attempt < MAX_WRITES;
      for (int round = 0; round < ROUNDS_WHILE_FULL && filled; round++) {
        int n = attempt + 1 + round;
        assertThat(put(node, "k" + n, value("put", n))).as("PutItem on a full disk").isFalse();
        assertThat(update(node, "k" + round, value("update", n))).as("UpdateItem on a full disk").isFalse();
        assertThat(delete(node, "k" + (ROUNDS_WHILE_FULL + round))).as("DeleteItem on a full disk").isFalse();
        assertThat(batch(node, "b" + n + "-1", "b" + n + "-2", value("batch", n))).as("BatchWriteItem on a full disk").isFalse();
      }
      System.out.printf("WriteBackFullDiskIT: strategy %s, limit %d KiB: %d writes acknowledged before the first refusal, %d refused: %s%n",
          NodeProcess.STRATEGY, FILE_SIZE_LIMIT_BLOCKS, acknowledgedBeforeFull, refusals.size(),
          refusals.isEmpty() ? "-" : refusals.get(0));
      if (NodeProcess.STRATEGY.writesBack()) {
        assertThat(filled).as("a write refused within %d writes of about 1 KiB under a %d KiB limit", MAX_WRITES, FILE_SIZE_LIMIT_BLOCKS).isTrue();
        assertThat(acknowledgedBeforeFull).as("writes acknowledged before the log filled").isGreaterThan(2 * ROUNDS_WHILE_FULL);
        // Nothing was flushed: what the next start delivers comes from the log alone.
        assertThat(keys.keySet()).allSatisfy(key -> assertThat(table.read(key)).as(key).isNull());
      }

      for (Map.Entry<String, KeyRecord> entry : keys.entrySet()) {
        KeyRecord record = entry.getValue();
        record.seenThroughNode = read(node, entry.getKey());
        if (record.refusedSince.isEmpty()) {
          assertThat(record.seenThroughNode).as("read through the full node of acknowledged key %s", entry.getKey())
              .isEqualTo(record.acknowledged);
        } else {
          assertThat(allowed(record)).as("read through the full node of %s after refused writes", entry.getKey())
              .contains(record.seenThroughNode);
        }
      }
      // The torn tail the refused writes may have left is for the next start to cut.
      limited.kill9();
    }

    try (NodeProcess unlimited = NodeProcess.start(launch.named("full-disk-unlimited").withoutFileSizeLimit())) {
      assertThat(put(unlimited.endpoint(), "after-restart", value("put", MAX_WRITES + 1))).as("PutItem once the log can grow").isTrue();
      if (NodeProcess.STRATEGY.writesBack()) {
        unlimited.flush();
      }
      unlimited.terminate(Duration.ofSeconds(60));
    }

    for (Map.Entry<String, KeyRecord> entry : keys.entrySet()) {
      KeyRecord record = entry.getValue();
      String stored = stored(entry.getKey());
      if (record.refusedSince.isEmpty()) {
        assertThat(stored).as("DynamoDB's value of acknowledged key %s", entry.getKey()).isEqualTo(record.acknowledged);
      } else {
        assertThat(allowed(record)).as("DynamoDB's value of %s after refused writes", entry.getKey()).contains(stored);
        // A refused write's value that the node served must be one its log held (contract 3), so
        // it must survive; one it did not serve may still appear, as after DynamoDB's own 500s.
        if (!Objects.equals(record.seenThroughNode, record.acknowledged)) {
          assertThat(stored).as("DynamoDB's value of %s, which the full node answered", entry.getKey()).isEqualTo(record.seenThroughNode);
        }
      }
    }
  }

  /** The values a key may hold after refused writes: the acknowledged one, or that of a refused write. */
  private static List<String> allowed(KeyRecord record) {
    List<String> allowed = new ArrayList<>();
    allowed.add(record.acknowledged);
    allowed.addAll(record.refusedSince);
    return allowed;
  }

  private static String value(String operation, int n) {
    // About 1 KiB per record, so the limit is reached after a few dozen writes.
    return operation + "-" + n + "-" + "x".repeat(1_000);
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
