package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.config.TlsConfig;
import io.dynaccel.server.it.FreePorts;
import io.dynaccel.server.protocol.ApiResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forwarder against a real HTTP server on loopback standing in for the owner. */
class ForwarderTest {

  private static final HopToken HOP = HopToken.of(HopToken.random());

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder = Forwarder.create(vertx, TlsConfig.none(), HOP, Duration.ofSeconds(2), 4);

  @AfterEach
  void close() throws Exception {
    forwarder.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private NodeInfo owner(HttpServer server) throws Exception {
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new NodeInfo("owner", URI.create("http://127.0.0.1:" + server.actualPort()));
  }

  @Test
  void forward_whenTheOwnerAnswers_sendsTheCallAsAClientWouldAndRelaysEveryPartOfTheAnswer() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    NodeInfo owner = owner(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.complete(request.method() + " " + request.uri() + " " + request.getHeader("X-Amz-Target") + " " + request.getHeader("Content-Type")
          + " " + HOP.accepts(request.getHeader(HopToken.HEADER)) + " " + body);
      request.response().setStatusCode(400).putHeader("x-amzn-RequestId", "OWNERSID").putHeader("x-amz-crc32", "123")
          .end("{\"__type\":\"x#ValidationException\"}");
    })));

    ApiResponse answer = forwarder.forward(owner, "GetItem", Buffer.buffer("{ \"TableName\" : \"T\" }"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(received.get(1, TimeUnit.SECONDS)).isEqualTo("POST / DynamoDB_20120810.GetItem application/x-amz-json-1.0 true { \"TableName\" : \"T\" }");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body().toString(StandardCharsets.UTF_8)).isEqualTo("{\"__type\":\"x#ValidationException\"}");
    assertThat(answer.requestId()).isEqualTo("OWNERSID");
    assertThat(answer.crc32()).isEqualTo(123);
  }

  @Test
  void forward_whenNothingListens_failsAsUnreachableAndCertainlyNotArrived() throws Exception {
    int port = FreePorts.loopback();
    NodeInfo gone = new NodeInfo("gone", URI.create("http://127.0.0.1:" + port));

    assertThatThrownBy(() -> forwarder.forward(gone, "PutItem", Buffer.buffer("{}")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(OwnerUnreachable.class)
        .satisfies(e -> assertThat(((OwnerUnreachable) e).mayHaveArrived()).isFalse());
  }

  @Test
  void forward_whenTheMemberAnswersMisrouted_failsAsUnreachableAndCertainlyNotArrived() throws Exception {
    NodeInfo former = owner(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body ->
        request.response().setStatusCode(Forwarder.MISROUTED).end("{\"__type\":\"" + Forwarder.MISROUTED_TYPE + "\",\"message\":\"member c does\"}"))));

    assertThatThrownBy(() -> forwarder.forward(former, "PutItem", Buffer.buffer("{}")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(OwnerUnreachable.class)
        .hasMessageContaining("does not own the partition").hasMessageContaining("member c does")
        .satisfies(e -> assertThat(((OwnerUnreachable) e).mayHaveArrived()).isFalse());
  }

  @Test
  void forward_whenTheOwnerNeverAnswers_failsAsUnreachableThatMayHaveArrivedWithinTheTimeout() throws Exception {
    NodeInfo stuck = owner(vertx.createHttpServer().requestHandler(request -> { }));
    long began = System.nanoTime();

    assertThatThrownBy(() -> forwarder.forward(stuck, "PutItem", Buffer.buffer("{}")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(OwnerUnreachable.class)
        .satisfies(e -> assertThat(((OwnerUnreachable) e).mayHaveArrived()).isTrue());
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void crc32_whenTheOwnerSentNoneOrNonsense_isComputedAgain() {
    assertThat(Forwarder.crc32(null)).isEqualTo(-1);
    assertThat(Forwarder.crc32("x")).isEqualTo(-1);
    assertThat(Forwarder.crc32("4294967296")).isEqualTo(-1);
    assertThat(Forwarder.crc32("4294967295")).isEqualTo(4294967295L);
  }
}
