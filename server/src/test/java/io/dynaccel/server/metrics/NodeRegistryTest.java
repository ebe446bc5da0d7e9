package io.dynaccel.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {

  private final NodeRegistry meters = new NodeRegistry();

  @AfterEach
  void close() {
    meters.close();
  }

  @Test
  void new_bindsTheJvmGcAndProcessMeters() {
    String text = meters.registry().scrape();

    assertThat(text).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
        "process_cpu_usage", "system_cpu_count", "process_uptime_seconds", "process_files_open_files");
  }

  @Test
  void vertxBuilder_whenServerMetersAsked_reportsServerAndClientMetersWithoutAddressOrPathLabels() throws Exception {
    try (NodeRegistry withServerMeters = new NodeRegistry(true)) {
      String text = scrapeAfterTwoRequests(withServerMeters);

      assertThat(text).contains("vertx_http_server_requests_total{", "vertx_http_client_requests_total{", "code=\"200\"", "method=\"GET\"");
      assertThat(text.lines().filter(l -> l.startsWith("vertx_")))
          .isNotEmpty()
          .noneMatch(l -> l.contains("remote=") || l.contains("local=") || l.contains("path=") || l.contains("127.0.0.1"));
    }
  }

  @Test
  void vertxBuilder_byDefault_reportsClientMetersButNoServerMeters() throws Exception {
    String text = scrapeAfterTwoRequests(meters);

    assertThat(text).contains("vertx_http_client_requests_total{", "vertx_pool_", "code=\"200\"");
    assertThat(text).doesNotContain("vertx_http_server_");
  }

  /** Serves two GETs on a Vert.x built by {@code registry} and scrapes it. */
  private static String scrapeAfterTwoRequests(NodeRegistry registry) throws Exception {
    Vertx vertx = registry.vertxBuilder(new VertxOptions()).build();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"))
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      HttpClient client = vertx.createHttpClient();
      for (String path : new String[] {"/a", "/b?x=1"}) {
        client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", path)
            .compose(request -> request.send().compose(response -> response.body()))
            .await(10, TimeUnit.SECONDS);
      }
      return registry.registry().scrape();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
