package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cache.serveStaleOnError}, end to end: a node in front of a {@link FaultInjectingProxy} in
 * front of dynalite, with a 1 s item TTL. While the proxy refuses connections, an eventually
 * consistent read of an item cached before is answered with it past its TTL, for no longer than the
 * grace time, and counted; a consistent read, a key never cached, a key whose entry a write through
 * the node dropped, and a key a write through the node replaced (whose old value must never come
 * back) are not answered from the old entry. With the option off, the error is returned.
 */
class ServeStaleOnErrorIT {

  private static final String TARGET = "DynamoDB_20120810.";
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration GRACE = Duration.ofSeconds(6);
  /** Short, so that the guard a write leaves on its key (request timeout + 1 s) is gone before the reads. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration GUARD_RETENTION = REQUEST_TIMEOUT.plusSeconds(1);

  @RegisterExtension static DynamoDbEmulatorExtension dynamo = new DynamoDbEmulatorExtension();

  private FaultInjectingProxy proxy;
  private AcceleratorFixture node;
  /** A write-through table, and one whose writes drop the cached entry; named per test, as dynalite outlives each. */
  private String table;
  private String dropping;

  private void start(String tables, String... settings) throws Exception {
    table = tables;
    dropping = tables + "Dropping";
    proxy = FaultInjectingProxy.start(dynamo.endpoint());
    String[] all = Arrays.copyOf(settings, settings.length + 1);
    all[settings.length] = "tables." + dropping + ".writeStrategy=invalidate";
    node = AcceleratorFixture.start(proxy.endpoint(), dynamo.emulator().region(), all);
    Differential.createTable(node, dynamo.endpoint(), Differential.hashTable(table, "pk", "S"));
    Differential.createTable(node, dynamo.endpoint(), Differential.hashTable(dropping, "pk", "S"));
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

  private HttpResponse<String> call(URI endpoint, String operation, String body) throws Exception {
    return node.call(endpoint, TARGET + operation, body);
  }

  private void putDirect(String table, String key, String value) throws Exception {
    HttpResponse<String> put = call(dynamo.endpoint(), "PutItem", item(table, key, value));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  private void putThroughNode(String table, String key, String value) throws Exception {
    HttpResponse<String> put = call(node.endpoint(), "PutItem", item(table, key, value));
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  private static String item(String table, String key, String value) {
    return "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"v\":{\"S\":\"" + value + "\"}}}";
  }

  private HttpResponse<String> get(String table, String key, boolean consistent) throws Exception {
    return call(node.endpoint(), "GetItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"" + key + "\"}}"
        + (consistent ? ",\"ConsistentRead\":true" : "") + "}");
  }

  private HttpResponse<String> batchGet(String... keys) throws Exception {
    StringBuilder list = new StringBuilder();
    for (String key : keys) {
      list.append(list.isEmpty() ? "" : ",").append("{\"pk\":{\"S\":\"").append(key).append("\"}}");
    }
    return call(node.endpoint(), "BatchGetItem", "{\"RequestItems\":{\"" + table + "\":{\"Keys\":[" + list + "]}}}");
  }

  private static void assertValue(HttpResponse<String> response, String value) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"v\":{\"S\":\"" + value + "\"}");
  }

  private static void assertUpstreamError(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isIn(500, 503);
    assertThat(response.body()).containsAnyOf("ServiceUnavailableException", "InternalServerError");
  }

  private static void awaitUntil(long nanoTime) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> System.nanoTime() - nanoTime > 0);
  }

  @Test
  void getItem_whenUpstreamDownAndOptionOn_servesExpiredEntriesWithinGraceOnlyAndCountsThem() throws Exception {
    start("StaleOn", "cache.itemTtl=" + TTL.toMillis() + "ms", "cache.serveStaleOnError=" + GRACE.toMillis() + "ms",
        "upstream.requestTimeout=" + REQUEST_TIMEOUT.toMillis() + "ms");
    long firstInstall = System.nanoTime();
    putDirect(table, "cached", "v1");
    putDirect(table, "replaced", "v1");
    putDirect(table, "other", "w1");
    putDirect(dropping, "dropped", "v1");
    putDirect(table, "never-cached", "v1");
    assertValue(get(table, "cached", false), "v1");
    assertValue(get(table, "replaced", false), "v1");
    assertValue(get(dropping, "dropped", false), "v1");
    assertValue(batchGet("other"), "w1");
    // Written through the node: "replaced" now holds v2 in the cache, "dropped" holds nothing.
    putThroughNode(table, "replaced", "v2");
    putThroughNode(dropping, "dropped", "v2");
    long lastInstall = System.nanoTime();
    assertThat(node.metric("dynaccel_stale_served_total")).isZero();

    proxy.refuseConnections();
    // Every TTL is over, and so is the guard each write left on its key.
    awaitUntil(lastInstall + Math.max(TTL.toNanos(), GUARD_RETENTION.toNanos()) + 200_000_000L);

    assertValue(get(table, "cached", false), "v1");
    assertThat(node.metric("dynaccel_stale_served_total")).isEqualTo(1);
    assertUpstreamError(get(table, "cached", true));
    assertUpstreamError(get(table, "never-cached", false));
    assertUpstreamError(get(dropping, "dropped", false));
    HttpResponse<String> replaced = get(table, "replaced", false);
    assertValue(replaced, "v2");
    assertThat(replaced.body()).doesNotContain("v1");
    HttpResponse<String> batch = batchGet("cached", "other");
    assertValue(batch, "v1");
    assertValue(batch, "w1");
    assertUpstreamError(batchGet("cached", "never-cached"));
    assertThat(node.metric("dynaccel_stale_served_total")).isEqualTo(4);
    assertThat(System.nanoTime() - firstInstall).as("the checks ran within the grace time").isLessThan(TTL.plus(GRACE).toNanos());

    awaitUntil(lastInstall + TTL.plus(GRACE).toNanos());
    assertUpstreamError(get(table, "cached", false));
    assertUpstreamError(get(table, "replaced", false));
    assertThat(node.metric("dynaccel_stale_served_total")).isEqualTo(4);

    proxy.acceptConnections();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> get(table, "cached", false).statusCode() == 200);
    assertValue(get(table, "replaced", false), "v2");
  }

  @Test
  void getItem_whenUpstreamDownAndOptionOff_returnsTheError() throws Exception {
    start("StaleOff", "cache.itemTtl=" + TTL.toMillis() + "ms", "upstream.requestTimeout=" + REQUEST_TIMEOUT.toMillis() + "ms");
    putDirect(table, "cached", "v1");
    assertValue(get(table, "cached", false), "v1");
    assertValue(get(table, "cached", false), "v1");
    long installed = System.nanoTime();

    proxy.refuseConnections();
    awaitUntil(installed + TTL.toNanos() + 200_000_000L);

    assertUpstreamError(get(table, "cached", false));
    assertUpstreamError(batchGet("cached"));
    assertThat(node.metric("dynaccel_stale_served_total")).isZero();
  }
}
