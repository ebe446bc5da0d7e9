package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sends the same random calls to one DynamoDB directly and to a second, identical one through the
 * accelerator, and compares the answers one by one: status, items, number formatting and errors.
 * At the end both DynamoDBs must hold the same items. {@link WriteBackDifferentialIT} runs the same
 * calls with every table written back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DifferentialIT {

  private static final int OPERATIONS = 3000;
  private static final String TABLE = "Diff";
  private static final String[] PROJECTIONS = {"n", "s, n", "#m.x, l[1]", "ss, missing", "l[0], l[2]", "#m", "pk, sk, s"};
  private static final String[] NUMBERS = {"1.50", "007", "-0.0", "1e2", "12345678901234567890.125", "0.000100", "42"};

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static URI direct;
  private static URI accelerated;
  private final Random random = new Random(20261127L);

  /** The node's {@code --set} settings; none here, so every table has the default strategy. */
  String[] nodeSettings() {
    return new String[0];
  }

  @BeforeAll
  void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator(), nodeSettings());
    direct = directUpstream.endpoint();
    accelerated = fixture.endpoint();
    String create = "{\"TableName\":\"Diff\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
        + "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
        + "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
    Differential.createTables(fixture, List.of(direct, accelerated), create);
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void randomCalls_whenSentDirectAndThroughAccelerator_answerIdentically() throws Exception {
    Differential differential = new Differential(fixture, direct, accelerated);
    for (int i = 0; i < OPERATIONS; i++) {
      Call call = nextCall();
      differential.send(call.operation, call.body);
    }
    List<String> differences = differential.differences();
    System.out.printf("DifferentialIT: %d calls, %d DynamoDB errors among them, %d differences, item cache hits %.0f, misses %.0f, "
            + "departures from dynalite (DynamoDB followed) %s%n",
        OPERATIONS, differential.errors(), differences.size(), fixture.metric("dynaccel_item_cache_hits_total"),
        fixture.metric("dynaccel_item_cache_misses_total"), differential.departures());
    assertThat(differences).isEmpty();
    assertThat(fixture.metric("dynaccel_item_cache_hits_total")).isPositive();
    assertThat(differential.storedDifferences(acceleratedUpstream.endpoint(), TABLE)).isEmpty();
  }

  private record Call(String operation, String body) {}

  private Call nextCall() {
    int choice = random.nextInt(100);
    if (choice < 30) {
      return new Call("GetItem", getItem());
    } else if (choice < 45) {
      return new Call("PutItem", putItem());
    } else if (choice < 57) {
      return new Call("UpdateItem", updateItem());
    } else if (choice < 63) {
      return new Call("DeleteItem", "{\"TableName\":\"Diff\",\"Key\":" + key() + (random.nextBoolean() ? ",\"ReturnValues\":\"ALL_OLD\"" : "") + "}");
    } else if (choice < 75) {
      return new Call("BatchGetItem", batchGet());
    } else if (choice < 82) {
      return new Call("BatchWriteItem", batchWrite());
    } else if (choice < 86) {
      return new Call("Query", "{\"TableName\":\"Diff\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p" + random.nextInt(4) + "\"}}}");
    } else if (choice < 88) {
      return new Call("Scan", "{\"TableName\":\"Diff\"}");
    }
    return invalid();
  }

  private String key() {
    return "{\"pk\":{\"S\":\"p" + random.nextInt(4) + "\"},\"sk\":{\"N\":\"" + random.nextInt(5) + (random.nextInt(5) == 0 ? ".0" : "") + "\"}}";
  }

  private String getItem() {
    StringBuilder body = new StringBuilder("{\"TableName\":\"Diff\",\"Key\":").append(key());
    int variant = random.nextInt(6);
    if (variant == 1) {
      body.append(",\"ConsistentRead\":true");
    } else if (variant == 2) {
      String projection = PROJECTIONS[random.nextInt(PROJECTIONS.length)];
      body.append(",\"ProjectionExpression\":\"").append(projection).append('"');
      if (projection.contains("#m")) {
        // Plain projections go without ExpressionAttributeNames, the commonest form (issue 8, cause 6).
        body.append(",\"ExpressionAttributeNames\":{\"#m\":\"m\"}");
      }
    } else if (variant == 3) {
      body.append(",\"AttributesToGet\":[\"s\",\"n\"]");
    } else if (variant == 4) {
      body.append(",\"ReturnConsumedCapacity\":\"TOTAL\"");
    }
    return body.append('}').toString();
  }

  private String item() {
    String key = key();
    return key.substring(0, key.length() - 1) + ",\"n\":{\"N\":\"" + NUMBERS[random.nextInt(NUMBERS.length)] + "\"}"
        + ",\"s\":{\"S\":\"v" + random.nextInt(1000) + "\"}"
        + ",\"ss\":{\"SS\":[\"b\",\"a\",\"c" + random.nextInt(3) + "\"]}"
        + ",\"m\":{\"M\":{\"x\":{\"N\":\"" + NUMBERS[random.nextInt(NUMBERS.length)] + "\"},\"y\":{\"BOOL\":true}}}"
        + ",\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"2.50\"},{\"NULL\":true}]}}";
  }

  private String putItem() {
    String condition = random.nextInt(4) == 0 ? ",\"ConditionExpression\":\"attribute_not_exists(pk)\"" : "";
    return "{\"TableName\":\"Diff\",\"Item\":" + item() + condition + (random.nextBoolean() ? ",\"ReturnValues\":\"ALL_OLD\"" : "") + "}";
  }

  private String updateItem() {
    String[] returnValues = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
    String condition = random.nextInt(5) == 0 ? ",\"ConditionExpression\":\"attribute_exists(pk)\"" : "";
    return "{\"TableName\":\"Diff\",\"Key\":" + key() + ",\"UpdateExpression\":\"SET s = :s ADD c :one\""
        + ",\"ExpressionAttributeValues\":{\":s\":{\"S\":\"u" + random.nextInt(1000) + "\"},\":one\":{\"N\":\"1.0\"}}"
        + condition + ",\"ReturnValues\":\"" + returnValues[random.nextInt(returnValues.length)] + "\"}";
  }

  private String batchGet() {
    Set<String> keys = new LinkedHashSet<>();
    int count = 1 + random.nextInt(8);
    while (keys.size() < count) {
      keys.add(key().replace(".0\"", "\""));
    }
    String projection = random.nextBoolean() ? ",\"ProjectionExpression\":\"pk, sk, s, #m.x\",\"ExpressionAttributeNames\":{\"#m\":\"m\"}" : "";
    return "{\"RequestItems\":{\"Diff\":{\"Keys\":[" + String.join(",", keys) + "]" + projection + "}}}";
  }

  private String batchWrite() {
    Set<String> keys = new LinkedHashSet<>();
    List<String> writes = new ArrayList<>();
    int count = 1 + random.nextInt(4);
    while (writes.size() < count) {
      String item = item();
      String key = item.substring(0, item.indexOf("},\"n\"") + 1) + "}";
      if (!keys.add(key.replace(".0\"", "\""))) {
        continue;
      }
      writes.add(random.nextBoolean() ? "{\"PutRequest\":{\"Item\":" + item + "}}" : "{\"DeleteRequest\":{\"Key\":" + key + "}}");
    }
    return "{\"RequestItems\":{\"Diff\":[" + String.join(",", writes) + "]}}";
  }

  private Call invalid() {
    String[][] cases = {
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"N\":\"1\"},\"sk\":{\"N\":\"1\"}}}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"}}}"},
      {"GetItem", "{\"TableName\":5,\"Key\":{}}"},
      {"GetItem", "{\"TableName\":\"Nope\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}}}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}},\"ProjectionExpression\":\"name\"}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}},\"ProjectionExpression\":\"pk.x\"}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}},\"ProjectionExpression\":\"#a\"}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"abc\"}}}"},
      // Number keys outside DynamoDB's grammar (issue 8, cause 4), never served from the cache.
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"+1\"}}}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"\u0661\"}}}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"\uFF11\"}}}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1e126\"}}}"},
      {"BatchGetItem", "{\"RequestItems\":{\"Diff\":{\"Keys\":[{\"pk\":{\"S\":\"p2\"},\"sk\":{\"N\":\"+2\"}}]}}}"},
      {"GetItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}},\"ConsistentRead\":\"yes\"}"},
      {"PutItem", "{\"TableName\":\"Diff\",\"Item\":{\"pk\":{\"S\":\"p1\"}}}"},
      {"PutItem", "{\"TableName\":\"Diff\",\"Item\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"},\"x\":{\"N\":\"1e500\"}}}"},
      {"UpdateItem", "{\"TableName\":\"Diff\",\"Key\":{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}},\"UpdateExpression\":\"SET pk = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}"},
      {"BatchGetItem", "{\"RequestItems\":{\"Diff\":{\"Keys\":[{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1\"}},{\"pk\":{\"S\":\"p1\"},\"sk\":{\"N\":\"1.0\"}}]}}}"},
      {"BatchGetItem", "{\"RequestItems\":{}}"},
      {"BatchWriteItem", "{\"RequestItems\":{\"Diff\":[{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"p1\"}}}}]}}"},
      {"DeleteItem", "{\"TableName\":\"Diff\",\"Key\":[]}"},
    };
    String[] pick = cases[random.nextInt(cases.length)];
    return new Call(pick[0], pick[1]);
  }
}
