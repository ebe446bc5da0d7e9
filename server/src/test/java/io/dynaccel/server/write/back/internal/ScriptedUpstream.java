package io.dynaccel.server.write.back.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.protocol.JsonCodec;
import io.vertx.core.Promise;
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
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A fake DynamoDB for the write-back unit tests: a real HTTP server on 127.0.0.1 that records every
 * call's operation and body and answers what the test scripted, one-shot answers first, then the
 * responder; while held, answers wait until released.
 */
public final class ScriptedUpstream implements AutoCloseable {

  /** One scripted HTTP answer. */
  public record Answer(int status, String body, long delayMillis) {

    /** A 200 of BatchWriteItem that wrote everything. */
    public static Answer ok() {
      return new Answer(200, "{\"UnprocessedItems\":{}}", 0);
    }

    /** A 200 with this body. */
    public static Answer ok(String body) {
      return new Answer(200, body, 0);
    }

    /** A DynamoDB error. */
    public static Answer error(int status, String type, String message) {
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
  private final List<String> operations = new CopyOnWriteArrayList<>();
  private final Queue<Answer> next = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger mostOutstanding = new AtomicInteger();
  private volatile BiFunction<String, JsonNode, Answer> responder = (operation, body) -> Answer.ok();
  private volatile Promise<Void> held;
  private volatile String heldOperation;
  private volatile HttpServer server;
  private int port;

  private ScriptedUpstream(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Listens on a free port of 127.0.0.1. */
  public static ScriptedUpstream start(Vertx vertx) {
    ScriptedUpstream upstream = new ScriptedUpstream(vertx);
    upstream.listen(0);
    return upstream;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Answers the next calls with these, in order, before falling back on the responder. */
  public ScriptedUpstream then(Answer... answers) {
    next.addAll(List.of(answers));
    return this;
  }

  /** Answers every call not covered by {@link #then} with what {@code responder} makes of its body. */
  ScriptedUpstream respond(Function<JsonNode, Answer> responder) {
    this.responder = (operation, body) -> responder.apply(body);
    return this;
  }

  /** Answers every call not covered by {@link #then} with what {@code responder} makes of its operation and body. */
  public ScriptedUpstream respondTo(BiFunction<String, JsonNode, Answer> responder) {
    this.responder = responder;
    return this;
  }

  /** Calls of {@code operation} that arrive from now on get their answers only after {@link #release()}. */
  public void hold(String operation) {
    heldOperation = operation;
    held = Promise.promise();
  }

  /** Sends the answers held back since {@link #hold()}, and answers at once again. */
  public void release() {
    Promise<Void> releasing = held;
    held = null;
    if (releasing != null) {
      releasing.complete();
    }
  }

  /** The bodies received so far, in arrival order. */
  public List<JsonNode> calls() {
    return calls;
  }

  /** The operations of the calls received so far ({@code BatchWriteItem}, {@code GetItem}, ...), in arrival order. */
  public List<String> operations() {
    return operations;
  }

  /** The most calls that were waiting for their answer at the same time. */
  int mostOutstanding() {
    return mostOutstanding.get();
  }

  /** Closes the listening socket: calls now fail to connect. */
  public void stop() {
    await(server.close());
    server = null;
  }

  /** Listens again on the same port. */
  public void restart() {
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
      String target = request.getHeader("X-Amz-Target");
      String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
      operations.add(operation);
      calls.add(body);
      mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
      Answer polled = next.poll();
      Answer answer = polled != null ? polled : responder.apply(operation, body);
      Promise<Void> holding = operation.equals(heldOperation) ? held : null;
      Runnable reply = () -> {
        outstanding.decrementAndGet();
        request.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/x-amz-json-1.0").end(answer.body());
      };
      if (holding != null) {
        holding.future().onComplete(v -> reply.run());
      } else if (answer.delayMillis() > 0) {
        vertx.setTimer(answer.delayMillis(), id -> reply.run());
      } else {
        reply.run();
      }
    });
  }

  /** Waits up to 30 s for {@code future}'s result. */
  public static <T> T await(io.vertx.core.Future<T> future) {
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
