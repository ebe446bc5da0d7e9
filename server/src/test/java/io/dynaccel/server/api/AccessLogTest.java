package io.dynaccel.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void listen() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(lines);
  }

  @Test
  void record_whenCallAnswered_logsOperationTableStatusLatencyAndCache() {
    AccessLog.of(true).record("GetItem", request("{\"TableName\":\"Orders\",\"Key\":{\"pk\":{\"S\":\"customer-42\"}}}"),
        200, null, CacheOutcome.HIT, 1_234_567);

    assertThat(lines.list).singleElement().satisfies(line -> {
      assertThat(line.getFormattedMessage()).isEqualTo("operation=GetItem table=Orders status=200 latencyMs=1.235 cache=hit");
      assertThat(line.getKeyValuePairs()).extracting(kv -> kv.key + "=" + kv.value)
          .containsExactly("operation=GetItem", "table=Orders", "status=200", "latencyMs=1.235", "cache=hit");
    });
  }

  @Test
  void record_whenCallCarriesItemsAndExpressions_logsNoneOfTheirValues() {
    AccessLog.of(true).record("PutItem", request("{\"TableName\":\"Orders\",\"Item\":{\"pk\":{\"S\":\"customer-42\"},"
            + "\"card\":{\"S\":\"4111-1111\"}},\"ConditionExpression\":\"card <> :c\",\"ExpressionAttributeValues\":{\":c\":{\"S\":\"s3cret\"}}}"),
        400, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", CacheOutcome.NONE, 2_000_000);

    String line = lines.list.get(0).getFormattedMessage();
    assertThat(line).isEqualTo("operation=PutItem table=Orders status=400 latencyMs=2.0 cache=none error=ConditionalCheckFailedException");
    assertThat(line).doesNotContain("customer-42").doesNotContain("4111").doesNotContain("s3cret").doesNotContain("card");
  }

  @Test
  void record_whenNotDecoded_logsUnknownWithoutTable() {
    AccessLog.of(true).record("Unknown", null, 413, null, CacheOutcome.NONE, 10_000);

    assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("operation=Unknown table=- status=413 latencyMs=0.01 cache=none");
  }

  @Test
  void of_whenDisabled_isOffAndLogsNothingThroughTheEndpoint() {
    assertThat(AccessLog.of(false)).isSameAs(AccessLog.OFF);
    assertThat(AccessLog.OFF.enabled()).isFalse();
    assertThat(AccessLog.of(true).enabled()).isTrue();
  }

  @Test
  void tables_whenBatchOrTransaction_namesEachTableOnce() {
    assertThat(AccessLog.tables(json("{\"RequestItems\":{\"Orders\":{\"Keys\":[]},\"Users\":{\"Keys\":[]}}}")))
        .isEqualTo("Orders,Users");
    assertThat(AccessLog.tables(json("{\"TransactItems\":[{\"Put\":{\"TableName\":\"Orders\",\"Item\":{}}},"
        + "{\"ConditionCheck\":{\"TableName\":\"Users\"}},{\"Delete\":{\"TableName\":\"Orders\"}}]}"))).isEqualTo("Orders,Users");
    assertThat(AccessLog.tables(json("{\"Statement\":\"SELECT * FROM Orders WHERE pk = 'secret'\"}"))).isEqualTo("-");
    assertThat(AccessLog.tables(json("{\"TableName\":\"arn:aws:dynamodb:us-east-1:000000000000:table/Orders\"}")))
        .isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/Orders");
  }

  @Test
  void tables_whenNameIsNotATableName_writesInvalidRatherThanTheText() {
    assertThat(AccessLog.tables(json("{\"TableName\":\"Orders status=200\\noperation=Forged\"}"))).isEqualTo("(invalid)");
    assertThat(AccessLog.tables(json("{\"TableName\":{\"S\":\"x\"}}"))).isEqualTo("(invalid)");
  }

  private static ApiRequest request(String body) {
    return new ApiRequest("Any", Buffer.buffer(body), json(body));
  }

  private static ObjectNode json(String body) {
    return (ObjectNode) JsonCodec.read(body.getBytes(StandardCharsets.UTF_8));
  }
}
