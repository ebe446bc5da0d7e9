package io.dynaccel.server.it;

import static io.dynaccel.server.it.Differential.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Query and Scan under random writes: the same seeded calls go to one DynamoDB directly and to a
 * second, identical one through the accelerator, and every answer must be the same, status and
 * JSON, Items in the same order. Reads are drawn from a fixed pool of requests (and continuations
 * of earlier pages), often in bursts without writes between them, so that a query cache answers
 * many of them; the writes in between (PutItem, UpdateItem, DeleteItem, BatchWriteItem) move items
 * in and out of the base table's partitions, a local and two global secondary indexes, so a cache
 * that keeps a result a write changed, or confuses two requests, answers differently. At the end
 * both DynamoDBs must hold the same items. {@link WriteBackQueryDifferentialIT} runs the same calls
 * with every table written back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryDifferentialIT {

  private static final int OPERATIONS = Integer.getInteger("querydiff.calls", 3600);
  /**
   * Every this many calls, a long run of reads without writes: longer than the node's write guard
   * retention (request timeout 500 ms + 1 s), after which results that a recent write keeps
   * uncached (index queries, scans) are cached too, and the next write must invalidate them.
   */
  private static final int QUIET_EVERY = 1000;
  private static final int QUIET_READS = 350;
  private static final int POOL = 100;
  private static final int RECENT = 6;
  private static final int MAX_CONTINUATIONS = 60;
  private static final String TABLE = "QDiff";
  /** Same key schema, no index: a cache that keys results without the table mixes the two up. */
  private static final String OTHER = "QDiffOther";
  /** A numeric partition key written and queried in several spellings ("1", "1.0", "01", "1e0"). */
  private static final String NUMERIC = "QDiffNum";
  private static final String[] NUMERIC_PARTITIONS = {"1", "1.0", "01", "1e0", "10e-1", "2", "2.00", "0.2e1", "0", "-0"};
  private static final int PARTITIONS = 4;
  private static final String[] PREFIXES = {"a#", "b#", "c#"};
  private static final int PER_PREFIX = 12;
  private static final String[] NUMBERS = {"1.50", "007", "-0.0", "1e2", "12345678901234567890.125", "0.000100", "42", "-3"};
  private static final String[] GROUPS = {"g0", "g1", "g2"};
  private static final String[] COLORS = {"red", "green", "blue"};
  /** Placeholders for attribute names; a request carries only those its expressions use. */
  private static final Map<String, String> NAMES = Map.of("#s", "s", "#m", "m", "#r", "rank", "#k", "pk", "#t", "ts");

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static URI direct;
  private static URI accelerated;
  private final Random random = new Random(20261203L);

  /** The node's {@code --set} settings: a short request timeout, so write guards expire within a quiet run. */
  String[] nodeSettings() {
    return new String[] {"upstream.requestTimeout=500ms"};
  }

  @BeforeAll
  void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator(), nodeSettings());
    direct = directUpstream.endpoint();
    accelerated = fixture.endpoint();
    String create = "{\"TableName\":\"" + TABLE + "\",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":["
        + "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"},"
        + "{\"AttributeName\":\"rank\",\"AttributeType\":\"N\"},{\"AttributeName\":\"grp\",\"AttributeType\":\"S\"},"
        + "{\"AttributeName\":\"ts\",\"AttributeType\":\"N\"},{\"AttributeName\":\"color\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
        + "\"LocalSecondaryIndexes\":[{\"IndexName\":\"ByRank\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
        + "{\"AttributeName\":\"rank\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"s\"]}}],"
        + "\"GlobalSecondaryIndexes\":["
        + "{\"IndexName\":\"ByGroup\",\"KeySchema\":[{\"AttributeName\":\"grp\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"ts\",\"KeyType\":\"RANGE\"}],"
        + "\"Projection\":{\"ProjectionType\":\"ALL\"}},"
        + "{\"IndexName\":\"ByColor\",\"KeySchema\":[{\"AttributeName\":\"color\",\"KeyType\":\"HASH\"}],"
        + "\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}]}";
    String createOther = "{\"TableName\":\"" + OTHER + "\",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":["
        + "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}";
    String createNumeric = "{\"TableName\":\"" + NUMERIC + "\",\"BillingMode\":\"PAY_PER_REQUEST\",\"AttributeDefinitions\":["
        + "{\"AttributeName\":\"pk\",\"AttributeType\":\"N\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}";
    Differential.createTables(fixture, List.of(direct, accelerated), create, createOther, createNumeric);
  }

  @AfterAll
  void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void queriesAndScans_whenInterleavedWithRandomWrites_answerAsDynamoDbDoes() throws Exception {
    Differential differential = new Differential(fixture, direct, accelerated);
    for (int i = 0; i < 30; i++) {
      differential.send("BatchWriteItem", batchWrite(5));
    }
    List<Request> pool = new ArrayList<>();
    for (int i = 0; i < POOL; i++) {
      pool.add(random.nextInt(100) < 70 ? query() : scan());
    }
    List<Request> recent = new ArrayList<>();
    List<Request> continuations = new ArrayList<>();
    Set<String> continuationBodies = new LinkedHashSet<>();
    Map<String, Integer> lastSent = new HashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    int lastWrite = -1;
    int repeatsWithoutWrite = 0;
    int burst = 0;
    int nextQuiet = QUIET_EVERY;

    while (differential.calls() < OPERATIONS) {
      int dice = random.nextInt(100);
      boolean write = false;
      if (differential.calls() >= nextQuiet) {
        nextQuiet += QUIET_EVERY;
        burst = QUIET_READS;
      }
      if (burst > 0) {
        burst--;
      } else if (dice < 8) {
        burst = 5 + random.nextInt(25);
      } else if (dice < 50) {
        write = true;
      }
      if (write) {
        Request w = write();
        differential.send(w.operation, w.body);
        counts.merge(w.operation, 1, Integer::sum);
        lastWrite = differential.calls();
        continue;
      }
      int kind = random.nextInt(100);
      Request read;
      if (kind < 5) {
        read = invalid();
        counts.merge("invalid " + read.operation, 1, Integer::sum);
      } else if (kind < 35 && !recent.isEmpty()) {
        read = recent.get(random.nextInt(recent.size()));
        counts.merge("again " + read.operation, 1, Integer::sum);
      } else if (kind < 55 && !continuations.isEmpty()) {
        read = continuations.get(random.nextInt(continuations.size()));
        counts.merge("continued " + read.operation, 1, Integer::sum);
      } else {
        // Skewed towards the front of the pool: a few requests are hot, most are warm.
        read = pool.get(Math.min(random.nextInt(POOL), random.nextInt(POOL)));
        counts.merge(read.operation, 1, Integer::sum);
      }
      if (!recent.contains(read)) {
        recent.add(read);
        if (recent.size() > RECENT) {
          recent.remove(0);
        }
      }
      Integer previous = lastSent.put(read.body, differential.calls());
      if (previous != null && previous > lastWrite) {
        repeatsWithoutWrite++;
      }
      Differential.Answers answers = differential.send(read.operation, read.body);
      JsonNode answer = answers.directJson();
      if (answers.direct().statusCode() == 200 && answer.has("LastEvaluatedKey")) {
        ObjectNode next = (ObjectNode) JSON.readTree(read.body);
        next.set("ExclusiveStartKey", answer.get("LastEvaluatedKey"));
        String body = JSON.writeValueAsString(next);
        if (continuationBodies.add(body)) {
          Request continuation = new Request(read.operation, body);
          if (continuations.size() < MAX_CONTINUATIONS) {
            continuations.add(continuation);
          } else {
            continuations.set(random.nextInt(MAX_CONTINUATIONS), continuation);
          }
        }
      }
    }

    double queryHits = fixture.metric("dynaccel_query_cache_hits_total");
    double queryMisses = fixture.metric("dynaccel_query_cache_misses_total");
    double scanHits = fixture.metric("dynaccel_scan_cache_hits_total");
    double scanMisses = fixture.metric("dynaccel_scan_cache_misses_total");
    List<String> differences = differential.differences();
    System.out.printf("QueryDifferentialIT: %d calls %s, %d DynamoDB errors among them, %d differences; "
            + "%d reads repeated with no write since their last sending; "
            + "dynaccel_query_cache_hits_total %.0f, dynaccel_query_cache_misses_total %.0f, "
            + "dynaccel_scan_cache_hits_total %.0f, dynaccel_scan_cache_misses_total %.0f; "
            + "departures from dynalite (DynamoDB followed) %s%n",
        differential.calls(), counts, differential.errors(), differences.size(), repeatsWithoutWrite,
        queryHits, queryMisses, scanHits, scanMisses, differential.departures());
    assertThat(differences).as(String.join("\n", differences.subList(0, Math.min(10, differences.size())))).isEmpty();
    assertThat(differential.calls()).isGreaterThanOrEqualTo(2000);
    assertThat(repeatsWithoutWrite).as("identical reads with no write between them, that a cache could answer").isGreaterThan(300);
    assertThat(counts.getOrDefault("continued Query", 0) + counts.getOrDefault("continued Scan", 0)).isGreaterThan(100);
    assertThat(queryHits + queryMisses).as("Query calls counted by the node").isPositive();
    assertThat(scanHits + scanMisses).as("Scan calls counted by the node").isPositive();
    assertThat(differential.storedDifferences(acceleratedUpstream.endpoint(), TABLE, OTHER, NUMERIC)).isEmpty();
  }

  /** One API call: the operation and its JSON body. */
  private record Request(String operation, String body) {}

  // ---------------------------------------------------------------- values and items

  private int r(int bound) {
    return random.nextInt(bound);
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  private static ObjectNode s(String value) {
    return JSON.createObjectNode().put("S", value);
  }

  private static ObjectNode n(String value) {
    return JSON.createObjectNode().put("N", value);
  }

  private String partition() {
    return "p" + r(PARTITIONS);
  }

  private String sortKey() {
    return PREFIXES[r(PREFIXES.length)] + String.format("%02d", r(PER_PREFIX));
  }

  private ObjectNode key(String table) {
    ObjectNode key = JSON.createObjectNode();
    if (table.equals(NUMERIC)) {
      key.set("pk", n(NUMERIC_PARTITIONS[r(NUMERIC_PARTITIONS.length)]));
      key.set("sk", s("s" + r(4)));
      return key;
    }
    key.set("pk", s(table.equals(OTHER) ? "o" + r(2) : partition()));
    key.set("sk", s(sortKey()));
    return key;
  }

  private ObjectNode item(String table) {
    ObjectNode item = key(table);
    item.set("n", n(NUMBERS[r(NUMBERS.length)]));
    item.set("s", s("v" + r(1000)));
    if (!table.equals(TABLE)) {
      return item;
    }
    ArrayNode tags = JSON.createArrayNode().add("b").add("a").add("c" + r(3));
    item.set("tags", JSON.createObjectNode().set("SS", tags));
    ObjectNode map = JSON.createObjectNode();
    map.set("x", n(NUMBERS[r(NUMBERS.length)]));
    map.set("y", JSON.createObjectNode().put("BOOL", chance(50)));
    item.set("m", JSON.createObjectNode().set("M", map));
    item.set("l", JSON.createObjectNode().set("L", JSON.createArrayNode().add(s("a")).add(n("2.50")).add(JSON.createObjectNode().put("NULL", true))));
    if (chance(80)) {
      item.set("rank", n(Integer.toString(r(20))));
    }
    int group = r(100);
    if (group < 75) {
      item.set("grp", s(GROUPS[r(GROUPS.length)]));
      item.set("ts", n(Integer.toString(r(50))));
    } else if (group < 82) {
      item.set("grp", s(GROUPS[r(GROUPS.length)])); // no ts: not in ByGroup
    }
    if (chance(60)) {
      item.set("color", s(COLORS[r(COLORS.length)]));
    }
    return item;
  }

  private String table() {
    int dice = r(100);
    return dice < 12 ? OTHER : dice < 22 ? NUMERIC : TABLE;
  }

  // ---------------------------------------------------------------- writes

  private Request write() {
    int dice = r(100);
    if (dice < 35) {
      return new Request("PutItem", putItem());
    } else if (dice < 65) {
      return new Request("UpdateItem", updateItem());
    } else if (dice < 80) {
      return new Request("DeleteItem", deleteItem());
    }
    return new Request("BatchWriteItem", batchWrite(1 + r(6)));
  }

  private String putItem() {
    String table = table();
    ObjectNode body = JSON.createObjectNode().put("TableName", table);
    body.set("Item", item(table));
    if (chance(25)) {
      body.put("ConditionExpression", "attribute_not_exists(pk)");
    }
    if (chance(50)) {
      body.put("ReturnValues", "ALL_OLD");
    }
    return body.toString();
  }

  private String updateItem() {
    String table = table();
    ObjectNode body = JSON.createObjectNode().put("TableName", table);
    body.set("Key", key(table));
    ObjectNode values = JSON.createObjectNode();
    String update;
    int variant = table.equals(TABLE) ? r(5) : 0;
    switch (variant) {
      case 0 -> {
        update = "SET s = :s ADD c :one";
        values.set(":s", s("u" + r(1000)));
        values.set(":one", n("1.0"));
      }
      case 1 -> {
        update = "SET grp = :g, #t = :t";
        values.set(":g", s(GROUPS[r(GROUPS.length)]));
        values.set(":t", n(Integer.toString(r(50))));
      }
      case 2 -> update = "REMOVE color, #r";
      case 3 -> {
        update = "SET #r = :r, color = :c";
        values.set(":r", n(Integer.toString(r(20))));
        values.set(":c", s(COLORS[r(COLORS.length)]));
      }
      default -> {
        update = "SET n = n + :one"; // fails where n is missing (an item UpdateItem creates)
        values.set(":one", n("1"));
      }
    }
    body.put("UpdateExpression", update);
    String condition = null;
    if (chance(20)) {
      condition = "attribute_exists(pk)";
      body.put("ConditionExpression", condition);
    }
    if (!values.isEmpty()) {
      body.set("ExpressionAttributeValues", values);
    }
    names(body, update, condition);
    String[] returnValues = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
    body.put("ReturnValues", returnValues[r(returnValues.length)]);
    return body.toString();
  }

  private String deleteItem() {
    String table = table();
    ObjectNode body = JSON.createObjectNode().put("TableName", table);
    body.set("Key", key(table));
    if (chance(50)) {
      body.put("ReturnValues", "ALL_OLD");
    }
    if (table.equals(TABLE) && chance(15)) {
      body.put("ConditionExpression", "attribute_exists(color)");
    }
    return body.toString();
  }

  private String batchWrite(int count) {
    ObjectNode requestItems = JSON.createObjectNode();
    Set<String> keys = new LinkedHashSet<>();
    int attempts = 0;
    while (keys.size() < count && attempts++ < 50) {
      String table = table();
      ObjectNode item = item(table);
      ObjectNode key = JSON.createObjectNode();
      key.set("pk", item.get("pk"));
      key.set("sk", item.get("sk"));
      if (!keys.add(table + key)) {
        continue;
      }
      ObjectNode request = JSON.createObjectNode();
      if (chance(70)) {
        request.set("PutRequest", JSON.createObjectNode().set("Item", item));
      } else {
        request.set("DeleteRequest", JSON.createObjectNode().set("Key", key));
      }
      (requestItems.has(table) ? (ArrayNode) requestItems.get(table) : requestItems.putArray(table)).add(request);
    }
    return JSON.createObjectNode().set("RequestItems", requestItems).toString();
  }

  // ---------------------------------------------------------------- reads

  /** Adds ExpressionAttributeNames for exactly the placeholders that the expressions use. */
  private static void names(ObjectNode body, String... expressions) {
    ObjectNode names = JSON.createObjectNode();
    NAMES.keySet().stream().sorted().forEach(placeholder -> {
      for (String expression : expressions) {
        if (expression != null && expression.matches(".*" + placeholder + "\\b.*")) {
          names.put(placeholder, NAMES.get(placeholder));
        }
      }
    });
    if (!names.isEmpty()) {
      body.set("ExpressionAttributeNames", names);
    }
  }

  /** A filter over the base table's non-key attributes, its values added to {@code values}. */
  private String filter(ObjectNode values) {
    switch (r(6)) {
      case 0 -> {
        values.set(":zero", n("0"));
        return "n > :zero";
      }
      case 1 -> {
        return "attribute_exists(color)";
      }
      case 2 -> {
        values.set(":tag", s("c" + r(3)));
        return "contains(tags, :tag)";
      }
      case 3 -> {
        values.set(":s1", s("v" + r(300)));
        values.set(":s2", s("v" + (300 + r(700))));
        return "#s BETWEEN :s1 AND :s2";
      }
      case 4 -> {
        values.set(":true", JSON.createObjectNode().put("BOOL", true));
        return "#m.y = :true";
      }
      default -> {
        values.set(":few", n("3"));
        return "size(l) >= :few AND attribute_not_exists(c)";
      }
    }
  }

  private String projection() {
    String[] projections = {"pk, sk, #s", "#m.x, l[1], tags", "sk, n, zz", "#s", "l[0], #m, #r", "pk, color, grp, #t"};
    return projections[r(projections.length)];
  }

  private Request query() {
    int target = r(100);
    if (target < 14) {
      return otherQuery();
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode values = JSON.createObjectNode();
    String keyCondition;
    String index = null;
    boolean projectsAll = true;
    if (target < 55) {
      body.put("TableName", TABLE);
      values.set(":p", s(partition()));
      String lo = sortKey();
      String hi = sortKey();
      if (lo.compareTo(hi) > 0) {
        String swap = lo;
        lo = hi;
        hi = swap;
      }
      switch (r(6)) {
        case 0 -> keyCondition = "pk = :p";
        case 1 -> {
          keyCondition = "pk = :p AND begins_with(sk, :pre)";
          values.set(":pre", s(PREFIXES[r(PREFIXES.length)]));
        }
        case 2 -> {
          keyCondition = "pk = :p AND sk BETWEEN :lo AND :hi";
          values.set(":lo", s(lo));
          values.set(":hi", s(hi));
        }
        case 3 -> {
          keyCondition = "pk = :p AND sk = :sk";
          values.set(":sk", s(lo));
        }
        case 4 -> {
          keyCondition = "#k = :p AND sk > :lo";
          values.set(":lo", s(lo));
        }
        default -> {
          keyCondition = "pk = :p AND sk <= :hi";
          values.set(":hi", s(hi));
        }
      }
    } else if (target < 70) {
      body.put("TableName", TABLE);
      index = "ByRank";
      projectsAll = false;
      values.set(":p", s(partition()));
      switch (r(3)) {
        case 0 -> keyCondition = "pk = :p";
        case 1 -> {
          keyCondition = "pk = :p AND #r BETWEEN :a AND :b";
          int a = r(20);
          values.set(":a", n(Integer.toString(a)));
          values.set(":b", n(Integer.toString(a + r(10))));
        }
        default -> {
          keyCondition = "pk = :p AND #r > :a";
          values.set(":a", n(Integer.toString(r(20))));
        }
      }
    } else if (target < 90) {
      body.put("TableName", TABLE);
      index = "ByGroup";
      values.set(":g", s(GROUPS[r(GROUPS.length)]));
      int a = r(50);
      switch (r(3)) {
        case 0 -> keyCondition = "grp = :g";
        case 1 -> {
          keyCondition = "grp = :g AND #t BETWEEN :a AND :b";
          values.set(":a", n(Integer.toString(a)));
          values.set(":b", n(Integer.toString(a + r(20))));
        }
        default -> {
          keyCondition = "grp = :g AND #t >= :a";
          values.set(":a", n(Integer.toString(a)));
        }
      }
    } else {
      body.put("TableName", TABLE);
      index = "ByColor";
      projectsAll = false;
      values.set(":c", s(COLORS[r(COLORS.length)]));
      keyCondition = "color = :c";
    }
    if (index != null) {
      body.put("IndexName", index);
    }
    body.put("KeyConditionExpression", keyCondition);
    String filter = null;
    String projection = null;
    if (!"ByColor".equals(index) && chance(30)) {
      filter = filter(values);
      body.put("FilterExpression", filter);
    }
    int select = r(100);
    if (select < 12) {
      body.put("Select", "COUNT");
    } else if (select < 40) {
      projection = "ByColor".equals(index) ? "color, pk" : projection();
      body.put("ProjectionExpression", projection);
      if (chance(50)) {
        body.put("Select", "SPECIFIC_ATTRIBUTES");
      }
    } else if (select < 55) {
      // ALL_ATTRIBUTES on an LSI that projects less fetches from the table; on a KEYS_ONLY GSI it is an error.
      body.put("Select", projectsAll || "ByRank".equals(index) ? "ALL_ATTRIBUTES" : "ALL_PROJECTED_ATTRIBUTES");
    } else if (select < 62 && index != null) {
      body.put("Select", "ALL_PROJECTED_ATTRIBUTES");
    }
    readOptions(body, index, values, keyCondition, filter, projection);
    return new Request("Query", body.toString());
  }

  /** The same request shape on the other table, so that equal bodies but for TableName exist. */
  private Request otherQuery() {
    if (chance(40)) {
      String limit = chance(30) ? ",\"Limit\":" + (1 + r(3)) : "";
      return new Request("Query", "{\"TableName\":\"" + NUMERIC + "\",\"KeyConditionExpression\":\"pk = :p\","
          + "\"ExpressionAttributeValues\":{\":p\":{\"N\":\"" + NUMERIC_PARTITIONS[r(NUMERIC_PARTITIONS.length)] + "\"}}" + limit + "}");
    }
    String p = "o" + r(2);
    String limit = chance(40) ? ",\"Limit\":" + (1 + r(5)) : "";
    return new Request("Query", "{\"TableName\":\"" + (chance(50) ? OTHER : TABLE) + "\",\"KeyConditionExpression\":\"pk = :p\","
        + "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"" + (chance(50) ? p : "p" + r(PARTITIONS)) + "\"}}" + limit + "}");
  }

  private Request scan() {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode values = JSON.createObjectNode();
    int target = r(100);
    String index = null;
    if (target < 6) {
      body.put("TableName", OTHER);
    } else if (target < 10) {
      body.put("TableName", NUMERIC);
    } else {
      body.put("TableName", TABLE);
      if (target < 20) {
        index = "ByGroup";
      } else if (target < 27) {
        index = "ByRank";
      } else if (target < 32) {
        index = "ByColor";
      }
    }
    if (index != null) {
      body.put("IndexName", index);
    }
    String filter = null;
    String projection = null;
    boolean richItems = TABLE.equals(body.get("TableName").asText()) && !"ByColor".equals(index);
    if (richItems && chance(25)) {
      filter = filter(values);
      body.put("FilterExpression", filter);
    }
    int select = r(100);
    if (select < 10) {
      body.put("Select", "COUNT");
    } else if (select < 30 && richItems) {
      projection = projection();
      body.put("ProjectionExpression", projection);
    }
    if (chance(25)) {
      int total = 2 + r(3);
      body.put("TotalSegments", total);
      body.put("Segment", r(total));
    }
    readOptions(body, index, values, null, filter, projection);
    return new Request("Scan", body.toString());
  }

  /** Limit, order, ConsistentRead, ReturnConsumedCapacity, and the placeholders' values and names. */
  private void readOptions(ObjectNode body, String index, ObjectNode values, String keyCondition, String filter, String projection) {
    if (chance(35)) {
      body.put("Limit", 1 + r(8));
    }
    if (keyCondition != null && chance(25)) {
      body.put("ScanIndexForward", false);
    }
    if ((index == null || index.equals("ByRank")) && chance(15)) {
      body.put("ConsistentRead", true);
    }
    int capacity = r(100);
    if (capacity < 20) {
      body.put("ReturnConsumedCapacity", "TOTAL");
    } else if (capacity < 25) {
      body.put("ReturnConsumedCapacity", "INDEXES");
    }
    if (!values.isEmpty()) {
      body.set("ExpressionAttributeValues", values);
    }
    names(body, keyCondition, filter, projection);
  }

  /** Requests DynamoDB rejects; the accelerator must reject them the same way and cache nothing. */
  private Request invalid() {
    String p = "{\":p\":{\"S\":\"p1\"}}";
    String[][] cases = {
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p AND s = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :q\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\"}"},
      {"Query", "{\"TableName\":\"QDiff\",\"IndexName\":\"Nope\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"IndexName\":\"ByGroup\",\"ConsistentRead\":true,\"KeyConditionExpression\":\"grp = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Scan", "{\"TableName\":\"QDiff\",\"IndexName\":\"ByGroup\",\"ConsistentRead\":true}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"FilterExpression\":\"sk = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"ProjectionExpression\":\"name\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"Select\":\"SPECIFIC_ATTRIBUTES\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"Select\":\"COUNT\",\"ProjectionExpression\":\"sk\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"IndexName\":\"ByColor\",\"Select\":\"ALL_ATTRIBUTES\",\"KeyConditionExpression\":\"color = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"Select\":\"ALL_PROJECTED_ATTRIBUTES\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Scan", "{\"TableName\":\"QDiff\",\"Segment\":3,\"TotalSegments\":2}"},
      {"Scan", "{\"TableName\":\"QDiff\",\"Segment\":1}"},
      {"Scan", "{\"TableName\":\"QDiff\",\"Segment\":0,\"TotalSegments\":4,\"ExclusiveStartKey\":{\"pk\":{\"S\":\"p3\"},\"sk\":{\"S\":\"a#01\"}}}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"Limit\":0,\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"Nope\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Scan", "{\"TableName\":\"Nope\"}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"ExclusiveStartKey\":{\"pk\":{\"S\":\"p1\"}},\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p1\"},\":x\":{\"S\":\"x\"}}}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeNames\":{\"#n\":\"n\"},\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"begins_with(pk, :p)\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"p1\"}]}},\"ExpressionAttributeValues\":" + p + "}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditionExpression\":\"pk = :p\",\"ScanIndexForward\":\"no\",\"ExpressionAttributeValues\":" + p + "}"},
      {"Scan", "{\"TableName\":\"QDiff\",\"FilterExpression\":\"foo(n)\"}"},
      {"Query", "{\"TableName\":\"QDiff\"}"},
      // Legacy parameters: valid, and a cache key must take them into account like the expressions.
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"p1\"}]}}}"},
      {"Query", "{\"TableName\":\"QDiff\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"p2\"}]},"
          + "\"sk\":{\"ComparisonOperator\":\"BEGINS_WITH\",\"AttributeValueList\":[{\"S\":\"b#\"}]}},\"AttributesToGet\":[\"sk\",\"s\"]}"},
      {"Scan", "{\"TableName\":\"QDiff\",\"ScanFilter\":{\"color\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"S\":\"red\"}]}}}"},
    };
    String[] pick = cases[r(cases.length)];
    return new Request(pick[0], pick[1]);
  }
}
