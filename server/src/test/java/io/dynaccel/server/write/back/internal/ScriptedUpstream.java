package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake DynamoDB for the flusher's unit tests: a real HTTP server on 127.0.0.1 that records every
 * BatchWriteItem body and answers what the test scripted, one-shot answers first, then the responder.
 */
final class ScriptedUpstream implements AutoCloseable {

  /** One scripted HTTP answer. */
  record Answer(int status, String body, long delayMillis) {

    static Answer ok() {
      return new Answer(200, "{\"UnprocessedItems\":{}}", 0);
    }

    static Answer error(int status, String type, String message) {
      ObjectNode body = JsonCodec.object().put("__type", type).put("message", message);
      return new Answer(status, new String(JsonCodec.write(body)), 0);
    }

    /** A 200 that hands back {@code requests} (write requests by table) as unprocessed. */
    static Answer unprocessed(Map<String, List<JsonNode>> requests) {
      ObjectNode body = JsonCodec.object();
      ObjectNode items = body.putObject("UnprocessedItems");
      requests.forEach((table, list) -> {
        ArrayNode array = items.putArray(table);
        list.forEach(array::add);
      });
      return new Answer(200, new String(JsonCodec.write(body)), 0);
    }

    Answer after(long millis) {
      return new Answer(status, body, millis);
    }
  }

  private final Vertx vertx;
  private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
  private final Queue<Answer> next = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger mostOutstanding = new AtomicInteger();
  private volatile Function<JsonNode, Answer> responder = body -> Answer.ok();
  private volatile HttpServer server;
  private int port;

  private ScriptedUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  static ScriptedUpstream start(Vertx vertx) {
    ScriptedUpstream upstream = new ScriptedUpstream(vertx);
    upstream.listen(0);
    return upstream;
  }

  int port() {
    return port;
  }

  /** Answers the next calls with these, in order, before falling back on the responder. */
  ScriptedUpstream then(Answer... answers) {
    next.addAll(List.of(answers));
    return this;
  }

  /** Answers every call not covered by {@link #then} with what {@code responder} makes of its body. */
  ScriptedUpstream respond(Function<JsonNode, Answer> responder) {
    this.responder = responder;
    return this;
  }

  /** The bodies received so far, in arrival order. */
  List<JsonNode> calls() {
    return calls;
  }

  /** The most calls that were waiting for their answer at the same time. */
  int mostOutstanding() {
    return mostOutstanding.get();
  }

  /** Closes the listening socket: calls now fail to connect. */
  void stop() {
    await(server.close());
    server = null;
  }

  /** Listens again on the same port. */
  void restart() {
    listen(port);
  }

  private void listen(int onPort) {
    HttpServer created = vertx.createHttpServer().requestHandler(this::handle);
    server = await(created.listen(onPort, "127.0.0.1"));
    port = server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(bytes -> {
      JsonNode body = JsonCodec.read(bytes.getBytes());
      calls.add(body);
      mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
      Answer polled = next.poll();
      Answer answer = polled != null ? polled : responder.apply(body);
      Runnable reply = () -> {
        outstanding.decrementAndGet();
        request.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/x-amz-json-1.0").end(answer.body());
      };
      if (answer.delayMillis() > 0) {
        vertx.setTimer(answer.delayMillis(), id -> reply.run());
      } else {
        reply.run();
      }
    });
  }

  static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      stop();
    }
  }
}
