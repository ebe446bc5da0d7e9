package io.dynaccel.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerReadTest {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void handle_whenReadSucceeds_answersItsTextFromAWorkerWithTheHeaders() throws Exception {
    int port = serve(new WorkerRead(() -> "read on a " + (Context.isOnWorkerThread() ? "worker" : "event loop"),
        Map.of("Content-Type", "text/plain; charset=utf-8", "Cache-Control", "no-store")));

    HttpResponse<String> answer = get(port);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("read on a worker");
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @Test
  void handle_whenReadThrows_failsTheRequestWithoutItsHeaders() throws Exception {
    int port = serve(new WorkerRead(() -> {
      throw new IllegalStateException("registry closed");
    }, Map.of("Content-Type", "application/json")));

    HttpResponse<String> answer = get(port);

    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.headers().firstValue("Content-Type")).isNotEqualTo(Optional.of("application/json"));
  }

  private int serve(WorkerRead route) throws Exception {
    Router router = Router.router(vertx);
    router.get("/read").handler(route);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private HttpResponse<String> get(int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/read")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
