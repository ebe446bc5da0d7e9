package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.RawHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The admin listener's {@code /status} page in a real browser: Debian's Chromium, driven by
 * playwright-core ({@code src/test/browser/status-page.mjs}), opens it against a node under traffic
 * and checks that every chart is drawn and keeps updating, and that the configuration it shows holds
 * none of the node's secrets. The screenshot lands in {@code target/status-page.png}.
 */
class StatusPageIT {

  private static final String PRINCIPAL_SECRET = "status-page-principal-secret-8c1f";
  private static final String SESSION_TOKEN = "status-page-session-token-77ad";
  private static final String ADMIN_TOKEN = "status-page-admin-token-19e2";

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @TempDir Path dir;

  @Test
  void statusPage_inChromiumUnderTraffic_drawsUpdatingChartsAndShowsNoSecret() throws Exception {
    assumeFalse(Boolean.getBoolean("dynaccel.browser.skip"), "dynaccel.browser.skip is set: no Chromium installed for this run");
    Path browser = Path.of(System.getProperty("dynaccel.browser.dir", "src/test/browser")).toAbsolutePath();
    Path screenshot = Path.of(System.getProperty("dynaccel.status.screenshot", "target/status-page.png")).toAbsolutePath();
    Files.deleteIfExists(screenshot);
    Path config = configWithSecrets();

    try (DirectTable reads = DirectTable.create(upstream.emulator(), "StatusReads");
        DirectTable writes = DirectTable.create(upstream.emulator(), "StatusWrites");
        AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), config, "writeBack.logDir=" + dir.resolve("wal"),
            "admin.tokenFile=" + Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN))) {
      DynamoDbClient client = node.syncClient(node.endpoint());
      client.putItem(b -> b.tableName(reads.name()).item(Map.of("id", AttributeValue.fromS("present"), "n", AttributeValue.fromN("1"))));
      ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
      AtomicReference<Throwable> trafficFailure = new AtomicReference<>();
      AtomicInteger rounds = new AtomicInteger();
      // A round every 20 ms: GetItem hits and misses, a Query, and a write-back PutItem.
      traffic.scheduleWithFixedDelay(() -> {
        try {
          int round = rounds.incrementAndGet();
          client.getItem(b -> b.tableName(reads.name()).key(DirectTable.key("present")));
          client.getItem(b -> b.tableName(reads.name()).key(DirectTable.key("absent-" + round)));
          client.query(b -> b.tableName(reads.name()).keyConditionExpression("id = :id").expressionAttributeValues(Map.of(":id", AttributeValue.fromS("present"))));
          client.putItem(b -> b.tableName(writes.name()).item(Map.of("id", AttributeValue.fromS("w" + round % 50), "n", AttributeValue.fromN(Integer.toString(round)))));
        } catch (RuntimeException e) {
          trafficFailure.compareAndSet(null, e);
        }
      }, 0, 20, TimeUnit.MILLISECONDS);
      try {
        checkDataEndpoint(node);

        ProcessBuilder script = new ProcessBuilder("node", browser.resolve("status-page.mjs").toString(), node.adminEndpoint().toString(), screenshot.toString())
            .directory(browser.toFile())
            .redirectErrorStream(true);
        script.environment().put("STATUS_PAGE_TOKEN", ADMIN_TOKEN);
        script.environment().put("STATUS_PAGE_SECRETS", String.join("\n", PRINCIPAL_SECRET, SESSION_TOKEN, ADMIN_TOKEN));
        long started = System.nanoTime();
        Process process = script.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
          process.destroyForcibly();
        }
        String printed = output.get(10, TimeUnit.SECONDS);
        System.out.printf("status-page.mjs ran %d ms against %d traffic rounds:%n%s%n", (System.nanoTime() - started) / 1_000_000, rounds.get(), printed);

        assertThat(exited).as("status-page.mjs finished within 120 s").isTrue();
        assertThat(process.exitValue()).as("status-page.mjs exit code; it printed:%n%s", printed).isZero();
        assertThat(printed).contains("status page checks passed");
        assertThat(screenshot).exists();
        byte[] png = Files.readAllBytes(screenshot);
        System.out.printf("screenshot %s: %d bytes%n", screenshot, png.length);
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(png.length).as("screenshot bytes").isGreaterThan(20_000);
        assertThat(trafficFailure.get()).as("traffic errors").isNull();
      } finally {
        // No interrupt: a call cut off halfway would leave the node a request to wait for at close.
        traffic.shutdown();
        assertThat(traffic.awaitTermination(30, TimeUnit.SECONDS)).as("traffic stopped").isTrue();
      }
    }
  }

  /** The data sits behind the admin token like every admin route; the page's own files do not. */
  private static void checkDataEndpoint(AcceleratorFixture node) throws Exception {
    Answer without = RawHttp.send(node.adminEndpoint(), "GET", "/status.json", null);
    Answer page = RawHttp.send(node.adminEndpoint(), "GET", "/status", null);
    Answer licence = RawHttp.send(node.adminEndpoint(), "GET", "/status/vendor/uplot/LICENSE", null);
    assertThat(without.status()).isEqualTo(401);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("/status/vendor/uplot/uPlot.iife.min.js", "/status/status.js");
    assertThat(licence.status()).isEqualTo(200);
    assertThat(licence.text()).contains("MIT");
    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Answer data = RawHttp.send(node.adminEndpoint(), "GET", "/status.json", null, "Authorization", "Bearer " + ADMIN_TOKEN);
      assertThat(data.status()).isEqualTo(200);
      assertThat(data.text()).doesNotContain(PRINCIPAL_SECRET, SESSION_TOKEN, ADMIN_TOKEN);
      JsonObject status = new JsonObject(data.text());
      assertThat(status.getJsonObject("hits").getJsonObject("item").getDouble("hits")).isPositive();
      assertThat(status.getJsonObject("operations").getJsonObject("GetItem").getLong("count")).isPositive();
      assertThat(status.getJsonObject("writeBack").getDouble("acknowledged")).isPositive();
      assertThat(status.getJsonObject("cluster").getJsonArray("members")).hasSize(1);
      // Every figure a chart reads is there: a meter renamed on one side would leave a null (a flat, empty line).
      for (String section : List.of("hits", "cache", "outcomes", "writeBack")) {
        assertNoNullLeaf(section, status.getJsonObject(section));
      }
      assertThat(status.getJsonObject("operations").getJsonObject("GetItem").getValue("upstreamCount")).as("GetItem's upstream count").isNotNull();
    });
  }

  private static void assertNoNullLeaf(String path, JsonObject object) {
    assertThat(object).as(path).isNotNull();
    for (String field : object.fieldNames()) {
      Object value = object.getValue(field);
      assertThat(value).as(path + "." + field).isNotNull();
      if (value instanceof JsonObject nested) {
        assertNoNullLeaf(path + "." + field, nested);
      }
    }
  }

  /** A principal with a secret and a session token (auth stays off, so the traffic needs no signature). */
  private Path configWithSecrets() throws Exception {
    Path secret = Files.writeString(dir.resolve("app.secret"), PRINCIPAL_SECRET);
    Path token = Files.writeString(dir.resolve("app.token"), SESSION_TOKEN);
    return Files.writeString(dir.resolve("dynaccel.yaml"), """
        auth:
          principals:
            - name: app
              accessKeyId: AKIDSTATUSPAGE
              secretFile: %s
              sessionTokenFile: %s
              allow:
                - { operations: ["*"], tables: ["*"] }
        tables:
          StatusWrites: { writeStrategy: write-back }
        """.formatted(secret, token));
  }

  private static String readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
