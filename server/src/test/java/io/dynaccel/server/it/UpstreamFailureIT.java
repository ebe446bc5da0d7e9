package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Contract 3 and fail-fast behaviour: while DynamoDB is down or does not answer, calls through the
 * node get DynamoDB-shaped 5xx errors within the request timeout and the node stays up; once
 * DynamoDB is back, calls succeed again and the node answers what DynamoDB holds.
 */
class UpstreamFailureIT {

  private static final String TABLE = "Failures";
  private static final int KEYS = 6;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  /** What a failing call may take beyond the request timeout (scheduling, a 2-core machine). */
  private static final Duration SLACK = Duration.ofMillis(1_500);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static ProxiedAccelerator node;
  private static DynamoDbClient client;
  private static DynamoDbClient direct;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    node = ProxiedAccelerator.start(upstream.emulator(), "upstream.requestTimeout=" + REQUEST_TIMEOUT.toMillis() + "ms");
    client = node.syncClient(node.endpoint(), Duration.ofSeconds(20));
    direct = node.syncClient(upstream.endpoint(), Duration.ofSeconds(20));
    ProxiedAccelerator.createTable(direct, TABLE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  private static Map<String, AttributeValue> keyOf(String key) {
    return Map.of("pk", AttributeValue.fromS(key));
  }

  private static Map<String, AttributeValue> item(String key, String value) {
    return Map.of("pk", AttributeValue.fromS(key), "v", AttributeValue.fromS(value));
  }

  private static String stored(String key) {
    Map<String, AttributeValue> item = direct.getItem(b -> b.tableName(TABLE).key(keyOf(key)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? null : item.get("v").s();
  }

  private static String cachedView(String key) {
    Map<String, AttributeValue> item = client.getItem(b -> b.tableName(TABLE).key(keyOf(key))).item();
    return item == null || item.isEmpty() ? null : item.get("v").s();
  }

  /** A raw API call through the node, to see status and body exactly. */
  private static HttpResponse<String> call(String operation, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(node.endpoint())
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int health() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(node.endpoint().resolve("/health")).timeout(Duration.ofSeconds(5)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  /** Asserts a DynamoDB-shaped server error, and returns its __type. */
  private static String assertServerError(HttpResponse<String> response, long elapsedNanos) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isIn(500, 503);
    JsonNode body = JSON.readTree(response.body());
    String type = body.path("__type").asText();
    assertThat(type).as(response.body()).containsAnyOf("InternalServerError", "ServiceUnavailable");
    String message = body.has("message") ? body.path("message").asText() : body.path("Message").asText();
    assertThat(message).as(response.body()).isNotBlank();
    assertThat(Duration.ofNanos(elapsedNanos)).as("time to fail").isLessThan(REQUEST_TIMEOUT.plus(SLACK));
    return type;
  }

  @Test
  void calls_whileUpstreamIsStoppedAndRestarted_failFastWith5xx_thenRecoverWithDynamoDbsValues() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      String key = "k" + i;
      direct.putItem(b -> b.tableName(TABLE).item(item(key, "seed")));
      assertThat(cachedView(key)).isEqualTo("seed");
    }

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong slowest = new AtomicLong();
    AtomicLong writeSeq = new AtomicLong();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    ExecutorService traffic = Executors.newFixedThreadPool(4);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      workers.add(traffic.submit(() -> {
        while (running.get()) {
          String key = "k" + ThreadLocalRandom.current().nextInt(KEYS);
          long begin = System.nanoTime();
          try {
            if (ThreadLocalRandom.current().nextBoolean()) {
              client.putItem(b -> b.tableName(TABLE).item(item(key, "t-" + writeSeq.incrementAndGet())));
            } else {
              client.getItem(b -> b.tableName(TABLE).key(keyOf(key)));
            }
            ok.incrementAndGet();
          } catch (DynamoDbException e) {
            failed.incrementAndGet();
            String code = e.awsErrorDetails() == null ? "?" : e.awsErrorDetails().errorCode();
            if (e.statusCode() < 500 || !(code.contains("InternalServerError") || code.contains("ServiceUnavailable"))) {
              unexpected.add(e.statusCode() + " " + code + ": " + e.getMessage());
            }
          } catch (RuntimeException e) {
            unexpected.add(e.toString());
          }
          slowest.accumulateAndGet(System.nanoTime() - begin, Math::max);
        }
      }));
    }
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);

      long stoppedAt = System.nanoTime();
      upstream.emulator().stop();
      assertThat(upstream.emulator().isRunning()).isFalse();

      long begin = System.nanoTime();
      HttpResponse<String> put = call("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"k0\"},\"v\":{\"S\":\"while-down\"}}}");
      String putType = assertServerError(put, System.nanoTime() - begin);
      begin = System.nanoTime();
      HttpResponse<String> miss = call("GetItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"never-cached\"}}}");
      String missType = assertServerError(miss, System.nanoTime() - begin);
      begin = System.nanoTime();
      HttpResponse<String> consistent = call("GetItem", "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"pk\":{\"S\":\"k1\"}},\"ConsistentRead\":true}");
      assertServerError(consistent, System.nanoTime() - begin);
      long failedBefore = failed.get();
      await().atMost(Duration.ofSeconds(15)).until(() -> failed.get() > failedBefore + 20);
      // Readiness follows DynamoDB: down within the upstream window, while the node stays up.
      await().atMost(Duration.ofSeconds(10)).until(() -> health() == 503);

      long startCalled = System.nanoTime();
      upstream.emulator().start();
      long startReturned = System.nanoTime();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
          .until(() -> call("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"probe\"},\"v\":{\"S\":\"back\"}}}").statusCode() == 200);
      long recovered = System.nanoTime();
      long okBefore = ok.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > okBefore + 50);
      await().atMost(Duration.ofSeconds(5)).until(() -> health() == 200);
      running.set(false);
      for (Future<?> worker : workers) {
        worker.get(30, TimeUnit.SECONDS);
      }

      System.out.printf(
          "UpstreamFailureIT: traffic %d ok, %d failed; while down PutItem -> %d %s, uncached GetItem -> %d %s; slowest call %d ms; "
              + "downtime %d ms; emulator start() took %d ms; first success %d ms after start() returned%n",
          ok.get(), failed.get(), put.statusCode(), putType, miss.statusCode(), missType,
          TimeUnit.NANOSECONDS.toMillis(slowest.get()), TimeUnit.NANOSECONDS.toMillis(startReturned - stoppedAt),
          TimeUnit.NANOSECONDS.toMillis(startReturned - startCalled), TimeUnit.NANOSECONDS.toMillis(recovered - startReturned));
      assertThat(unexpected).isEmpty();
      assertThat(Duration.ofNanos(slowest.get())).isLessThan(REQUEST_TIMEOUT.plus(SLACK));
      assertThat(Duration.ofNanos(recovered - startReturned)).isLessThan(Duration.ofSeconds(5));

      // After recovery the node answers what DynamoDB holds, now and after the quarantine of
      // writes of unknown outcome has passed.
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < KEYS; i++) {
          String key = "k" + i;
          assertThat(cachedView(key)).as(key).isEqualTo(stored(key));
        }
        assertThat(cachedView("never-cached")).isNull();
        long quarantineOver = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(2).toNanos();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - quarantineOver > 0);
      }
    } finally {
      running.set(false);
      traffic.shutdownNow();
      if (!upstream.emulator().isRunning()) {
        upstream.emulator().start();
      }
    }
  }

  @Test
  void write_whoseAnswerIsLostAfterDynamoDbAppliedIt_timesOutAndLeavesNoOldValueInCache() throws Exception {
    direct.putItem(b -> b.tableName(TABLE).item(item("held", "v1")));
    assertThat(cachedView("held")).isEqualTo("v1");
    assertThat(cachedView("held")).isEqualTo("v1");

    node.proxy().holdResponses();
    HttpResponse<String> put;
    long elapsed;
    try {
      long begin = System.nanoTime();
      put = call("PutItem", "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"held\"},\"v\":{\"S\":\"v2\"}}}");
      elapsed = System.nanoTime() - begin;
    } finally {
      node.proxy().releaseResponses();
    }

    String type = assertServerError(put, elapsed);
    assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(REQUEST_TIMEOUT.minusMillis(100));
    System.out.printf("UpstreamFailureIT: held PutItem -> %d %s after %d ms: %s%n", put.statusCode(), type,
        TimeUnit.NANOSECONDS.toMillis(elapsed), put.body());
    assertThat(stored("held")).isEqualTo("v2");
    assertThat(cachedView("held")).isEqualTo("v2");
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
        .until(() -> "v2".equals(cachedView("held")));
  }
}
