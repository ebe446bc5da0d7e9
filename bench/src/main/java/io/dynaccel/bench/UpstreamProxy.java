package io.dynaccel.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP proxy on a free loopback port in front of a local DynamoDB (dynalite) that holds every
 * request and every answer for a random time in a range, so that the upstream has a network's
 * latency and "DynamoDB's own p99" means something, and that counts the writes reaching DynamoDB per
 * table: one per PutItem, UpdateItem or DeleteItem call and one per item inside a BatchWriteItem.
 *
 * <p>Every benchmarked path goes through the same proxy (the accelerator's upstream and the direct
 * baseline), so they all meet the same latency.
 */
final class UpstreamProxy implements AutoCloseable {

  private static final Set<String> SINGLE_WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem");
  // Hop-by-hop or recomputed by Vert.x when the message is sent on.
  private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "transfer-encoding", "keep-alive");

  private final Vertx vertx;
  private final HttpServer server;
  private final HttpClientAgent client;
  private final long minDelayNanos;
  private final long maxDelayNanos;
  private final Map<String, LongAdder> writeItems = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> writeCalls = new ConcurrentHashMap<>();

  private UpstreamProxy(Vertx vertx, HttpServer server, HttpClientAgent client, Duration minDelay, Duration maxDelay) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
    this.minDelayNanos = minDelay.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
  }

  /**
   * Starts a proxy on a free loopback port.
   *
   * @param upstream the local DynamoDB's endpoint
   * @param minDelay shortest hold of a request on its way in and, again, of its answer on its way back
   * @param maxDelay longest hold, each way; holds are uniform in between
   */
  static UpstreamProxy start(URI upstream, Duration minDelay, Duration maxDelay) {
    Vertx vertx = Vertx.vertx();
    HttpClientAgent client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setDefaultHost(upstream.getHost()).setDefaultPort(upstream.getPort()).setKeepAlive(true).setTcpNoDelay(true))
        .with(new PoolOptions().setHttp1MaxSize(256))
        .build();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true));
    UpstreamProxy proxy = new UpstreamProxy(vertx, server, client, minDelay, maxDelay);
    server.requestHandler(proxy::forward);
    LoadGenerator.await(server.listen());
    return proxy;
  }

  /** The proxy's endpoint: the upstream of every benchmarked path. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** The shortest and longest hold each way, for the printed set-up. */
  String delays() {
    return String.format(Locale.ROOT, "%.1f-%.1f ms (uniform) each way", minDelayNanos / 1e6, maxDelayNanos / 1e6);
  }

  /** The shortest hold each way. */
  Duration delay() {
    return Duration.ofNanos(minDelayNanos);
  }

  /** Writes that reached DynamoDB for a table so far: single-item calls plus items in BatchWriteItem calls. */
  long writeItems(String table) {
    LongAdder count = writeItems.get(table);
    return count == null ? 0 : count.sum();
  }

  /** Write calls (PutItem, UpdateItem, DeleteItem, BatchWriteItem) that reached DynamoDB for a table so far. */
  long writeCalls(String table) {
    LongAdder count = writeCalls.get(table);
    return count == null ? 0 : count.sum();
  }

  private void forward(HttpServerRequest request) {
    request.body().compose(body -> {
      count(request.getHeader("X-Amz-Target"), body);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      request.headers().forEach(header -> {
        if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          headers.add(header.getKey(), header.getValue());
        }
      });
      return hold()
          .compose(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(request.uri()).setHeaders(headers)))
          .compose(upstream -> upstream.send(body))
          .compose(answer -> answer.body().map(answerBody -> new Answer(answer.statusCode(), answer.headers(), answerBody)));
    }).compose(answer -> hold().map(answer)).onComplete(done -> {
      if (done.failed()) {
        // Like a network failure between the caller and DynamoDB: the caller sees the connection drop.
        request.connection().close();
        return;
      }
      Answer answer = done.result();
      request.response().setStatusCode(answer.status());
      answer.headers().forEach(header -> {
        if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
          request.response().putHeader(header.getKey(), header.getValue());
        }
      });
      request.response().end(answer.body());
    });
  }

  private Future<Void> hold() {
    long nanos = minDelayNanos + ThreadLocalRandom.current().nextLong(maxDelayNanos - minDelayNanos + 1);
    if (nanos == 0) {
      // Vert.x refuses a timer of no delay.
      return Future.succeededFuture();
    }
    return vertx.timer(nanos, TimeUnit.NANOSECONDS).mapEmpty();
  }

  private void count(String target, Buffer body) {
    if (target == null) {
      return;
    }
    String operation = target.substring(target.indexOf('.') + 1);
    if (SINGLE_WRITES.contains(operation)) {
      String table = new JsonObject(body).getString("TableName");
      add(writeCalls, table, 1);
      add(writeItems, table, 1);
    } else if (operation.equals("BatchWriteItem")) {
      JsonObject requests = new JsonObject(body).getJsonObject("RequestItems");
      for (String table : requests.fieldNames()) {
        JsonArray items = requests.getJsonArray(table);
        add(writeCalls, table, 1);
        add(writeItems, table, items.size());
      }
    }
  }

  private static void add(Map<String, LongAdder> counts, String table, long n) {
    counts.computeIfAbsent(table, t -> new LongAdder()).add(n);
  }

  @Override
  public void close() {
    LoadGenerator.await(vertx.close());
  }

  private record Answer(int status, MultiMap headers, Buffer body) {}
}
