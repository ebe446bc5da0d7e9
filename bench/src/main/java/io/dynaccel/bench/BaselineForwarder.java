package io.dynaccel.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.util.List;

/**
 * The baseline of a miss and a write: a bare Vert.x HTTP server, one front per core like the accelerator,
 * that passes every call on to the upstream and its answer back, with nothing in between: no parsing,
 * no signing, no cache, no metrics. Its HTTP client is the accelerator's (keep-alive, TCP_NODELAY, a
 * pool of HTTP/1.1 connections), one per front so that a call never leaves its event loop.
 *
 * <p>No server that answers a miss from the upstream over HTTP can add less latency or spend less CPU
 * than this one, so it shows in the same run how much of the accelerator's cost per miss and per write is
 * the second HTTP exchange itself. {@code GET /health/ready} is answered here, without the upstream.
 *
 * <p>{@link #main} runs it in a JVM of its own, as the load benchmark does by default:
 * {@code java -cp <bench jar> io.dynaccel.bench.BaselineForwarder PORT INSTANCES UPSTREAM_URL}.
 */
public final class BaselineForwarder implements AutoCloseable {

  /** The request headers a DynamoDB call needs: the upstream sees what the caller sent. */
  private static final List<String> REQUEST_HEADERS = List.of("Content-Type", "X-Amz-Target", "X-Amz-Date", "Authorization");
  /** The answer headers passed back: those a DynamoDB client reads. */
  private static final List<String> ANSWER_HEADERS = List.of("Content-Type", "x-amzn-RequestId", "x-amz-crc32");
  private static final int MAX_CONNECTIONS = 256;

  private final LoopbackFronts fronts;

  private BaselineForwarder(LoopbackFronts fronts) {
    this.fronts = fronts;
  }

  /** Serves until the JVM is ended (SIGTERM): arguments are the port, the number of fronts and the upstream's URL. */
  public static void main(String[] args) {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: BaselineForwarder PORT INSTANCES UPSTREAM_URL");
    }
    start(URI.create(args[2]), Integer.parseInt(args[1]), Integer.parseInt(args[0]));
  }

  /** Starts the forwarder on a loopback port (negative: a random one shared by every front) in front of {@code upstream}. */
  public static BaselineForwarder start(URI upstream, int instances, int listenPort) {
    return new BaselineForwarder(LoopbackFronts.start(instances, listenPort, vertx -> {
      HttpClient client = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setDefaultHost(upstream.getHost()).setDefaultPort(upstream.getPort()).setKeepAlive(true).setTcpNoDelay(true))
          .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS))
          .build();
      return request -> forward(client, request);
    }));
  }

  /** The port the forwarder listens on. */
  public int port() {
    return fronts.port();
  }

  @Override
  public void close() {
    fronts.close();
  }

  private static void forward(HttpClient client, HttpServerRequest request) {
    if (request.method() == HttpMethod.GET && "/health/ready".equals(request.path())) {
      request.response().end("ready");
      return;
    }
    request.body()
        .compose(body -> client.request(HttpMethod.POST, "/").compose(call -> {
          copy(request.headers(), call.headers(), REQUEST_HEADERS);
          return call.send(body);
        }))
        .compose(answer -> answer.body().compose(body -> {
          copy(answer.headers(), request.response().headers(), ANSWER_HEADERS);
          return request.response().setStatusCode(answer.statusCode()).end(body);
        }))
        .onFailure(failure -> {
          if (!request.response().ended()) {
            request.response().setStatusCode(502).end(String.valueOf(failure.getMessage()));
          }
        });
  }

  private static void copy(MultiMap from, MultiMap to, List<String> names) {
    for (String name : names) {
      String value = from.get(name);
      if (value != null) {
        to.set(name, value);
      }
    }
  }
}
