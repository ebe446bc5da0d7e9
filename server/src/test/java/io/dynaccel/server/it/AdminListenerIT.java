package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.config.ConfigException;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.it.RawHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator endpoints live on the admin listener, a port of their own bound to loopback: there
 * they work, with a bearer token when one is configured; on the API port they are API paths like
 * any other and get DynamoDB's answers (so the API exposes no purge and no metrics).
 */
class AdminListenerIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @TempDir Path dir;

  @Test
  void cluster_whenNodeRunsAlone_listsItselfAsTheOneMemberOwningEverything() throws Exception {
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator())) {
      Answer answer = RawHttp.send(node.adminEndpoint(), "GET", "/cluster", null);

      assertThat(answer.status()).isEqualTo(200);
      JsonObject cluster = new JsonObject(answer.text());
      assertThat(cluster.getBoolean("clustered")).isFalse();
      assertThat(cluster.getBoolean("quorum")).isTrue();
      assertThat(cluster.getInteger("partitions")).isEqualTo(Partitions.COUNT);
      JsonArray members = cluster.getJsonArray("members");
      assertThat(members).hasSize(1);
      assertThat(members.getJsonObject(0).getString("id")).isEqualTo(cluster.getString("memberId"));
      assertThat(members.getJsonObject(0).getString("endpoint")).isEqualTo(node.endpoint().toString());
      assertThat(members.getJsonObject(0).getInteger("ownedPartitions")).isEqualTo(Partitions.COUNT);
      assertThat(cluster.getJsonArray("owned")).hasSize(Partitions.COUNT);
    }
  }

  @Test
  void adminEndpoints_onAdminPort_purgeFlushAndScrape() throws Exception {
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator())) {
      assertThat(node.server().adminPort()).isNotEqualTo(node.server().port());

      Answer items = RawHttp.send(node.adminEndpoint(), "DELETE", "/admin/item-cache", null);
      Answer queries = RawHttp.send(node.adminEndpoint(), "DELETE", "/admin/query-cache/Orders", null);
      Answer flush = RawHttp.send(node.adminEndpoint(), "POST", "/admin/write-back/flush", null);
      Answer metrics = RawHttp.send(node.adminEndpoint(), "GET", "/metrics", null);
      Answer health = RawHttp.send(node.adminEndpoint(), "GET", "/health", null);

      assertThat(items.status()).isEqualTo(200);
      assertThat(items.text()).isEqualTo("{\"cache\":\"item\",\"dropped\":\"*\",\"members\":1,\"answered\":1}");
      assertThat(queries.text()).isEqualTo("{\"cache\":\"query\",\"dropped\":\"Orders\",\"members\":1,\"answered\":1}");
      assertThat(flush.text()).isEqualTo("{\"flushed\":true}");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).contains("dynaccel_connections_open", "dynaccel_connections_refused_total{reason=\"max_connections_per_client\"}");
      assertThat(health.status()).isEqualTo(200);
    }
  }

  @Test
  void adminEndpoints_onApiPort_getTheApiAnswersOfAnyOtherPath() throws Exception {
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator())) {
      Answer purge = RawHttp.send(node.endpoint(), "DELETE", "/admin/item-cache", null);
      Answer flush = RawHttp.send(node.endpoint(), "POST", "/admin/write-back/flush", null);
      Answer metrics = RawHttp.send(node.endpoint(), "GET", "/metrics", null);

      // DynamoDB answers other methods with a bare 404, and GET on any path with its health line.
      assertThat(purge.status()).isEqualTo(404);
      assertThat(purge.text()).isEqualTo("<UnknownOperationException/>\n");
      assertThat(flush.status()).isEqualTo(400);
      assertThat(flush.text()).doesNotContain("flushed");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).startsWith("healthy: dynamodb.").doesNotContain("dynaccel_");
    }
  }

  @Test
  void adminEndpoints_withToken_answer401WithoutOrWithAWrongOneAnd200WithIt() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("admin-token"), "correct-horse-battery\n");
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "admin.tokenFile=" + tokenFile)) {
      Answer without = RawHttp.send(node.adminEndpoint(), "DELETE", "/admin/item-cache", null);
      Answer wrong = RawHttp.send(node.adminEndpoint(), "DELETE", "/admin/item-cache", null, "Authorization", "Bearer correct-horse");
      Answer metricsWithout = RawHttp.send(node.adminEndpoint(), "GET", "/metrics", null);
      Answer right = RawHttp.send(node.adminEndpoint(), "DELETE", "/admin/item-cache", null, "Authorization", "Bearer correct-horse-battery");
      Answer metrics = RawHttp.send(node.adminEndpoint(), "GET", "/metrics", null, "Authorization", "Bearer correct-horse-battery");
      Answer health = RawHttp.send(node.adminEndpoint(), "GET", "/health", null);

      assertThat(without.status()).isEqualTo(401);
      assertThat(without.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(without.text()).doesNotContain("correct-horse");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(metricsWithout.status()).isEqualTo(401);
      assertThat(right.status()).isEqualTo(200);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).contains("dynaccel_item_cache_hits_total");
      // Probes need no secret: the API port answers them without one anyway.
      assertThat(health.status()).isEqualTo(200);
    }
  }

  @Test
  void start_whenAdminHostBeyondLoopbackWithoutToken_isRefused() {
    assertThatThrownBy(() -> AcceleratorFixture.start(upstream.emulator(), "admin.host=0.0.0.0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("admin.tokenFile is not set");
  }
}
