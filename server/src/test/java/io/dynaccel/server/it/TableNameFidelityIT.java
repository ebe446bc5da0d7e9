package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, cause 1: a table name DynamoDB rejects gets DynamoDB's own 400, never the accelerator's
 * 503 "Could not learn the key schema". When DescribeTable fails for a client reason, the client's
 * request goes to DynamoDB unchanged. Every operation that needs a key schema is tried with every
 * kind of bad name, cold and then warm (the same request again, and after the valid table's cache
 * was filled), directly and through the accelerator.
 */
class TableNameFidelityIT {

  private static final List<String> BAD_NAMES = List.of("a", "ab", "bad name!", "x".repeat(256), "t/index/x", "Names/index/x");
  private static final String KEY = "{\"pk\":{\"S\":\"k1\"}}";
  private static final String ITEM = "{\"pk\":{\"S\":\"k1\"},\"v\":{\"S\":\"one\"}}";

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static Differential differential;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    URI direct = directUpstream.endpoint();
    URI accelerated = fixture.endpoint();
    String create = Differential.hashTable("Names", "pk", "S");
    Differential.createTables(fixture, List.of(direct, accelerated), create);
    differential = new Differential(fixture, direct, accelerated);
    differential.send("PutItem", "{\"TableName\":\"Names\",\"Item\":" + ITEM + "}");
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  /** Every operation that looks up a key schema, with the given table name (a JSON string). */
  private static List<String[]> calls(String name) {
    return List.of(
        new String[] {"GetItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + "}"},
        new String[] {"PutItem", "{\"TableName\":" + name + ",\"Item\":" + ITEM + "}"},
        new String[] {"UpdateItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + ",\"UpdateExpression\":\"SET v = :v\","
            + "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"two\"}}}"},
        new String[] {"DeleteItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + "}"},
        new String[] {"Query", "{\"TableName\":" + name + ",\"KeyConditionExpression\":\"pk = :p\","
            + "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"k1\"}}}"},
        new String[] {"Scan", "{\"TableName\":" + name + "}"},
        new String[] {"BatchGetItem", "{\"RequestItems\":{" + name + ":{\"Keys\":[" + KEY + "]}}}"},
        new String[] {"BatchGetItem", "{\"RequestItems\":{\"Names\":{\"Keys\":[" + KEY + "]}," + name + ":{\"Keys\":[" + KEY + "]}}}"},
        new String[] {"BatchWriteItem", "{\"RequestItems\":{" + name + ":[{\"PutRequest\":{\"Item\":" + ITEM + "}}]}}"},
        // dynalite implements no transactions, so both answer its UnknownOperationException; what
        // matters is that the accelerator relays the upstream's answer instead of making up a 503.
        new String[] {"TransactWriteItems", "{\"TransactItems\":[{\"Put\":{\"TableName\":" + name + ",\"Item\":" + ITEM + "}}]}"});
  }

  @Test
  void badTableNames_whenSentColdAndWarm_getDynamoDbsOwnAnswer() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (String name : BAD_NAMES) {
      String quoted = Differential.JSON.writeValueAsString(name);
      for (String[] call : calls(quoted)) {
        // Cold, then the same request again, then with the valid table's item cached.
        statuses.add(differential.send(call[0], call[1]).accelerated().statusCode());
        statuses.add(differential.send(call[0], call[1]).accelerated().statusCode());
        differential.send("GetItem", "{\"TableName\":\"Names\",\"Key\":" + KEY + "}");
        statuses.add(differential.send(call[0], call[1]).accelerated().statusCode());
      }
    }
    System.out.printf("TableNameFidelityIT: %d calls, %d DynamoDB errors, %d differences%n",
        differential.calls(), differential.errors(), differential.differences().size());
    assertThat(differential.differences()).isEmpty();
    assertThat(statuses).allMatch(status -> status == 400);
  }
}
