package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A third party's hunt for requests answered differently through the node than by DynamoDB
 * directly, depending on what the cache holds. Each read is sent with an empty cache, then after a
 * plain read of the same keys filled it, twice; each write is sent once against a cold key and once
 * against a cached one, and read back.
 */
class FidelityHuntIT {

  private static final String ITEM = "\"a\":{\"N\":\"1.50\"},\"name\":{\"S\":\"reserved\"},\"b\":{\"M\":{\"c\":{\"S\":\"x\"},\"d\":{\"N\":\"2\"},\"e f\":{\"S\":\"sp\"}}},"
      + "\"l\":{\"L\":[{\"L\":[{\"S\":\"l00\"},{\"S\":\"l01\"}]},{\"M\":{\"x\":{\"N\":\"-0\"}}},{\"S\":\"l2\"}]},"
      + "\"ss\":{\"SS\":[\"b\",\"a\",\"c\"]},\"ns\":{\"NS\":[\"3\",\"1.0\",\"-2\"]},\"bs\":{\"BS\":[\"AQ==\",\"Ag==\"]},"
      + "\"z\":{\"N\":\"1E+2\"},\"nul\":{\"NULL\":true},\"t\":{\"BOOL\":false}";

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private final Differential differential = new Differential(fixture, directUpstream.endpoint(), fixture.endpoint());
  private final HttpClient admin = HttpClient.newHttpClient();
  private final List<String> headerDifferences = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    for (URI upstream : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      Differential.createTable(fixture, upstream, "{\"TableName\":\"Hunt\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
          + "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
          + "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
      Differential.createTable(fixture, upstream, "{\"TableName\":\"HuntB\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"B\"}],"
          + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
      Differential.createTable(fixture, upstream, "{\"TableName\":\"HuntN\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"N\"},"
          + "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
          + "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
      Differential.createTable(fixture, upstream, "{\"TableName\":\"HuntS\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
          + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
      for (int sk = 0; sk < 6; sk++) {
        seed(upstream, "Hunt", "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"" + sk + "\"}," + ITEM + "}");
      }
      seed(upstream, "Hunt", "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1.5\"}," + ITEM + "}");
      seed(upstream, "Hunt", "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"-0\"}," + ITEM + "}");
      for (String b : List.of("AQ==", "AQI=", "AAAA")) {
        seed(upstream, "HuntB", "{\"pk\":{\"B\":\"" + b + "\"},\"v\":{\"S\":\"" + b + "\"}}");
      }
      for (String s : List.of("\\u0000", "nul\\u0000end", "\\u00e9", "e\\u0301", "\\ud83d\\ude00", " ", "A")) {
        seed(upstream, "HuntS", "{\"pk\":{\"S\":\"" + s + "\"},\"v\":{\"S\":\"" + s + "\"}}");
      }
    }
  }

  private static void seed(URI upstream, String table, String item) throws Exception {
    HttpResponse<String> put = fixture.call(upstream, "DynamoDB_20120810.PutItem", "{\"TableName\":\"" + table + "\",\"Item\":" + item + "}");
    assertThat(put.statusCode()).as(item + " " + put.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private void purge() throws Exception {
    for (String cache : List.of("item-cache", "query-cache")) {
      HttpResponse<String> purged = admin.send(HttpRequest.newBuilder(fixture.adminEndpoint().resolve("/admin/" + cache)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(purged.statusCode()).isLessThan(300);
    }
  }

  /** Sends a read cold, then the fill, then the read twice more. */
  private void coldWarm(String operation, String body, String fillOperation, String fillBody) throws Exception {
    purge();
    send(operation, body);
    send(fillOperation, fillBody);
    send(operation, body);
    send(operation, body);
  }

  private void getCases(String table, String key, List<String> extras) throws Exception {
    String fill = "{\"TableName\":\"" + table + "\",\"Key\":" + key + "}";
    for (String extra : extras) {
      coldWarm("GetItem", "{\"TableName\":\"" + table + "\",\"Key\":" + key + extra + "}", "GetItem", fill);
    }
  }

  private static final String KEY = "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"}}";

  @Test
  void getItem_projectionEdgeCases_answerAsDynamoDbColdAndWarm() throws Exception {
    List<String> extras = new ArrayList<>();
    for (String projection : List.of("a, a", "a, a.b", "b, b.c", "b.c, b", "b.c, b.d", "b.d, b.c", "l[0][1]", "l[0][1], l[0][0]", "l[2], l[0]",
        "l[1].x", "l[7]", "l[0][5]", "ss[0]", "a.b", "a[0]", "nul, t", " a ,  b.c ", "a,b", "z", "missing", "missing.deep", "l", "l[0]",
        "l[1], l[1].x", "b.missing", "name", "pk, sk", "#n", "#n, #n", "#b.#c", "#b.c, b.#c", "b.#ef", "l [0]", "l[ 0]", "l[00]", "l[-1]",
        "l[0][0], l[0][1], l[2]", "ns, bs, ss", "a,", ",a", "", " ")) {
      StringBuilder extra = new StringBuilder(",\"ProjectionExpression\":\"" + projection + "\"");
      List<String> names = new ArrayList<>();
      if (projection.contains("#n")) {
        names.add("\"#n\":\"name\"");
      }
      if (projection.contains("#b")) {
        names.add("\"#b\":\"b\"");
      }
      if (projection.contains("#c")) {
        names.add("\"#c\":\"c\"");
      }
      if (projection.contains("#ef")) {
        names.add("\"#ef\":\"e f\"");
      }
      if (!names.isEmpty()) {
        extra.append(",\"ExpressionAttributeNames\":{").append(String.join(",", names)).append('}');
      }
      extras.add(extra.toString());
    }
    extras.add(",\"ProjectionExpression\":\"a\",\"ExpressionAttributeNames\":{\"#unused\":\"x\"}");
    extras.add(",\"ProjectionExpression\":\"#a\",\"ExpressionAttributeNames\":{\"#a\":\"a\",\"#unused\":\"x\"}");
    extras.add(",\"ProjectionExpression\":\"#a\",\"ExpressionAttributeNames\":{\"#a\":\"a\",\"#A\":\"a\"}");
    extras.add(",\"ProjectionExpression\":\"#a\",\"ExpressionAttributeNames\":{\"#a\":\"\"}");
    extras.add(",\"ProjectionExpression\":\"#a\",\"ExpressionAttributeNames\":{\"#a\":\"b.c\"}");
    extras.add(",\"ProjectionExpression\":\"#a, b\",\"ExpressionAttributeNames\":{\"#a\":\"b\"}");
    extras.add(",\"ProjectionExpression\":\"#a\",\"ExpressionAttributeNames\":{\"a\":\"a\"}");
    extras.add(",\"ProjectionExpression\":\"a\",\"ExpressionAttributeNames\":{}");
    extras.add(",\"ExpressionAttributeNames\":{\"#a\":\"a\"}");
    extras.add(",\"AttributesToGet\":[\"a\",\"a\"]");
    extras.add(",\"AttributesToGet\":[]");
    extras.add(",\"AttributesToGet\":[\"b.c\"]");
    extras.add(",\"AttributesToGet\":[\"missing\",\"name\"]");
    extras.add(",\"AttributesToGet\":[\"\"]");
    extras.add(",\"AttributesToGet\":[\"a\"],\"ProjectionExpression\":\"a\"");
    extras.add(",\"ConsistentRead\":false");
    extras.add(",\"ConsistentRead\":true");
    extras.add(",\"ReturnConsumedCapacity\":\"NONE\"");
    extras.add(",\"ReturnConsumedCapacity\":\"TOTAL\"");
    extras.add(",\"ReturnConsumedCapacity\":\"INDEXES\"");
    extras.add(",\"ReturnConsumedCapacity\":\"BOGUS\"");
    extras.add(",\"ConsistentRead\":false,\"ReturnConsumedCapacity\":\"NONE\",\"ProjectionExpression\":\"a\"");
    getCases("Hunt", KEY, extras);
    getCases("Hunt", "{\"pk\":{\"S\":\"absent\"},\"sk\":{\"N\":\"1\"}}", List.of("", ",\"ProjectionExpression\":\"a, b.c\"", ",\"AttributesToGet\":[\"a\"]"));
    report();
  }

  @Test
  void getItem_keyForms_answerAsDynamoDbColdAndWarm() throws Exception {
    for (String sk : List.of("1", "1.0", "1e0", "1E0", "10e-1", "0.1e1", "1.50", "1.5", "15e-1", "-0", "0", "0.0", "-0.0", "0e5", "00001", "1.", ".5e1",
        "1e+0", "1E-0", " 1", "1 ", "0x1", "Infinity", "NaN", "1e-131", "1e126", "0e200", "0e-200", "0.0e130", "-0e126", "0e999999999999",
        "00000000000000000000000000000000000000000001", "1.00000000000000000000000000000000000000000", "10000000000000000000000000000000000000000e-40",
        "0.1e-129", "100e-132", "1e-130", "9.9999999999999999999999999999999999999E+125", "1E+126", "1e2147483648", "1e-2147483649", "--1", "1e", "e1", "1..0", "١")) {
      getCases("Hunt", "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"" + sk + "\"}}", List.of("", ",\"ProjectionExpression\":\"sk, a\""));
    }
    getCases("Hunt", "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"},\"a\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"\"},\"sk\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"" + "x".repeat(2049) + "\"},\"sk\":{\"N\":\"1\"}}", List.of("", ",\"ProjectionExpression\":\"a\""));
    getCases("Hunt", "{\"pk\":{\"S\":\"" + "\u00e9".repeat(1025) + "\"},\"sk\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"" + "\u00e9".repeat(1024) + "\"},\"sk\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"p\",\"Q\":\"y\"},\"sk\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"p\",\"N\":null},\"sk\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"q\"},\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"}}", List.of("", ",\"Key\":{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"2\"}}"));
    getCases("Hunt", "{\"pk\":{\"S\":\"q\",\"S\":\"p\"},\"sk\":{\"N\":\"1\"}}", List.of(""));
    getCases("Hunt", "{\"pk\":{\"S\":\"p\",\"N\":\"1\"},\"sk\":{\"N\":\"1\"}}", List.of(""));
    for (String b : List.of("AQ==", "AQ", "AQ=", "AR==", "AQI=", "AQI", "AQJ=", "A Q==", "AQ==\\n", " AQ==", "AAAA", "AA==AA==", "-_8=", "+/8=", "AQ==AQ==", "*", "====")) {
      getCases("HuntB", "{\"pk\":{\"B\":\"" + b + "\"}}", List.of(""));
    }
    for (String s : List.of("\\u0000", "nul\\u0000end", "\\u00e9", "e\\u0301", "\\ud83d\\ude00", "\\ud800", "\\udc00", "x\\ud800y", "\\ufeff", " ", "A", "a", "\\u0041")) {
      getCases("HuntS", "{\"pk\":{\"S\":\"" + s + "\"}}", List.of("", ",\"ProjectionExpression\":\"v\""));
    }
    report();
  }

  private static String keyJson(String sk) {
    return "{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"" + sk + "\"}}";
  }

  private void batchCase(String requestItemsInner, List<String> fillKeys) throws Exception {
    String body = "{\"RequestItems\":{" + requestItemsInner + "}}";
    purge();
    send("BatchGetItem", body);
    for (String key : fillKeys) {
      send("GetItem", "{\"TableName\":\"Hunt\",\"Key\":" + key + "}");
    }
    send("BatchGetItem", body);
    send("BatchGetItem", body);
  }

  @Test
  void batchGetItem_edgeCases_answerAsDynamoDbColdAndWarm() throws Exception {
    List<String> keys = List.of(keyJson("1"), keyJson("2"), keyJson("9"));
    String list = String.join(",", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + keyJson("1") + "," + keyJson("1") + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + keyJson("1") + "," + keyJson("1.0") + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + keyJson("1.5") + "," + keyJson("1.50") + "]}", List.of(keyJson("1.5")));
    batchCase("\"Hunt\":{\"Keys\":[]}", keys);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(keyJson(String.valueOf(i)));
    }
    batchCase("\"Hunt\":{\"Keys\":[" + String.join(",", many) + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + String.join(",", many.subList(0, 100)) + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + String.join(",", many.subList(0, 60)) + "]},\"HuntS\":{\"Keys\":[" + String.join(",",
        many.subList(0, 41).stream().map(k -> "{\"pk\":{\"S\":\"" + k.hashCode() + "\"}}").toList()) + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ConsistentRead\":false}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ConsistentRead\":true}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ConsistentRead\":true},\"HuntS\":{\"Keys\":[{\"pk\":{\"S\":\"A\"}}]}", keys);
    for (String options : List.of(",\"ProjectionExpression\":\"a, a\"", ",\"ProjectionExpression\":\"b, b.c\"", ",\"ProjectionExpression\":\"l[0][1], l[2]\"",
        ",\"ProjectionExpression\":\"#n\",\"ExpressionAttributeNames\":{\"#n\":\"name\"}", ",\"ProjectionExpression\":\"name\"",
        ",\"ProjectionExpression\":\"a\",\"ExpressionAttributeNames\":{\"#u\":\"u\"}", ",\"AttributesToGet\":[\"a\",\"a\"]", ",\"AttributesToGet\":[]",
        ",\"AttributesToGet\":[\"missing\"]", ",\"ProjectionExpression\":\"missing\"")) {
      batchCase("\"Hunt\":{\"Keys\":[" + list + "]" + options + "}", keys);
    }
    for (String capacity : List.of("NONE", "TOTAL", "INDEXES")) {
      String body = "{\"RequestItems\":{\"Hunt\":{\"Keys\":[" + list + "]}},\"ReturnConsumedCapacity\":\"" + capacity + "\"}";
      purge();
      send("BatchGetItem", body);
      send("BatchGetItem", "{\"RequestItems\":{\"Hunt\":{\"Keys\":[" + list + "]}}}");
      send("BatchGetItem", body);
    }
    batchCase("\"Hunt\":{\"Keys\":[{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"},\"x\":{\"S\":\"y\"}}]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "]},\"hunt\":{\"Keys\":[" + list + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + ",{\"pk\":{\"N\":\"1\"},\"sk\":{\"N\":\"1\"}}]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + keyJson("1") + "]},\"Hunt\":{\"Keys\":[" + keyJson("2") + "]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + ",{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"},\"x\":{\"S\":\"y\"}}]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + ",{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"+1\"}}]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + ",{\"pk\":{\"S\":\"" + "x".repeat(2049) + "\"},\"sk\":{\"N\":\"1\"}}]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + ",{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"}}]}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ProjectionExpression\":\"a\"},\"HuntS\":{\"Keys\":[{\"pk\":{\"S\":\"A\"}}],\"ProjectionExpression\":\"v, v\"}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ProjectionExpression\":\"a\"},\"HuntS\":{\"Keys\":[{\"pk\":{\"S\":\"A\"}}],\"ProjectionExpression\":\"pk.x\"}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ProjectionExpression\":\"sk.x\"}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"ExpressionAttributeNames\":{\"#a\":\"a\"}}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "],\"AttributesToGet\":[\"a\"],\"ProjectionExpression\":\"a\"}", keys);
    batchCase("\"Hunt\":{\"Keys\":[" + list + "]},\"Nope\":{\"Keys\":[" + list + "]}", keys);
    report();
  }

  @Test
  void queryAndScan_fromCache_answerAsDynamoDbColdAndWarm() throws Exception {
    String q = "\"TableName\":\"Hunt\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"}}";
    for (String extra : List.of("", ",\"Limit\":2", ",\"Limit\":1,\"ExclusiveStartKey\":" + keyJson("1"), ",\"ExclusiveStartKey\":" + keyJson("1.50"),
        ",\"ExclusiveStartKey\":" + keyJson("1.5"), ",\"Select\":\"COUNT\"", ",\"Select\":\"COUNT\",\"Limit\":3", ",\"ScanIndexForward\":false,\"Limit\":2",
        ",\"ProjectionExpression\":\"a, l[0][1]\"", ",\"Select\":\"SPECIFIC_ATTRIBUTES\",\"ProjectionExpression\":\"a\"", ",\"Select\":\"ALL_ATTRIBUTES\"",
        ",\"Select\":\"COUNT\",\"ProjectionExpression\":\"a\"", ",\"ReturnConsumedCapacity\":\"TOTAL\"", ",\"ConsistentRead\":true", ",\"Limit\":0",
        ",\"ExclusiveStartKey\":{\"pk\":{\"S\":\"q\"},\"sk\":{\"N\":\"1\"}}")) {
      String body = "{" + q + extra + "}";
      coldWarm("Query", body, "Query", body);
    }
    String qsk = "\"TableName\":\"Hunt\",\"KeyConditionExpression\":\"pk = :p AND sk BETWEEN :a AND :b\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p\"},\":a\":{\"N\":\"%s\"},\":b\":{\"N\":\"%s\"}}";
    for (String[] range : List.of(new String[] {"1", "2"}, new String[] {"1.50", "2"}, new String[] {"1.5", "2.0"}, new String[] {"-0", "0"}, new String[] {"2", "1"})) {
      String body = "{" + qsk.formatted(range[0], range[1]) + "}";
      coldWarm("Query", body, "Query", body);
    }
    for (String extra : List.of("", ",\"Segment\":0,\"TotalSegments\":2", ",\"Segment\":1,\"TotalSegments\":2", ",\"Segment\":2,\"TotalSegments\":2", ",\"Segment\":0",
        ",\"TotalSegments\":1", ",\"Segment\":0,\"TotalSegments\":1,\"Limit\":2", ",\"Select\":\"COUNT\"", ",\"Limit\":3", ",\"ExclusiveStartKey\":" + keyJson("2"))) {
      String body = "{\"TableName\":\"Hunt\"" + extra + "}";
      coldWarm("Scan", body, "Scan", body);
    }
    report();
  }

  private int writeKey;

  /** A fresh key, seeded with the same item directly upstream, so that it starts cold. */
  private String freshKey() throws Exception {
    String key = "{\"pk\":{\"S\":\"w" + (writeKey++) + "\"},\"sk\":{\"N\":\"1\"}}";
    for (URI upstream : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      seed(upstream, "Hunt", key.substring(0, key.length() - 1) + "," + ITEM + "}");
    }
    return key;
  }

  private void writeCase(String operation, String bodyTemplate) throws Exception {
    for (boolean warm : List.of(false, true)) {
      String key = freshKey();
      String get = "{\"TableName\":\"Hunt\",\"Key\":" + key + "}";
      if (warm) {
        send("GetItem", get);
      }
      send(operation, bodyTemplate.replace("$KEY", key).replace("$ITEM", key.substring(0, key.length() - 1)));
      send("GetItem", get);
      send("GetItem", get);
      send("GetItem", get.replace("}}}", "}},\"ProjectionExpression\":\"ss, ns, n, a, z\"}"));
    }
  }

  @Test
  void writes_onColdAndCachedItems_answerAsDynamoDb() throws Exception {
    for (String returnValues : List.of("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")) {
      writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET a = :v, n = :n ADD ns :s\",\"ExpressionAttributeValues\":"
          + "{\":v\":{\"N\":\"2.50\"},\":n\":{\"N\":\"-0\"},\":s\":{\"NS\":[\"7\",\"1.00\"]}},\"ReturnValues\":\"" + returnValues + "\"}");
    }
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"REMOVE l[0], b.c DELETE ss :s\",\"ExpressionAttributeValues\":{\":s\":{\"SS\":[\"a\"]}}}");
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET a = :v\",\"ExpressionAttributeValues\":{\":v\":{\"N\":\"1\"}},"
        + "\"ConditionExpression\":\"a = :v\",\"ReturnValues\":\"ALL_OLD\"}");
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"AttributeUpdates\":{\"a\":{\"Action\":\"ADD\",\"Value\":{\"N\":\"0.50\"}}},\"ReturnValues\":\"UPDATED_NEW\"}");
    for (String returnValues : List.of("NONE", "ALL_OLD")) {
      writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"ss\":{\"SS\":[\"z\",\"y\",\"x\"]},\"ns\":{\"NS\":[\"10\",\"9.0\",\"-0\"]},\"n\":{\"N\":\"-0.000\"},"
          + "\"z\":{\"N\":\"1.50E3\"},\"a\":{\"N\":\"0.0100\"}},\"ReturnValues\":\"" + returnValues + "\"}");
      writeCase("DeleteItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"ReturnValues\":\"" + returnValues + "\"}");
    }
    writeCase("DeleteItem", "{\"TableName\":\"Hunt\",\"Key\":{\"pk\":{\"S\":\"never\"},\"sk\":{\"N\":\"1\"}},\"ReturnValues\":\"ALL_OLD\"}");
    writeCase("DeleteItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"ConditionExpression\":\"attribute_not_exists(a)\",\"ReturnValues\":\"ALL_OLD\"}");
    writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"ss\":{\"SS\":[\"a\",\"a\"]}}}");
    writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"e\":{\"S\":\"\"},\"eb\":{\"B\":\"\"},\"m\":{\"M\":{\"\":{\"S\":\"x\"}}}}}");
    writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"bs\":{\"BS\":[\"AQ==\",\"AQ\"]}}}");
    for (String value : List.of("{\"B\":\"AR==\"}", "{\"B\":\"AQ\"}", "{\"B\":\"-_8=\"}", "{\"B\":\"AQ==\\n\"}", "{\"S\":\"\\ud800\"}", "{\"S\":\"x\\u0000y\"}",
        "{\"BS\":[\"AQ\",\"AQ==\"]}", "{\"BS\":[\"AQ==\",\"AR==\"]}", "{\"NS\":[\"1\",\"1.0\"]}", "{\"NS\":[\"-0\",\"0\"]}", "{\"SS\":[\"\\u00e9\",\"e\\u0301\"]}",
        "{\"BOOL\":\"yes\"}", "{\"NULL\":\"1\"}", "{\"NULL\":false}", "{\"N\":\"1e-130\"}", "{\"N\":\"9.9999999999999999999999999999999999999E+125\"}",
        "{\"N\":\"0.00000000000000000000000000000000000000000001\"}", "{\"N\":\"12345678901234567890123456789012345678\"}", "{\"N\":\"123456789012345678901234567890123456780000\"}",
        "{\"N\":\"1.000000000000000000000000000000000000000000\"}", "{\"S\":\"x\",\"N\":\"1\"}", "{\"M\":{\"n\":{\"N\":\"1.50\"},\"s\":{\"NS\":[\"2.0\"]}}}",
        "{\"L\":[{\"N\":\"-0.0\"},{\"BOOL\":\"no\"}]}", "{\"BOOL\":\"tRuE\"}", "{\"BOOL\":\"y\"}", "{\"BOOL\":1}", "{\"NULL\":\"TRUE\"}",
        "{\"S\":\"x\",\"N\":null}", "{\"S\":\"x\",\"Q\":\"y\"}", "{\"NULL\":true,\"S\":null}", "{\"L\":[{\"NULL\":\"1\"},{\"M\":{\"q\":{\"BOOL\":\"0\",\"X\":1}}}]}")) {
      writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"v\":" + value + "}}");
    }
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET #x = :x\",\"ExpressionAttributeNames\":{\"#x\":\"\\u00e9\"},\"ExpressionAttributeValues\":{\":x\":{\"S\":\"e\\u0301\"}}}");
    writeCase("BatchWriteItem", "{\"RequestItems\":{\"Hunt\":[{\"PutRequest\":{\"Item\":$ITEM,\"ns\":{\"NS\":[\"1.50\",\"2\"]},\"n\":{\"N\":\"-0\"}}}}]}}");
    writeCase("BatchWriteItem", "{\"RequestItems\":{\"Hunt\":[{\"DeleteRequest\":{\"Key\":$KEY}}]}}");
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET u = :u\",\"ExpressionAttributeValues\":{\":u\":{\"S\":\"x\\ud800y\\u0000\"}}}");
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET u = :u\",\"ExpressionAttributeValues\":{\":u\":{\"S\":\"1\"},\":u\":{\"S\":\"2\"}}}");
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET u = :u\",\"ExpressionAttributeValues\":{\":u\":{\"S\":\"1\"}},\"ReturnValues\":null}");
    writeCase("UpdateItem", "{\"TableName\":\"Hunt\",\"Key\":$KEY,\"UpdateExpression\":\"SET u = :u\",\"ExpressionAttributeValues\":{\":u\":{\"S\":\"1\"}},\"ReturnValues\":\"none\"}");
    writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"v\":{\"S\":\"first\"},\"v\":{\"S\":\"second\"}}}");
    writeCase("PutItem", "{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"v\":{\"S\":\"first\",\"S\":\"second\"}}}");
    writeCase("TransactWriteItems", "{\"TransactItems\":[{\"Put\":{\"TableName\":\"Hunt\",\"Item\":$ITEM,\"n\":{\"N\":\"1.0\"}}}}]}");
    report();
  }

  @Test
  void writes_withKeysInNonCanonicalForms_readBackAsDynamoDb() throws Exception {
    int n = 0;
    for (String[] forms : List.of(new String[] {"AQ", "AQ=="}, new String[] {"AR==", "AQ=="}, new String[] {"-_8=", "+/8="}, new String[] {"+/8=", "+/8="},
        new String[] {"AQI", "AQI="}, new String[] {"AQ==", "AQ"})) {
      for (boolean warm : List.of(false, true)) {
        String tag = "k" + (n++);
        String written = "{\"pk\":{\"B\":\"" + forms[0] + "\"},\"tag\":{\"S\":\"" + tag + "\"}}";
        String read = "{\"TableName\":\"HuntB\",\"Key\":{\"pk\":{\"B\":\"" + forms[1] + "\"}}}";
        if (warm) {
          send("GetItem", read);
        }
        send("PutItem", "{\"TableName\":\"HuntB\",\"Item\":" + written + ",\"ReturnValues\":\"ALL_OLD\"}");
        send("GetItem", read);
        send("GetItem", read);
        send("BatchGetItem", "{\"RequestItems\":{\"HuntB\":{\"Keys\":[{\"pk\":{\"B\":\"" + forms[0] + "\"}}]}}}");
        send("UpdateItem", "{\"TableName\":\"HuntB\",\"Key\":{\"pk\":{\"B\":\"" + forms[1] + "\"}},\"UpdateExpression\":\"SET c = :c\",\"ExpressionAttributeValues\":{\":c\":{\"S\":\"" + tag + "\"}}}");
        send("GetItem", read);
        send("Query", "{\"TableName\":\"HuntB\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"B\":\"" + forms[1] + "\"}}}");
      }
    }
    for (String[] forms : List.of(new String[] {"1.50", "1.5"}, new String[] {"-0", "0"}, new String[] {"1E+1", "10"}, new String[] {"0.0100", "1e-2"}, new String[] {"007", "7"})) {
      for (boolean warm : List.of(false, true)) {
        String pk = "nk" + (n++);
        String written = "{\"pk\":{\"S\":\"" + pk + "\"},\"sk\":{\"N\":\"" + forms[0] + "\"}}";
        String read = "{\"TableName\":\"Hunt\",\"Key\":{\"pk\":{\"S\":\"" + pk + "\"},\"sk\":{\"N\":\"" + forms[1] + "\"}}}";
        if (warm) {
          send("GetItem", read);
        }
        send("PutItem", "{\"TableName\":\"Hunt\",\"Item\":" + written + "}");
        send("GetItem", read);
        send("GetItem", read);
        send("Query", "{\"TableName\":\"Hunt\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"" + pk + "\"}}}");
        send("DeleteItem", "{\"TableName\":\"Hunt\",\"Key\":{\"pk\":{\"S\":\"" + pk + "\"},\"sk\":{\"N\":\"" + forms[1] + "\"}},\"ReturnValues\":\"ALL_OLD\"}");
        send("GetItem", read);
      }
    }
    for (String s : List.of("\\ud800", "x\\udc00", "\\u0000", "e\\u0301")) {
      String key = "{\"pk\":{\"S\":\"w" + s + "\"}}";
      String read = "{\"TableName\":\"HuntS\",\"Key\":" + key + "}";
      send("GetItem", read);
      send("PutItem", "{\"TableName\":\"HuntS\",\"Item\":{\"pk\":{\"S\":\"w" + s + "\"},\"v\":{\"S\":\"" + s + "\"}}}");
      send("GetItem", read);
      send("GetItem", read);
    }
    report();
  }

  @Test
  void batchGetItem_tableUnderNameAndArn_answersAsDynamoDb() throws Exception {
    String arn = Differential.JSON.readTree(fixture.call(directUpstream.endpoint(), "DynamoDB_20120810.DescribeTable", "{\"TableName\":\"Hunt\"}").body())
        .path("Table").path("TableArn").asText();
    String k1 = keyJson("1");
    for (String requestItems : List.of("\"Hunt\":{\"Keys\":[" + k1 + "]},\"" + arn + "\":{\"Keys\":[" + k1 + "]}",
        "\"Hunt\":{\"Keys\":[" + k1 + "]},\"" + arn + "\":{\"Keys\":[" + keyJson("2") + "]}",
        "\"" + arn + "\":{\"Keys\":[" + k1 + "," + keyJson("2") + "]}")) {
      batchCase(requestItems, List.of(k1, keyJson("2")));
    }
    report();
  }

  @Test
  void query_withPartitionSpelledOtherwise_seesWritesThroughTheNode() throws Exception {
    int sk = 0;
    String values = "\"ExpressionAttributeValues\":{\":p\":{\"N\":\"%s\"},\":z\":{\"N\":\"-1\"},\":y\":{\"N\":\"1000\"}}";
    List<String> conditions = List.of("pk = :p", ":p = pk", "#k = :p", "(pk = :p)", "pk=:p AND sk > :z", "sk > :z AND pk = :p", "(pk) = :p",
        "pk = :p AND (sk > :z)", ":p=pk", "  pk  =  :p ", "pk = :p and sk between :z and :y", "((pk = :p)) AND sk <= :y", "pk = :p AND sk BETWEEN :z AND :y");
    for (String spelling : List.of("1.50", "15e-1", "1.5")) {
      for (String condition : conditions) {
        String vals = values.formatted(spelling);
        if (!condition.contains(":z")) {
          vals = "\"ExpressionAttributeValues\":{\":p\":{\"N\":\"" + spelling + "\"}}";
        }
        String names = condition.contains("#k") ? ",\"ExpressionAttributeNames\":{\"#k\":\"pk\"}" : "";
        String query = "{\"TableName\":\"HuntN\",\"KeyConditionExpression\":\"" + condition + "\"," + vals + names + "}";
        queryAroundWrite(query, sk++);
      }
      queryAroundWrite("{\"TableName\":\"HuntN\",\"KeyConditions\":{\"pk\":{\"ComparisonOperator\":\"EQ\",\"AttributeValueList\":[{\"N\":\"" + spelling + "\"}]}}}", sk++);
    }
    report();
  }

  private void queryAroundWrite(String query, int sk) throws Exception {
    send("Query", query);
    send("Query", query);
    send("PutItem", "{\"TableName\":\"HuntN\",\"Item\":{\"pk\":{\"N\":\"1.5\"},\"sk\":{\"N\":\"" + sk + "\"}}}");
    send("Query", query);
    send("UpdateItem", "{\"TableName\":\"HuntN\",\"Key\":{\"pk\":{\"N\":\"1.50\"},\"sk\":{\"N\":\"" + sk + "\"}},\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"u\"}}}");
    send("Query", query);
    send("BatchWriteItem", "{\"RequestItems\":{\"HuntN\":[{\"DeleteRequest\":{\"Key\":{\"pk\":{\"N\":\"15E-1\"},\"sk\":{\"N\":\"" + sk + "\"}}}}]}}");
    send("Query", query);
    send("Scan", "{\"TableName\":\"HuntN\"}");
  }

  /** Sends a call both ways; the node's answer must also carry the CRC32 of its body and the direct answer's media type. */
  private void send(String operation, String body) throws Exception {
    Differential.Answers answers = differential.send(operation, body);
    HttpResponse<String> answer = answers.accelerated();
    CRC32 crc = new CRC32();
    crc.update(answer.body().getBytes(StandardCharsets.UTF_8));
    String crcHeader = answer.headers().firstValue("x-amz-crc32").orElse(null);
    String directType = answers.direct().headers().firstValue("Content-Type").orElse(null);
    String type = answer.headers().firstValue("Content-Type").orElse(null);
    if (!String.valueOf(crc.getValue()).equals(crcHeader) || !Objects.equals(directType, type)) {
      headerDifferences.add(operation + " " + body + ": x-amz-crc32 " + crcHeader + " for a body of CRC32 " + crc.getValue() + ", Content-Type " + type + " (direct " + directType + ")");
    }
  }

  private void report() {
    List<String> differences = differential.differences();
    System.out.printf("FidelityHuntIT: %d calls, %d DynamoDB errors, %d differences, item hits %.0f, query hits %.0f%n", differential.calls(), differential.errors(), differences.size(),
        fixture.metric("dynaccel_item_cache_hits_total"), fixture.metric("dynaccel_query_cache_hits_total"));
    differences.forEach(System.out::println);
    headerDifferences.forEach(System.out::println);
    assertThat(differences).isEmpty();
    assertThat(headerDifferences).isEmpty();
  }
}
