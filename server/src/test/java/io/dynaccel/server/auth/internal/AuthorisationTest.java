package io.dynaccel.server.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.config.AllowRule;
import io.dynaccel.config.AuthPrincipal;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.DynamoDbException;
import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthorisationTest {

  private final Authorisation authorisation = new Authorisation("123456789012");

  private static Caller caller(AllowRule... rules) {
    return new Caller(Principal.of(new AuthPrincipal("app", "AKID", "s", Optional.empty(), List.of(rules)), "123456789012"), "us-east-1");
  }

  private static AllowRule rule(List<String> operations, String... tables) {
    return new AllowRule(operations, List.of(tables));
  }

  private static ApiRequest request(String operation, String json) {
    return new ApiRequest(operation, Buffer.buffer(json), (ObjectNode) JsonCodec.read(json.getBytes()));
  }

  private void assertDenied(Caller caller, ApiRequest request, String action, String resource) {
    assertThatThrownBy(() -> authorisation.check(caller, request))
        .isInstanceOfSatisfying(DynamoDbException.class, e -> {
          assertThat(e.type()).isEqualTo("com.amazon.coral.service#AccessDeniedException");
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("User: arn:aws:iam::123456789012:user/app is not authorized to perform: dynamodb:"
              + action + " on resource: " + resource + " because no identity-based policy allows the dynamodb:" + action + " action");
        });
  }

  private void assertAllowed(Caller caller, ApiRequest request) {
    assertThatCode(() -> authorisation.check(caller, request)).doesNotThrowAnyException();
  }

  @Test
  void check_whenNoRule_deniesEverything() {
    assertDenied(caller(), request("GetItem", "{\"TableName\":\"A\"}"), "GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/A");
  }

  @Test
  void check_whenReadShorthand_allowsReadsAndDeniesWrites() {
    Caller reader = caller(rule(List.of("read"), "*"));

    assertAllowed(reader, request("GetItem", "{\"TableName\":\"A\"}"));
    assertAllowed(reader, request("Scan", "{\"TableName\":\"A\"}"));
    assertAllowed(reader, request("ListTables", "{}"));
    assertAllowed(reader, request("ExecuteStatement", "{\"Statement\":\"SELECT * FROM \\\"A\\\"\"}"));
    assertDenied(reader, request("PutItem", "{\"TableName\":\"A\"}"), "PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/A");
    assertDenied(reader, request("ExecuteStatement", "{\"Statement\":\"DELETE FROM A WHERE pk='1'\"}"), "PartiQLDelete",
        "arn:aws:dynamodb:us-east-1:123456789012:table/A");
  }

  @Test
  void check_whenWriteShorthand_allowsItemWritesOnly() {
    Caller writer = caller(rule(List.of("write"), "A"));

    assertAllowed(writer, request("UpdateItem", "{\"TableName\":\"A\"}"));
    assertAllowed(writer, request("ExecuteStatement", "{\"Statement\":\"INSERT INTO \\\"A\\\" VALUE {'pk':'1'}\"}"));
    assertDenied(writer, request("GetItem", "{\"TableName\":\"A\"}"), "GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/A");
    assertDenied(writer, request("DeleteTable", "{\"TableName\":\"A\"}"), "DeleteTable", "arn:aws:dynamodb:us-east-1:123456789012:table/A");
  }

  @Test
  void check_whenWildcardPatterns_matchesByPrefixSuffixAndExactName() {
    Caller caller = caller(rule(List.of("GetItem"), "Orders*", "*-audit", "Users"));

    assertAllowed(caller, request("GetItem", "{\"TableName\":\"Orders\"}"));
    assertAllowed(caller, request("GetItem", "{\"TableName\":\"Orders-2026\"}"));
    assertAllowed(caller, request("GetItem", "{\"TableName\":\"x-audit\"}"));
    assertAllowed(caller, request("GetItem", "{\"TableName\":\"Users\"}"));
    assertAllowed(caller, request("GetItem", "{\"TableName\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Users\"}"));
    assertDenied(caller, request("GetItem", "{\"TableName\":\"Users2\"}"), "GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/Users2");
    assertDenied(caller, request("GetItem", "{\"TableName\":\"MyOrders\"}"), "GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/MyOrders");
  }

  @Test
  void check_whenTablelessAction_needsEveryTable() {
    assertDenied(caller(rule(List.of("*"), "Orders*")), request("ListTables", "{}"), "ListTables", "*");
    assertAllowed(caller(rule(List.of("ListTables"), "*")), request("ListTables", "{}"));
  }

  @Test
  void check_whenBatchGetItemOverTwoTables_checksEachTable() {
    Caller onlyA = caller(rule(List.of("*"), "A"));

    assertDenied(onlyA, request("BatchGetItem", "{\"RequestItems\":{\"A\":{\"Keys\":[]},\"B\":{\"Keys\":[]}}}"), "BatchGetItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/B");
    assertAllowed(onlyA, request("BatchGetItem", "{\"RequestItems\":{\"A\":{\"Keys\":[]}}}"));
  }

  @Test
  void check_whenBatchWriteItemOverTwoTables_checksEachTable() {
    assertDenied(caller(rule(List.of("BatchWriteItem"), "A")),
        request("BatchWriteItem", "{\"RequestItems\":{\"A\":[],\"B\":[]}}"), "BatchWriteItem", "arn:aws:dynamodb:us-east-1:123456789012:table/B");
  }

  @Test
  void check_whenTransactWriteItems_checksEachItemsOwnAction() {
    Caller caller = caller(rule(List.of("PutItem", "ConditionCheckItem"), "A"), rule(List.of("PutItem"), "B"));
    String items = "{\"TransactItems\":[{\"Put\":{\"TableName\":\"A\"}},{\"ConditionCheck\":{\"TableName\":\"A\"}},"
        + "{\"Put\":{\"TableName\":\"B\"}}%s]}";

    assertAllowed(caller, request("TransactWriteItems", items.formatted("")));
    assertDenied(caller, request("TransactWriteItems", items.formatted(",{\"Delete\":{\"TableName\":\"B\"}}")), "DeleteItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/B");
    assertDenied(caller, request("TransactWriteItems", items.formatted(",{\"Update\":{\"TableName\":\"A\"}}")), "UpdateItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/A");
  }

  @Test
  void check_whenTransactGetItems_checksGetItemOnEachTable() {
    assertDenied(caller(rule(List.of("GetItem"), "A")),
        request("TransactGetItems", "{\"TransactItems\":[{\"Get\":{\"TableName\":\"A\"}},{\"Get\":{\"TableName\":\"B\"}}]}"),
        "GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/B");
  }

  @Test
  void check_whenQueryOfAnIndex_matchesTheTableAndNamesTheIndex() {
    String query = "{\"TableName\":\"B\",\"IndexName\":\"byDate\"}";

    assertDenied(caller(rule(List.of("Query"), "A")), request("Query", query), "Query",
        "arn:aws:dynamodb:us-east-1:123456789012:table/B/index/byDate");
    assertAllowed(caller(rule(List.of("Query"), "B")), request("Query", query));
  }

  @Test
  void check_whenPartiQl_checksTheTableOfEveryStatement() {
    Caller onlyA = caller(rule(List.of("*"), "A"));

    assertDenied(onlyA, request("ExecuteStatement", "{\"Statement\":\"SELECT * FROM \\\"B\\\".\\\"byDate\\\" WHERE pk='1'\"}"),
        "PartiQLSelect", "arn:aws:dynamodb:us-east-1:123456789012:table/B/index/byDate");
    assertDenied(onlyA, request("BatchExecuteStatement", "{\"Statements\":[{\"Statement\":\"UPDATE A SET x=1 WHERE pk='1'\"},"
        + "{\"Statement\":\"update \\\"B\\\" set x=1 where pk='1'\"}]}"), "PartiQLUpdate", "arn:aws:dynamodb:us-east-1:123456789012:table/B");
    assertDenied(onlyA, request("ExecuteTransaction", "{\"TransactStatements\":[{\"Statement\":\"EXISTS(SELECT * FROM \\\"B\\\" WHERE pk='1')\"}]}"),
        "PartiQLSelect", "arn:aws:dynamodb:us-east-1:123456789012:table/B");
    assertAllowed(onlyA, request("ExecuteStatement", "{\"Statement\":\"SELECT \\\"from\\\" FROM \\\"A\\\" WHERE pk='from B'\"}"));
  }

  @Test
  void check_whenPartiQlTableUnreadable_needsEveryTable() {
    assertDenied(caller(rule(List.of("*"), "A")), request("ExecuteStatement", "{\"Statement\":\"GRANT ALL\"}"), "PartiQLSelect", "*");
    assertAllowed(caller(rule(List.of("*"), "*")), request("ExecuteStatement", "{\"Statement\":\"GRANT ALL\"}"));
  }

  @Test
  void check_whenTableMemberMissing_leavesTheValidationErrorToDynamoDb() {
    assertAllowed(caller(), request("GetItem", "{}"));
    assertAllowed(caller(), request("BatchGetItem", "{\"RequestItems\":[]}"));
  }

  @Test
  void check_whenTagResourceByArn_checksTheArnsTable() {
    assertDenied(caller(rule(List.of("*"), "A")),
        request("TagResource", "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/B\",\"Tags\":[]}"),
        "TagResource", "arn:aws:dynamodb:us-east-1:123456789012:table/B");
  }
}
