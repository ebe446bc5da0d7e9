package io.dynaccel.server.upstream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLoopClientsTest {

  private Vertx vertx;
  private HttpServer server;
  private EventLoopClients clients;
  private final AtomicInteger connections = new AtomicInteger();
  // Requests the server holds unanswered while a test wants them held.
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
  private volatile boolean holding;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    server = vertx.createHttpServer()
        .connectionHandler(connection -> connections.incrementAndGet())
        .requestHandler(request -> {
          if (holding) {
            held.add(request);
          } else {
            request.response().end("ok");
          }
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()).setKeepAlive(true);
    clients = new EventLoopClients(vertx, options, 4, 2);
  }

  @AfterEach
  void stop() throws Exception {
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void current_whenAskedOnTwoEventLoopsAndOffThem_givesEachLoopItsOwnClientAndEveryOtherThreadTheSharedOne() throws Exception {
    Context first = eventLoopContext();
    Context second = eventLoopContext();

    HttpClientAgent onFirst = on(first, () -> clients.current());
    HttpClientAgent onFirstAgain = on(first, () -> clients.current());
    HttpClientAgent onSecond = on(second, () -> clients.current());
    Future<HttpClientAgent> worker = on(first, () -> vertx.executeBlocking(() -> clients.current()));
    HttpClientAgent onWorker = worker.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClientAgent offVertx = clients.current();

    assertThat(on(first, () -> Thread.currentThread())).isNotSameAs(on(second, () -> Thread.currentThread()));
    assertThat(onFirstAgain).isSameAs(onFirst);
    assertThat(onSecond).isNotSameAs(onFirst);
    assertThat(offVertx).isNotIn(onFirst, onSecond);
    assertThat(onWorker).isSameAs(offVertx);
  }

  @Test
  void current_whenAnotherLoopHasAnIdleConnection_opensOneOfItsOwn() throws Exception {
    Context first = eventLoopContext();
    Context second = eventLoopContext();

    assertThat(call(first).get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(call(second).get(10, TimeUnit.SECONDS)).isEqualTo("ok");

    // One shared client would have sent the second call over the first loop's idle connection.
    assertThat(connections).hasValue(2);
  }

  @Test
  void current_whenOneLoopSendsMoreCallsThanItsShareOfThePool_opensOnlyItsShare() throws Exception {
    Context loop = eventLoopContext();
    holding = true;
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(call(loop));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> held.size() == 2 && connections.get() == 2);
    assertThat(clients.connectionsPerClient()).isEqualTo(2);

    holding = false;
    held.forEach(request -> request.response().end("ok"));
    for (CompletableFuture<String> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    }
    assertThat(connections).hasValue(2);
  }

  /** A context of its own, on the next event loop: what each deployed verticle gets. */
  private Context eventLoopContext() throws Exception {
    CompletableFuture<Context> deployed = new CompletableFuture<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        deployed.complete(context);
        return Future.succeededFuture();
      }
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return deployed.get(10, TimeUnit.SECONDS);
  }

  private CompletableFuture<String> call(Context context) throws Exception {
    CompletableFuture<String> answer = new CompletableFuture<>();
    context.runOnContext(v -> clients.current().request(HttpMethod.GET, "/")
        .compose(request -> request.send())
        .compose(response -> response.body())
        .onComplete(result -> {
          if (result.succeeded()) {
            answer.complete(result.result().toString());
          } else {
            answer.completeExceptionally(result.cause());
          }
        }));
    return answer;
  }

  private static <T> T on(Context context, Supplier<T> task) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(task.get()));
    return result.get(10, TimeUnit.SECONDS);
  }
}
