package io.dynaccel.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy on a loopback port in front of the DynamoDB emulator that fails the ways DynamoDB
 * and its network fail: it can refuse every connection (DynamoDB unreachable), answer BatchWriteItem
 * calls with DynamoDB's {@code ThrottlingException}, or apply only part of a BatchWriteItem and
 * return the rest as {@code UnprocessedItems}, as DynamoDB does under load. Everything else is
 * forwarded unchanged.
 *
 * <p>Refusing closes the listening socket and every open connection, so a client's next connect
 * gets ECONNREFUSED; accepting listens on the same port again.
 */
final class FaultInjectingProxy implements AutoCloseable {

  /** DynamoDB's answer to a request over the table's or account's throughput, as the AWS SDKs see it. */
  static final String THROTTLING = "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
      + "\"message\":\"Rate of requests exceeds the allowed throughput.\"}";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BATCH_WRITE = "DynamoDB_20120810.BatchWriteItem";

  private final Vertx vertx;
  private final HttpClient upstream;
  private final int upstreamPort;
  private final AtomicInteger throttleNext = new AtomicInteger();
  private final AtomicInteger partialNext = new AtomicInteger();
  private final AtomicLong batchWrites = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong leftUnprocessed = new AtomicLong();
  /** The listening server, null while refusing; guarded by this. */
  private HttpServer server;
  private volatile int port;

  private FaultInjectingProxy(Vertx vertx, HttpClient upstream, int upstreamPort) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.upstreamPort = upstreamPort;
  }

  /** Starts a proxy on a free loopback port in front of {@code emulator} (a loopback endpoint). */
  static FaultInjectingProxy start(URI emulator) throws Exception {
    if (!"127.0.0.1".equals(emulator.getHost()) && !"localhost".equals(emulator.getHost())) {
      throw new IllegalArgumentException("FaultInjectingProxy only forwards to loopback, not " + emulator);
    }
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000), new PoolOptions().setHttp1MaxSize(32));
    FaultInjectingProxy proxy = new FaultInjectingProxy(vertx, client, emulator.getPort());
    try {
      proxy.listen(0);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    return proxy;
  }

  private synchronized void listen(int onPort) throws Exception {
    HttpServer listening = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(onPort)).requestHandler(this::handle);
    await(listening.listen());
    server = listening;
    port = listening.actualPort();
  }

  /** The proxy's endpoint, to configure as the accelerator's upstream. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Closes the listening socket and every connection: from now on connecting is refused. */
  synchronized void refuseConnections() throws Exception {
    if (server != null) {
      HttpServer closing = server;
      server = null;
      await(closing.close());
    }
  }

  /** Listens on the same port again. */
  synchronized void acceptConnections() throws Exception {
    if (server == null) {
      listen(port);
    }
  }

  /** Answers the next {@code calls} BatchWriteItem calls with {@link #THROTTLING} (400) instead of forwarding them. */
  void throttleBatchWrites(int calls) {
    throttleNext.set(calls);
  }

  /**
   * Forwards only the first half (rounded up) of each table's requests in each of the next
   * {@code calls} BatchWriteItem calls that hold more than one, and adds the others to the answer's
   * {@code UnprocessedItems}: DynamoDB applied those, and not these.
   */
  void leaveUnprocessed(int calls) {
    partialNext.set(calls);
  }

  /** BatchWriteItem calls received, whatever was done with them. */
  long batchWrites() {
    return batchWrites.get();
  }

  /** BatchWriteItem calls answered with {@link #THROTTLING}. */
  long throttled() {
    return throttled.get();
  }

  /** Write requests returned as {@code UnprocessedItems} so far. */
  long leftUnprocessed() {
    return leftUnprocessed.get();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      if (BATCH_WRITE.equals(request.getHeader("X-Amz-Target"))) {
        batchWrites.incrementAndGet();
        if (takeOne(throttleNext)) {
          throttled.incrementAndGet();
          request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.0").end(THROTTLING);
          return;
        }
        if (partialNext.get() > 0) {
          ObjectNode batch = (ObjectNode) read(body);
          ObjectNode held = split(batch);
          if (!held.isEmpty() && takeOne(partialNext)) {
            forward(request, Buffer.buffer(batch.toString()), held);
            return;
          }
        }
      }
      forward(request, body, null);
    });
  }

  /** Moves the second half of each table's requests out of {@code batch}, into the returned RequestItems. */
  private static ObjectNode split(ObjectNode batch) {
    ObjectNode held = JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> tables = batch.path("RequestItems").fields(); tables.hasNext(); ) {
      Map.Entry<String, JsonNode> table = tables.next();
      ArrayNode requests = (ArrayNode) table.getValue();
      int kept = (requests.size() + 1) / 2;
      if (requests.size() > kept) {
        ArrayNode rest = held.putArray(table.getKey());
        while (requests.size() > kept) {
          rest.add(requests.remove(kept));
        }
      }
    }
    return held;
  }

  /** Sends the request on to the emulator; with {@code unprocessed}, adds those to a 200's UnprocessedItems. */
  private void forward(HttpServerRequest request, Buffer body, ObjectNode unprocessed) {
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1").setPort(upstreamPort)
        .setURI(request.uri());
    request.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
        options.addHeader(name, value);
      }
    });
    upstream.request(options)
        .compose(outgoing -> outgoing.send(body))
        .compose(answer -> answer.body().map(answerBody -> {
          Buffer sent = answerBody;
          if (unprocessed != null && answer.statusCode() == 200) {
            ObjectNode json = (ObjectNode) read(answerBody);
            ObjectNode all = json.has("UnprocessedItems") ? (ObjectNode) json.get("UnprocessedItems") : json.putObject("UnprocessedItems");
            unprocessed.fields().forEachRemaining(table -> {
              ArrayNode list = all.has(table.getKey()) ? (ArrayNode) all.get(table.getKey()) : all.putArray(table.getKey());
              list.addAll((ArrayNode) table.getValue());
              leftUnprocessed.addAndGet(table.getValue().size());
            });
            sent = Buffer.buffer(json.toString());
          }
          request.response().setStatusCode(answer.statusCode())
              .putHeader(HttpHeaders.CONTENT_TYPE, answer.getHeader(HttpHeaders.CONTENT_TYPE))
              .end(sent);
          return null;
        }))
        .onFailure(e -> request.connection().close());
  }

  private static boolean takeOne(AtomicInteger remaining) {
    return remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  private static JsonNode read(Buffer body) {
    try {
      return JSON.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
