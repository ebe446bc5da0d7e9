package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, cause 7: DynamoDB's limits, whatever the cache holds. (a) Attribute names up to 64 KB
 * work in requests and in the answers the node parses (Jackson refused names over 50,000 chars with
 * an empty SerializationException). (b) Items nested 32 levels deep are written and read, cold and
 * warm; deeper writes get DynamoDB's ValidationException. (c) A BatchGetItem answered from the cache
 * keeps DynamoDB's 16 MB limit and returns the rest in UnprocessedKeys.
 */
class LimitsFidelityIT {

  private static final String PREFIX = "DynamoDB_20120810.";
  private static final String NESTING = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
  private static final long RESPONSE_LIMIT = 16L * 1024 * 1024;

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  /** One per test, so that each test sees only its own differences. */
  private final Differential differential = new Differential(fixture, directUpstream.endpoint(), fixture.endpoint());

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    for (String table : List.of("Limits", "Big", "BigCold")) {
      String create = Differential.hashTable(table, "pk", "S");
      Differential.createTables(fixture, List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint()), create);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  /** Writes to both upstreams directly, so that the node's cache starts cold for the item. */
  private static void putUpstream(String table, String item) throws Exception {
    for (URI upstream : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      HttpResponse<String> put = fixture.call(upstream, PREFIX + "PutItem", "{\"TableName\":\"" + table + "\",\"Item\":" + item + "}");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }
  }

  private static String key(String pk) {
    return "{\"pk\":{\"S\":\"" + pk + "\"}}";
  }

  /** GetItem and BatchGetItem of the key, whole and projected, each sent twice: cold, then warm. */
  private void readTwice(String pk, String projection, String names) throws Exception {
    String get = "{\"TableName\":\"Limits\",\"Key\":" + key(pk) + "}";
    String projected = "{\"TableName\":\"Limits\",\"Key\":" + key(pk) + ",\"ProjectionExpression\":\"" + projection + "\"" + names + "}";
    String batch = "{\"RequestItems\":{\"Limits\":{\"Keys\":[" + key(pk) + "]}}}";
    String batchProjected = "{\"RequestItems\":{\"Limits\":{\"Keys\":[" + key(pk) + "],\"ProjectionExpression\":\"" + projection + "\"" + names + "}}}";
    for (int round = 0; round < 2; round++) {
      differential.send("GetItem", get);
      differential.send("BatchGetItem", batch);
      // Three of each: DynamoDB vouches for the shape, then the cache fills, then it answers.
      for (int i = 0; i < 3; i++) {
        differential.send("GetItem", projected);
        differential.send("BatchGetItem", batchProjected);
      }
    }
  }

  // --- (a) attribute names up to 64 KB ---------------------------------------------------------

  @Test
  void names_whenAttributeNameIs64KB_areWrittenAndReadColdAndWarm() throws Exception {
    String longName = "n".repeat(65_535);
    String nested = "m".repeat(60_000);
    String item = "{\"pk\":{\"S\":\"%s\"},\"" + longName + "\":{\"S\":\"long\"},\"doc\":{\"M\":{\"" + nested + "\":{\"N\":\"7\"}}}}";
    String names = ",\"ExpressionAttributeNames\":{\"#l\":\"" + longName + "\",\"#n\":\"" + nested + "\"}";

    // Read after a write outside the node (cold), and after one through it (write-through, warm).
    putUpstream("Limits", item.formatted("names-cold"));
    readTwice("names-cold", "#l, doc.#n", names);
    HttpResponse<String> written = differential.send("PutItem", "{\"TableName\":\"Limits\",\"Item\":" + item.formatted("names-warm") + "}").accelerated();
    assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    readTwice("names-warm", "#l, doc.#n", names);

    assertThat(differential.differences()).isEmpty();
    HttpResponse<String> got = fixture.call(fixture.endpoint(), PREFIX + "GetItem", "{\"TableName\":\"Limits\",\"Key\":" + key("names-warm") + "}");
    assertThat(Differential.JSON.readTree(got.body()).path("Item").path(longName).path("S").asText()).isEqualTo("long");
  }

  // --- (b) nesting -------------------------------------------------------------------------------

  /** An attribute value {@code levels} levels deep, alternating maps and lists around a string. */
  private static String nested(int levels) {
    String value = "{\"S\":\"leaf\"}";
    for (int i = 1; i < levels; i++) {
      value = i % 2 == 0 ? "{\"L\":[" + value + "]}" : "{\"M\":{\"n\":" + value + "}}";
    }
    return value;
  }

  @Test
  void nesting_whenItemIs32LevelsDeep_isWrittenAndReadColdAndWarm() throws Exception {
    String item = "{\"pk\":{\"S\":\"%s\"},\"deep\":" + nested(32) + "}";

    putUpstream("Limits", item.formatted("deep-cold"));
    readTwice("deep-cold", "deep.n", "");
    assertThat(differential.send("PutItem", "{\"TableName\":\"Limits\",\"Item\":" + item.formatted("deep-put") + "}").accelerated().statusCode()).isEqualTo(200);
    readTwice("deep-put", "deep.n", "");
    String batch = "{\"RequestItems\":{\"Limits\":[{\"PutRequest\":{\"Item\":" + item.formatted("deep-batch") + "}}]}}";
    assertThat(differential.send("BatchWriteItem", batch).accelerated().statusCode()).isEqualTo(200);
    readTwice("deep-batch", "deep.n", "");

    assertThat(differential.differences()).isEmpty();
  }

  /**
   * dynalite does not enforce the 32-level limit and stores such items; DynamoDB refuses them, so
   * here the accelerator follows DynamoDB (its messages as observed per operation) and the write
   * never reaches the upstream.
   */
  @Test
  void nesting_whenWriteIsDeeperThan32Levels_isRefusedAsDynamoDbDoes() throws Exception {
    assertRefused("PutItem", "{\"TableName\":\"Limits\",\"Item\":{\"pk\":{\"S\":\"too-deep-33\"},\"deep\":" + nested(33) + "}}",
        "1 validation error detected: " + NESTING, "too-deep-33");
    assertRefused("PutItem", "{\"TableName\":\"Limits\",\"Item\":{\"pk\":{\"S\":\"too-deep-64\"},\"deep\":" + nested(64) + "}}",
        NESTING, "too-deep-64");
    assertRefused("BatchWriteItem", "{\"RequestItems\":{\"Limits\":[{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"too-deep-batch\"},\"deep\":" + nested(33) + "}}}]}}",
        NESTING, "too-deep-batch");
    // dynalite has no TransactWriteItems at all; DynamoDB refuses the Put with a top-level error.
    assertRefused("TransactWriteItems", "{\"TransactItems\":[{\"Put\":{\"TableName\":\"Limits\",\"Item\":{\"pk\":{\"S\":\"too-deep-tx\"},\"deep\":" + nested(33) + "}}}]}",
        NESTING, "too-deep-tx");

    // dynalite's own answer to the same PutItem: it stores the item.
    HttpResponse<String> direct = fixture.call(directUpstream.endpoint(), PREFIX + "PutItem",
        "{\"TableName\":\"Limits\",\"Item\":{\"pk\":{\"S\":\"too-deep-33\"},\"deep\":" + nested(33) + "}}");
    assertThat(direct.statusCode()).as("dynalite enforces the limit now: compare with it instead").isEqualTo(200);
  }

  private static void assertRefused(String operation, String body, String message, String pk) throws Exception {
    HttpResponse<String> answer = fixture.call(fixture.endpoint(), PREFIX + operation, body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    JsonNode error = Differential.JSON.readTree(answer.body());
    assertThat(error.path("__type").asText()).isEqualTo("com.amazon.coral.validate#ValidationException");
    assertThat(error.path("message").asText()).isEqualTo(message);
    HttpResponse<String> upstream = fixture.call(acceleratedUpstream.endpoint(), PREFIX + "GetItem",
        "{\"TableName\":\"Limits\",\"Key\":" + key(pk) + ",\"ConsistentRead\":true}");
    assertThat(Differential.JSON.readTree(upstream.body()).has("Item")).as("%s reached the upstream", operation).isFalse();
  }

  // --- (c) BatchGetItem's 16 MB answer -----------------------------------------------------------

  private static final int BIG_ITEMS = 50;
  private static final int PAYLOAD = 390_000;

  private static String bigKey(int i) {
    return "big-" + (i < 10 ? "0" : "") + i;
  }

  /** DynamoDB's size of one big item: names and values in UTF-8 bytes. */
  private static long bigItemSize() {
    return "pk".length() + bigKey(0).length() + "p".length() + PAYLOAD;
  }

  /**
   * dynalite still stops a BatchGetItem near 1 MB (DynamoDB's limit of old); DynamoDB's is 16 MB,
   * which the accelerator keeps for the answers it gives from the cache: 43 items of 390 KB fit,
   * the other 7 keys come back in UnprocessedKeys with the table's read options, as DynamoDB sends
   * them, and asking for those returns the rest.
   */
  @Test
  void batchGetItem_whenCachedItemsExceed16MB_returnsTheRestInUnprocessedKeys() throws Exception {
    String payload = "x".repeat(PAYLOAD);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < BIG_ITEMS; i++) {
      keys.add(bigKey(i));
      HttpResponse<String> put = fixture.call(fixture.endpoint(), PREFIX + "PutItem",
          "{\"TableName\":\"Big\",\"Item\":{\"pk\":{\"S\":\"" + bigKey(i) + "\"},\"p\":{\"S\":\"" + payload + "\"}}}");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200); // write-through: now cached
    }
    ObjectNode entry = Differential.JSON.createObjectNode();
    ArrayNode keyList = entry.putArray("Keys");
    keys.forEach(k -> keyList.addObject().putObject("pk").put("S", k));
    entry.put("ConsistentRead", false);
    ObjectNode request = Differential.JSON.createObjectNode();
    request.putObject("RequestItems").set("Big", entry);
    double hits = fixture.metric("dynaccel_item_cache_hits_total");

    JsonNode answer = batchGet(request);

    assertThat(fixture.metric("dynaccel_item_cache_hits_total") - hits).isEqualTo(BIG_ITEMS);
    int fitting = (int) (RESPONSE_LIMIT / bigItemSize());
    assertThat(fitting).isEqualTo(43);
    assertThat(answer.path("Responses").path("Big")).hasSize(fitting);
    JsonNode unprocessed = answer.path("UnprocessedKeys").path("Big");
    assertThat(unprocessed.path("Keys")).hasSize(BIG_ITEMS - fitting);
    ObjectNode expectedShape = entry.deepCopy();
    expectedShape.set("Keys", unprocessed.path("Keys"));
    assertThat(unprocessed).isEqualTo(expectedShape);
    Set<String> seen = new HashSet<>(pks(answer.path("Responses").path("Big")));
    unprocessed.path("Keys").forEach(k -> seen.add(k.path("pk").path("S").asText()));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(keys);

    ObjectNode retry = Differential.JSON.createObjectNode();
    retry.set("RequestItems", answer.path("UnprocessedKeys"));
    JsonNode rest = batchGet(retry);
    assertThat(rest.path("UnprocessedKeys").size()).isZero();
    assertThat(rest.path("Responses").path("Big")).hasSize(BIG_ITEMS - fitting);
  }

  /**
   * Cold, every key is fetched from the upstream, whose own limit (dynalite's, here) decides what
   * comes back; the node returns what it left unprocessed in the same shape, and asking again for
   * those keys, now partly from the cache, ends with every item returned exactly once.
   */
  @Test
  void batchGetItem_whenUpstreamLeavesKeysUnprocessed_returnsThemInDynamoDbShape() throws Exception {
    String payload = "x".repeat(PAYLOAD);
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < BIG_ITEMS; i++) {
      keys.add(bigKey(i));
      HttpResponse<String> put = fixture.call(acceleratedUpstream.endpoint(), PREFIX + "PutItem",
          "{\"TableName\":\"BigCold\",\"Item\":{\"pk\":{\"S\":\"" + bigKey(i) + "\"},\"p\":{\"S\":\"" + payload + "\"}}}");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }
    ObjectNode entry = Differential.JSON.createObjectNode();
    ArrayNode keyList = entry.putArray("Keys");
    keys.forEach(k -> keyList.addObject().putObject("pk").put("S", k));
    entry.put("ProjectionExpression", "pk");
    ObjectNode request = Differential.JSON.createObjectNode();
    request.putObject("RequestItems").set("BigCold", entry);

    List<String> returned = new ArrayList<>();
    for (int round = 0; round < BIG_ITEMS && request.path("RequestItems").size() > 0; round++) {
      JsonNode answer = batchGet(request);
      returned.addAll(pks(answer.path("Responses").path("BigCold")));
      JsonNode unprocessed = answer.path("UnprocessedKeys").path("BigCold");
      if (!unprocessed.isMissingNode()) {
        ObjectNode expectedShape = entry.deepCopy();
        expectedShape.set("Keys", unprocessed.path("Keys"));
        assertThat(unprocessed).isEqualTo(expectedShape);
      }
      request.set("RequestItems", answer.path("UnprocessedKeys"));
    }

    assertThat(returned).containsExactlyInAnyOrderElementsOf(keys);
  }

  private static JsonNode batchGet(JsonNode request) throws Exception {
    HttpResponse<String> response = fixture.call(fixture.endpoint(), PREFIX + "BatchGetItem", request.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Differential.JSON.readTree(response.body());
  }

  private static List<String> pks(JsonNode items) {
    List<String> pks = new ArrayList<>();
    items.forEach(item -> pks.add(item.path("pk").path("S").asText()));
    return pks;
  }
}
