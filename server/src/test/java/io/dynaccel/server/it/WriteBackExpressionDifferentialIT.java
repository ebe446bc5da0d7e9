package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.protocol.DynamoDbException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExpressionDifferentialIT}'s random writes sent through a node that writes every table
 * back, in front of its own dynalite, instead of to the engine alone: the node's answer and the
 * item it then serves (consistent GetItem) must agree with dynalite's, with the same departures
 * explained. This covers what the write-back path adds to the engine: the current item taken from
 * the dirty state (the starting item is written through the node first, and is still dirty) or read
 * from DynamoDB on a miss (no starting item), the condition-failure item, and the errors' shape.
 */
class WriteBackExpressionDifferentialIT extends ExpressionDifferentialIT {

  private static final String TARGET = "DynamoDB_20120810.";

  @RegisterExtension static DynamoDbEmulatorExtension behindNode = new DynamoDbEmulatorExtension();
  @TempDir static Path logDir;

  private static AcceleratorFixture node;

  @BeforeAll
  static void startNode() throws Exception {
    node = AcceleratorFixture.start(behindNode.emulator(), WriteBackSettings.everyTable(logDir, "50ms"));
    Differential.createTable(node, behindNode.endpoint(), "{\"TableName\":\"Expr\",\"AttributeDefinitions\":["
        + "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
        + "\"BillingMode\":\"PAY_PER_REQUEST\"}");
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  /** A quarter of the cases: each costs up to three more calls here. */
  @Override
  int cases() {
    return 2000;
  }

  @Override
  WriteOutcome evaluate(String operation, ObjectNode request, ObjectNode start, ObjectNode key) throws Exception {
    if (start != null) {
      HttpResponse<String> put = node.call(node.endpoint(), TARGET + "PutItem", "{\"TableName\":\"Expr\",\"Item\":" + start + "}");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }
    HttpResponse<String> answer = node.call(node.endpoint(), TARGET + operation, request.toString());
    JsonNode body = answer.body().isEmpty() ? Differential.JSON.createObjectNode() : Differential.JSON.readTree(answer.body());
    if (answer.statusCode() == 200) {
      HttpResponse<String> read = node.call(node.endpoint(), TARGET + "GetItem", "{\"TableName\":\"Expr\",\"ConsistentRead\":true,\"Key\":" + key + "}");
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonNode item = Differential.JSON.readTree(read.body()).get("Item");
      return new WriteOutcome.Applied(item instanceof ObjectNode found ? found : null, (ObjectNode) body);
    }
    String type = body.path("__type").asText();
    String message = body.path("message").asText();
    DynamoDbException error;
    if (answer.statusCode() == 400 && type.equals(DynamoDbException.validation(message).type())) {
      error = DynamoDbException.validation(message);
    } else if (answer.statusCode() == 400 && type.equals(DynamoDbException.conditionalCheckFailed(message).type())) {
      error = DynamoDbException.conditionalCheckFailed(message);
    } else {
      return new WriteOutcome.Unsupported("the node answered " + answer.statusCode() + " " + answer.body());
    }
    return new WriteOutcome.Failed(error, body.get("Item") instanceof ObjectNode item ? item : null);
  }
}
