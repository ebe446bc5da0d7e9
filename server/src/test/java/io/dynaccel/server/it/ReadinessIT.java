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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Readiness follows DynamoDB: a node in front of a {@link FaultInjectingProxy} in front of dynalite,
 * with the default health settings (probe every 1 s, ready only if DynamoDB answered within 3 s) and
 * breaker (opens after 5 failures, half-open after 2 s). Stopping the proxy takes {@code /health/ready}
 * (and its alias {@code /health}) to 503 within seconds while {@code /health/live} stays 200; starting
 * it again brings ready back as soon as DynamoDB answers, through the breaker's half-open probe.
 */
class ReadinessIT {

  /** The upstream window (3 s) plus a probe interval and scheduling slack on a 2-core machine. */
  private static final Duration DOWN_WITHIN = Duration.ofSeconds(6);
  /** The breaker's reset timeout (2 s) plus a probe interval and slack. */
  private static final Duration UP_WITHIN = Duration.ofSeconds(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static DynamoDbEmulatorExtension dynamo = new DynamoDbEmulatorExtension();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FaultInjectingProxy proxy;
  private AcceleratorFixture node;

  @BeforeEach
  void start() throws Exception {
    proxy = FaultInjectingProxy.start(dynamo.endpoint());
    node = AcceleratorFixture.start(proxy.endpoint(), dynamo.emulator().region());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (proxy != null) {
        proxy.close();
      }
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(node.endpoint().resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private int status(String path) throws Exception {
    return get(path).statusCode();
  }

  @Test
  void ready_whenUpstreamStoppedAndRestarted_goesDownAndComesBackWhileLiveStaysUp() throws Exception {
    await().atMost(Duration.ofSeconds(5)).until(() -> status("/health/ready") == 200);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("UP");
    assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(status("/health/live")).isEqualTo(200);
    assertThat(get("/health").body()).contains("\"status\":\"UP\"");

    proxy.refuseConnections();
    long stopped = System.nanoTime();
    await().atMost(DOWN_WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> status("/health/ready") == 503);
    long wentDown = System.nanoTime();

    HttpResponse<String> notReady = get("/health/ready");
    JsonNode reason = JSON.readTree(notReady.body());
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(reason.path("status").asText()).isEqualTo("DOWN");
    assertThat(reason.path("failed").toString()).isEqualTo("[\"upstream\"]");
    assertThat(reason.path("upstream").path("lastAnswerMillisAgo").asLong()).isGreaterThan(3_000);
    assertThat(status("/health")).isEqualTo(503);
    assertThat(status("/health/live")).isEqualTo(200);
    // Left down long enough for the idle node's probes to open the breaker: recovery must pass half-open.
    await().atMost(Duration.ofSeconds(15)).until(() -> node.metric("dynaccel_upstream_circuit_state") == 2);
    assertThat(status("/health/ready")).isEqualTo(503);

    proxy.acceptConnections();
    long restarted = System.nanoTime();
    await().atMost(UP_WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> status("/health/ready") == 200);
    long cameBack = System.nanoTime();

    System.out.printf("ReadinessIT: ready 503 %d ms after the upstream stopped; 200 again %d ms after it restarted%n",
        TimeUnit.NANOSECONDS.toMillis(wentDown - stopped), TimeUnit.NANOSECONDS.toMillis(cameBack - restarted));
    assertThat(Duration.ofNanos(wentDown - stopped)).isLessThan(DOWN_WITHIN);
    assertThat(Duration.ofNanos(cameBack - restarted)).isLessThan(UP_WITHIN);
    assertThat(status("/health")).isEqualTo(200);
    assertThat(status("/health/live")).isEqualTo(200);
    assertThat(node.metric("dynaccel_upstream_circuit_state")).isZero();
  }

  @Test
  void healthPaths_whenAskedWithOtherPaths_leaveTheApiToAnswerAsDynamoDbDoes() throws Exception {
    HttpResponse<String> other = get("/health/other");

    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).startsWith("healthy: dynamodb.");
  }
}
