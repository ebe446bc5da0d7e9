package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, cause 2: a table ARN gets the same answer whatever the cache holds. DynamoDB accepts a
 * table's ARN wherever it takes its name; dynalite does not (its TableName pattern is
 * {@code [a-zA-Z0-9_.-]+}) and answers a ValidationException. So against dynalite every ARN, even the
 * table's own, must reach the upstream: the accelerator serves an ARN from the cache only once the
 * upstream has accepted that spelling, and ARNs of another region or account never. Each ARN is
 * sent cold and then warm (the same request again, and after the plain name's cache was filled).
 * That the table's own ARN then shares the cache with its plain name, coherently, against an
 * upstream that accepts ARNs as DynamoDB does, is shown by {@code TableArnCoherenceTest}.
 */
class TableArnFidelityIT {

  private static final String KEY = "{\"pk\":{\"S\":\"k1\"}}";
  private static final String ITEM = "{\"pk\":{\"S\":\"k1\"},\"v\":{\"S\":\"one\"}}";

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static Differential differential;
  private static String ownArn;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    URI direct = directUpstream.endpoint();
    URI accelerated = fixture.endpoint();
    String create = Differential.hashTable("Arns", "pk", "S");
    Differential.createTables(fixture, List.of(direct, accelerated), create);
    differential = new Differential(fixture, direct, accelerated);
    differential.send("PutItem", "{\"TableName\":\"Arns\",\"Item\":" + ITEM + "}");
    ownArn = Differential.JSON.readTree(fixture.call(acceleratedUpstream.endpoint(), "DynamoDB_20120810.DescribeTable",
        "{\"TableName\":\"Arns\"}").body()).path("Table").path("TableArn").textValue();
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static List<String[]> calls(String name) {
    return List.of(
        new String[] {"GetItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + "}"},
        new String[] {"GetItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + ",\"ProjectionExpression\":\"v\"}"},
        new String[] {"Query", "{\"TableName\":" + name + ",\"KeyConditionExpression\":\"pk = :p\","
            + "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"k1\"}}}"},
        new String[] {"Scan", "{\"TableName\":" + name + "}"},
        new String[] {"BatchGetItem", "{\"RequestItems\":{" + name + ":{\"Keys\":[" + KEY + "]}}}"},
        new String[] {"BatchGetItem", "{\"RequestItems\":{\"Arns\":{\"Keys\":[" + KEY + "]}," + name + ":{\"Keys\":[" + KEY + "]}}}"},
        new String[] {"PutItem", "{\"TableName\":" + name + ",\"Item\":{\"pk\":{\"S\":\"k1\"},\"v\":{\"S\":\"two\"}}}"},
        new String[] {"UpdateItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + ",\"UpdateExpression\":\"SET v = :v\","
            + "\"ExpressionAttributeValues\":{\":v\":{\"S\":\"three\"}}}"},
        new String[] {"DeleteItem", "{\"TableName\":" + name + ",\"Key\":" + KEY + "}"},
        new String[] {"BatchWriteItem", "{\"RequestItems\":{" + name + ":[{\"DeleteRequest\":{\"Key\":" + KEY + "}}]}}"});
  }

  @Test
  void tableArns_whenSentColdAndWarm_answerAsTheUpstreamDoes() throws Exception {
    assertThat(ownArn).startsWith("arn:aws:dynamodb:").endsWith(":table/Arns");
    String otherRegion = ownArn.replaceFirst("^arn:aws:dynamodb:[^:]+:", "arn:aws:dynamodb:eu-west-3:");
    String otherAccount = ownArn.replaceFirst(":[0-9]+:table/", ":111122223333:table/");
    List<String> spellings = List.of(ownArn, otherRegion, otherAccount, ownArn + "/index/byV", "arn:aws:dynamodb:us-east-1:table/Arns");
    for (String arn : spellings) {
      String quoted = Differential.JSON.writeValueAsString(arn);
      for (String[] call : calls(quoted)) {
        differential.send(call[0], call[1]);
        differential.send(call[0], call[1]);
        differential.send("GetItem", "{\"TableName\":\"Arns\",\"Key\":" + KEY + "}");
        differential.send("Query", "{\"TableName\":\"Arns\",\"KeyConditionExpression\":\"pk = :p\",\"ExpressionAttributeValues\":{\":p\":{\"S\":\"k1\"}}}");
        differential.send(call[0], call[1]);
      }
    }
    System.out.printf("TableArnFidelityIT: %d calls, %d DynamoDB errors, %d differences%n",
        differential.calls(), differential.errors(), differential.differences().size());
    assertThat(differential.differences()).isEmpty();
  }
}
