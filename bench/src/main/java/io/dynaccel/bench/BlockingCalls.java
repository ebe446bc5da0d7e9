package io.dynaccel.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Sequential DynamoDB calls for a benchmark's set-up and final checks, where latency does not matter. */
final class BlockingCalls {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private BlockingCalls() {
  }

  /** Sends one call and returns the body of a 200 answer; any other answer is an error. */
  static String call(URI endpoint, String operation, String body) throws IOException, InterruptedException {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(operation + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer.body();
  }

  /** Creates a table with a string hash key {@code pk} and waits until it is ACTIVE. */
  static void createTable(URI endpoint, String table) throws IOException, InterruptedException {
    call(endpoint, "CreateTable", "{\"TableName\":\"" + table + "\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!call(endpoint, "DescribeTable", "{\"TableName\":\"" + table + "\"}").contains("\"ACTIVE\"")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("table " + table + " did not become ACTIVE");
      }
    }
  }

  /**
   * Reads one number attribute of each key's item with consistent BatchGetItem calls, straight from
   * DynamoDB; keys without an item are left out.
   *
   * @param attribute the name of the number attribute to read, by key
   */
  static Map<String, Long> consistentNumbers(URI endpoint, String table, List<String> keys, Function<String, String> attribute)
      throws IOException, InterruptedException {
    Map<String, Long> values = new HashMap<>();
    for (int from = 0; from < keys.size(); from += 100) {
      List<String> pending = keys.subList(from, Math.min(keys.size(), from + 100));
      while (!pending.isEmpty()) {
        JsonArray request = new JsonArray();
        pending.forEach(key -> request.add(new JsonObject().put("pk", new JsonObject().put("S", key))));
        JsonObject answer = new JsonObject(call(endpoint, "BatchGetItem", new JsonObject().put("RequestItems",
            new JsonObject().put(table, new JsonObject().put("Keys", request).put("ConsistentRead", true))).encode()));
        JsonArray items = answer.getJsonObject("Responses").getJsonArray(table);
        for (int i = 0; i < items.size(); i++) {
          JsonObject item = items.getJsonObject(i);
          String key = item.getJsonObject("pk").getString("S");
          values.put(key, Long.parseLong(item.getJsonObject(attribute.apply(key)).getString("N")));
        }
        JsonObject unprocessed = answer.getJsonObject("UnprocessedKeys", new JsonObject()).getJsonObject(table);
        pending = unprocessed == null ? List.of()
            : unprocessed.getJsonArray("Keys").stream().map(k -> ((JsonObject) k).getJsonObject("pk").getString("S")).toList();
      }
    }
    return values;
  }
}
