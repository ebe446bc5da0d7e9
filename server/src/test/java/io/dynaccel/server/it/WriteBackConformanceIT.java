package io.dynaccel.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.it.conformance.ConformanceCorpus;
import io.dynaccel.server.it.conformance.ConformanceCorpus.Entry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConformanceIT}'s corpus replayed, cold then warm, through a node that writes every table
 * back: every answer must still be the one dynalite gave, although the node evaluates writes and
 * serves dirty items itself, except where dynalite departs from DynamoDB and the node's engine
 * follows DynamoDB (see ExpressionDifferentialIT); those cases are recognised and counted:
 * <ul>
 *   <li>{@code SYNTAX_MESSAGE}: dynalite words syntax errors as its parser generator does; DynamoDB
 *       says {@code Syntax error; token: "x", near: "..."}. The prefix up to {@code Syntax error;}
 *       must agree.
 *   <li>{@code OPERAND_TYPE_SET}: DynamoDB's message for an ADD or DELETE operand of the wrong type
 *       ends {@code , typeSet: ALLOWED_FOR_ADD_OPERAND} (or {@code _DELETE_}); dynalite's stops before.
 *   <li>{@code DELETE_RETURN_VALUES}: DeleteItem with ReturnValues ALL_NEW, UPDATED_OLD or
 *       UPDATED_NEW succeeds in dynalite; DynamoDB refuses it with "ReturnValues can only be ALL_OLD
 *       or NONE" (as reported from DynamoDB in boto/boto3 issue 4339).
 * </ul>
 */
class WriteBackConformanceIT extends ConformanceIT {

  @TempDir static Path logDir;

  @Override
  String[] nodeSettings() {
    return WriteBackSettings.everyTable(logDir, "50ms");
  }

  @Override
  String departure(Entry entry, HttpResponse<String> actual) throws IOException {
    JsonNode expected = entry.answer();
    JsonNode got = ConformanceCorpus.normalised(entry.request().operation(), actual.body());
    String expectedMessage = expected.path("message").asText();
    String gotMessage = got.path("message").asText();
    boolean sameError = entry.status() == 400 && actual.statusCode() == 400 && expected.path("__type").equals(got.path("__type"));
    int syntax = gotMessage.indexOf("Syntax error; token: ");
    if (sameError && syntax >= 0 && expectedMessage.startsWith(gotMessage.substring(0, syntax + "Syntax error;".length()))) {
      return "SYNTAX_MESSAGE";
    }
    if (sameError && (gotMessage.equals(expectedMessage + ", typeSet: ALLOWED_FOR_ADD_OPERAND")
        || gotMessage.equals(expectedMessage + ", typeSet: ALLOWED_FOR_DELETE_OPERAND"))) {
      return "OPERAND_TYPE_SET";
    }
    String returnValues = Differential.JSON.readTree(entry.request().request()).path("ReturnValues").asText("NONE");
    if (entry.request().operation().equals("DeleteItem") && entry.status() == 200 && actual.statusCode() == 400
        && !returnValues.equals("NONE") && !returnValues.equals("ALL_OLD")
        && got.path("__type").asText().endsWith("#ValidationException") && gotMessage.equals("ReturnValues can only be ALL_OLD or NONE")) {
      return "DELETE_RETURN_VALUES";
    }
    return null;
  }
}
