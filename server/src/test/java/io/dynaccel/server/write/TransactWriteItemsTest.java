package io.dynaccel.server.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.server.DynaccelServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** TransactWriteItems and PartiQL writes against a fake upstream (dynalite implements neither). */
class TransactWriteItemsTest {

  private static final String ITEM = "{\"Item\":{\"id\":{\"S\":\"a\"},\"v\":{\"S\":\"old\"}}}";
  private static final String GET = "{\"TableName\":\"Orders\",\"Key\":{\"id\":{\"S\":\"a\"}}}";
  private static final String TRANSACT = "{\"TransactItems\":[{\"Update\":{\"TableName\":\"Orders\",\"Key\":{\"id\":{\"S\":\"a\"}},"
      + "\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"new\"}}}}]}";

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, String[]> answers = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private DynaccelServer server;

  @BeforeEach
  void start() throws Exception {
    answers.put("DescribeTable", new String[] {"200", "{\"Table\":{\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
        + "\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}]}}"});
    answers.put("GetItem", new String[] {"200", ITEM});
    HttpServer upstream = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String operation = request.getHeader("X-Amz-Target").substring("DynamoDB_20120810.".length());
      calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
      String[] answer = answers.getOrDefault(operation, new String[] {"200", "{}"});
      request.response().setStatusCode(Integer.parseInt(answer[0])).end(answer[1]);
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    var config = ConfigLoader.load(new String[] {"--port", "0", "--instances", "1", "--host", "127.0.0.1",
        "--upstream", "http://127.0.0.1:" + upstream.actualPort(), "--region", "us-east-1", "--set", "admin.port=0"}, Map.of());
    server = DynaccelServer.start(config, StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> call(String operation, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private int getItemCalls() {
    return calls.getOrDefault("GetItem", new AtomicInteger()).get();
  }

  @Test
  void transactWriteItems_whenSucceeded_invalidatesNamedKeys() throws Exception {
    call("GetItem", GET);
    call("GetItem", GET);
    assertThat(getItemCalls()).isEqualTo(1);

    assertThat(call("TransactWriteItems", TRANSACT).statusCode()).isEqualTo(200);
    answers.put("GetItem", new String[] {"200", "{\"Item\":{\"id\":{\"S\":\"a\"},\"v\":{\"S\":\"new\"}}}"});

    assertThat(call("GetItem", GET).body()).contains("new");
    assertThat(getItemCalls()).isEqualTo(2);
  }

  @Test
  void transactWriteItems_whenCanceled_leavesCacheUntouched() throws Exception {
    call("GetItem", GET);
    answers.put("TransactWriteItems", new String[] {"400", "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
        + "\"message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]\"}"});

    HttpResponse<String> answer = call("TransactWriteItems", TRANSACT);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("TransactionCanceledException");
    assertThat(call("GetItem", GET).body()).contains("old");
    assertThat(getItemCalls()).isEqualTo(1);
  }

  @Test
  void transactWriteItems_whenUpstreamFaults_invalidatesKey() throws Exception {
    call("GetItem", GET);
    answers.put("TransactWriteItems", new String[] {"500", "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"boom\"}"});

    assertThat(call("TransactWriteItems", TRANSACT).statusCode()).isEqualTo(500);

    call("GetItem", GET);
    assertThat(getItemCalls()).isEqualTo(2);
  }

  @Test
  void executeStatement_whenUpdate_dropsTableItems() throws Exception {
    call("GetItem", GET);

    call("ExecuteStatement", "{\"Statement\":\"UPDATE \\\"Orders\\\" SET v = 'new' WHERE id = 'a'\"}");
    call("GetItem", GET);
    call("ExecuteStatement", "{\"Statement\":\"SELECT * FROM \\\"Orders\\\"\"}");
    call("GetItem", GET);

    assertThat(getItemCalls()).isEqualTo(2);
  }
}
