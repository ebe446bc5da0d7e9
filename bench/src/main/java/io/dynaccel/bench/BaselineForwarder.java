package io.dynaccel.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
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

  private final Vertx vertx;
  private final int port;

  private BaselineForwarder(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
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
    int[] port = new int[1];
    Vertx vertx = Vertx.vertx();
    LoadGenerator.await(vertx.deployVerticle(() -> new Front(upstream, listenPort, port), new DeploymentOptions().setInstances(instances)));
    return new BaselineForwarder(vertx, port[0]);
  }

  /** The port the forwarder listens on. */
  public int port() {
    return port;
  }

  @Override
  public void close() {
    LoadGenerator.await(vertx.close());
  }

  private static final class Front extends VerticleBase {
    private final URI upstream;
    private final int listenPort;
    private final int[] port;
    private HttpClient client;

    Front(URI upstream, int listenPort, int[] port) {
      this.upstream = upstream;
      this.listenPort = listenPort;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      client = vertx.httpClientBuilder()
          .with(new HttpClientOptions().setDefaultHost(upstream.getHost()).setDefaultPort(upstream.getPort()).setKeepAlive(true).setTcpNoDelay(true))
          .with(new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS))
          .build();
      HttpServer server = vertx.createHttpServer().requestHandler(this::handle);
      return server.listen(listenPort, "127.0.0.1").onSuccess(s -> port[0] = s.actualPort());
    }

    private void handle(HttpServerRequest request) {
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
}
