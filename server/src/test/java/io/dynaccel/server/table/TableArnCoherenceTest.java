package io.dynaccel.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * A table's own ARN shares the cache with its plain name, coherently both ways, once the upstream
 * accepted it; another account's ARN of the same name is never served from the cache. dynalite
 * rejects ARNs, so the upstream here is a fake one table deep that accepts them as DynamoDB does.
 */
class TableArnCoherenceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";
  private static final String FOREIGN = "arn:aws:dynamodb:us-east-1:999999999999:table/Orders";

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, String> values = new ConcurrentHashMap<>(Map.of(ARN, "old", FOREIGN, "foreign"));
  private final HttpClient http = HttpClient.newHttpClient();
  private DynaccelServer server;

  @BeforeEach
  void start() throws Exception {
    HttpServer upstream = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String operation = request.getHeader("X-Amz-Target").substring("DynamoDB_20120810.".length());
      JsonNode json = readTree(body.toString());
      String spelling = json.path("TableName").asText(json.path("RequestItems").fieldNames().hasNext() ? json.path("RequestItems").fieldNames().next() : "");
      calls.computeIfAbsent(operation + " " + spelling, k -> new AtomicInteger()).incrementAndGet();
      // The plain name and its own ARN are one table here; another account's ARN is another table.
      String table = spelling.equals("Orders") ? ARN : spelling;
      request.response().end(switch (operation) {
        case "DescribeTable" -> "{\"Table\":{\"TableName\":\"Orders\",\"TableArn\":\"" + ARN + "\",\"TableId\":\"t1\",\"CreationDateTime\":1.7E9,"
            + "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"}]}}";
        case "GetItem" -> "{\"Item\":" + item(values.get(table)) + "}";
        case "BatchGetItem" -> "{\"Responses\":{\"" + spelling + "\":[" + item(values.get(table)) + "]},\"UnprocessedKeys\":{}}";
        case "PutItem" -> {
          values.put(table, json.path("Item").path("v").path("S").asText());
          yield "{}";
        }
        default -> "{}";
      });
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

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String item(String value) {
    return "{\"id\":{\"S\":\"a\"},\"v\":{\"S\":\"" + value + "\"}}";
  }

  private String call(String operation, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private String valueRead(String spelling) throws Exception {
    return readTree(call("GetItem", "{\"TableName\":\"" + spelling + "\",\"Key\":{\"id\":{\"S\":\"a\"}}}")).path("Item").path("v").path("S").asText();
  }

  private void put(String spelling, String value) throws Exception {
    call("PutItem", "{\"TableName\":\"" + spelling + "\",\"Item\":" + item(value) + "}");
  }

  private int upstreamCalls(String operation, String spelling) {
    return calls.getOrDefault(operation + " " + spelling, new AtomicInteger()).get();
  }

  @Test
  void ownArn_whenAcceptedOnce_sharesTheCacheWithThePlainName() throws Exception {
    assertThat(valueRead("Orders")).isEqualTo("old");
    assertThat(valueRead(ARN)).isEqualTo("old");
    assertThat(valueRead(ARN)).isEqualTo("old");
    assertThat(valueRead("Orders")).isEqualTo("old");

    assertThat(upstreamCalls("GetItem", "Orders")).isEqualTo(1);
    // The first ARN read asks DynamoDB, which accepts the spelling; the second is a cache hit.
    assertThat(upstreamCalls("GetItem", ARN)).isEqualTo(1);
  }

  @Test
  void ownArn_whenWrittenThroughOneSpelling_isSeenThroughTheOther() throws Exception {
    valueRead("Orders");
    valueRead(ARN);

    put(ARN, "through-arn");
    assertThat(valueRead("Orders")).isEqualTo("through-arn");
    put("Orders", "through-name");
    assertThat(valueRead(ARN)).isEqualTo("through-name");
    String batch = call("BatchGetItem", "{\"RequestItems\":{\"" + ARN + "\":{\"Keys\":[{\"id\":{\"S\":\"a\"}}]}}}");
    assertThat(readTree(batch).path("Responses").path(ARN).path(0).path("v").path("S").asText()).isEqualTo("through-name");

    // Write-through: every read after the first two was answered by the cache.
    assertThat(upstreamCalls("GetItem", "Orders") + upstreamCalls("GetItem", ARN)).isEqualTo(2);
    assertThat(upstreamCalls("BatchGetItem", ARN)).isZero();
  }

  @Test
  void foreignArn_whenReadAgain_isNeverServedFromTheCache() throws Exception {
    valueRead("Orders");

    assertThat(valueRead(FOREIGN)).isEqualTo("foreign");
    assertThat(valueRead(FOREIGN)).isEqualTo("foreign");
    put(FOREIGN, "foreign-2");

    assertThat(valueRead("Orders")).isEqualTo("old");
    assertThat(valueRead(FOREIGN)).isEqualTo("foreign-2");
    assertThat(upstreamCalls("GetItem", FOREIGN)).isEqualTo(3);
  }
}
