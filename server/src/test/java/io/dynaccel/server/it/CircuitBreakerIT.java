package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The circuit breaker on the upstream, end to end: a node in front of a {@link DelayingProxy} that
 * can hold every answer (DynamoDB accepts connections but never answers, the slowest way to fail).
 * The first calls wait out the 5 s request timeout and open the breaker; from then on every call
 * fails at once with DynamoDB's {@code ServiceUnavailableException} (503), well under the timeout;
 * once answers flow again, the breaker goes half-open, lets one call through and closes.
 */
class CircuitBreakerIT {

  private static final String TABLE = "Breaker";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final int THRESHOLD = 3;
  private static final Duration RESET_TIMEOUT = Duration.ofSeconds(3);
  /** A failed-fast call's bound: no upstream I/O at all, only the node's own work and the loopback. */
  private static final Duration FAST = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static ProxiedAccelerator node;
  private static DynamoDbClient direct;

  @BeforeAll
  static void start() throws Exception {
    node = ProxiedAccelerator.start(upstream.emulator(), "upstream.requestTimeout=" + REQUEST_TIMEOUT.toMillis() + "ms",
        "breaker.failureThreshold=" + THRESHOLD, "breaker.resetTimeout=" + RESET_TIMEOUT.toMillis() + "ms");
    direct = node.syncClient(upstream.endpoint(), Duration.ofSeconds(20));
    ProxiedAccelerator.createTable(direct, TABLE);
    direct.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("k"), "v", AttributeValue.fromS("v1"))));
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.proxy().releaseResponses();
      node.close();
    }
  }

  /** A consistent read, which always goes to DynamoDB, as a raw call to see status and body exactly. */
  private static HttpResponse<String> read() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(node.endpoint())
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810.GetItem")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"k\"}},\"ConsistentRead\":true}"))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static double transitions(String to) {
    return node.server().metrics().scrape().lines()
        .filter(line -> line.startsWith("dynaccel_upstream_circuit_transitions_total{") && line.contains("to=\"" + to + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void calls_whileDynamoDbDoesNotAnswer_failFastOnceTheBreakerOpens_andSucceedAfterItCloses() throws Exception {
    assertThat(read().statusCode()).isEqualTo(200);
    assertThat(node.metric("dynaccel_upstream_circuit_state")).isZero();
    assertThat(transitions("open")).isZero();

    node.proxy().holdResponses();
    long held = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
    for (int i = 0; i < THRESHOLD; i++) {
      slow.add(CompletableFuture.supplyAsync(() -> {
        try {
          return read();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (CompletableFuture<HttpResponse<String>> call : slow) {
      HttpResponse<String> timedOut = call.get(30, TimeUnit.SECONDS);
      assertThat(timedOut.statusCode()).as(timedOut.body()).isEqualTo(500);
      assertThat(timedOut.body()).contains("InternalServerError").contains("did not answer within");
    }
    long slowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - held);
    assertThat(Duration.ofMillis(slowMillis)).isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(100));
    await().atMost(Duration.ofSeconds(2)).until(() -> node.metric("dynaccel_upstream_circuit_state") == 2);
    assertThat(transitions("open")).isGreaterThanOrEqualTo(1);

    long slowestFast = 0;
    for (int i = 0; i < 10; i++) {
      long begin = System.nanoTime();
      HttpResponse<String> fast = read();
      long elapsed = System.nanoTime() - begin;
      slowestFast = Math.max(slowestFast, elapsed);
      assertThat(fast.statusCode()).as(fast.body()).isEqualTo(503);
      JsonNode body = JSON.readTree(fast.body());
      assertThat(body.path("__type").asText()).isEqualTo("com.amazon.coral.service#ServiceUnavailableException");
      assertThat(body.path("message").asText()).contains("circuit breaker is open");
      if (node.metric("dynaccel_upstream_circuit_state") != 2) {
        break; // half-open already: the rest of the loop would be the trial call, not a fast failure
      }
    }
    assertThat(Duration.ofNanos(slowestFast)).isLessThan(FAST);

    node.proxy().releaseResponses();
    long released = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> read().statusCode() == 200);
    long closedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);

    assertThat(node.metric("dynaccel_upstream_circuit_state")).isZero();
    assertThat(transitions("half_open")).isGreaterThanOrEqualTo(1);
    assertThat(transitions("closed")).isGreaterThanOrEqualTo(1);
    for (int i = 0; i < 5; i++) {
      assertThat(read().statusCode()).isEqualTo(200);
    }
    System.out.printf("CircuitBreakerIT: %d calls timed out after %d ms (request timeout %d ms) and opened the breaker; "
            + "failed-fast calls took at most %.1f ms (503 ServiceUnavailableException); first success %d ms after answers flowed again; "
            + "transitions open=%.0f half_open=%.0f closed=%.0f%n",
        THRESHOLD, slowMillis, REQUEST_TIMEOUT.toMillis(), slowestFast / 1e6, closedMillis,
        transitions("open"), transitions("half_open"), transitions("closed"));
  }
}
