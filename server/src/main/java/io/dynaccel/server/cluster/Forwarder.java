package io.dynaccel.server.cluster;

import io.dynaccel.config.TlsConfig;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.Operations;
import io.dynaccel.server.upstream.UpstreamTrust;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends a call to the member that owns its keys, as a client would ({@code POST /} with the
 * operation's {@code X-Amz-Target} and the client's own body bytes), marked with the cluster's
 * {@link HopToken}, and relays the owner's answer unchanged: status, body bytes,
 * {@code x-amzn-RequestId} and {@code x-amz-crc32}.
 *
 * <p>One pooled HTTP/1.1 keep-alive client for all members. A member whose API URI is https is called
 * over TLS, trusting the JVM's CAs plus the node's own certificate chain ({@code tls.certFile}): the
 * members of a cluster share one certificate, or certificates of one CA, so that chain names what they
 * present; the host name is verified. Under mutual TLS the node presents its own certificate, which the
 * members' {@code tls.clientCaFile} must then accept.
 *
 * <p>A call the owner does not answer fails with {@link OwnerUnreachable}, never hangs: connecting
 * gives up after {@link #CONNECT_TIMEOUT}, and the whole exchange after the answer timeout. So does a
 * call the member answers {@link #MISROUTED}, as one that never arrived: it ran nothing of it.
 */
public final class Forwarder implements AutoCloseable {

  /**
   * A member's answer to a forwarded call of a partition it knows another member to own (HTTP's 421
   * Misdirected Request): the lease moved on while the call was on its way. It goes only to members,
   * which never relay it: DynamoDB never answers it.
   */
  public static final int MISROUTED = 421;
  /** The {@code __type} of a {@link #MISROUTED} answer. */
  public static final String MISROUTED_TYPE = "io.dynaccel#PartitionMoved";
  /** A member on loopback or in one network connects within milliseconds; longer means it is gone. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  /** Shorter than the members' own idle timeout (60 s by default), so a pooled connection is never reused as the owner closes it. */
  private static final int KEEP_ALIVE_SECONDS = 30;
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

  private final Vertx vertx;
  private final HopToken hop;
  private final long answerTimeoutMillis;
  private final Future<HttpClientAgent> http;

  private Forwarder(Vertx vertx, HopToken hop, long answerTimeoutMillis, Future<HttpClientAgent> http) {
    this.vertx = vertx;
    this.hop = hop;
    this.answerTimeoutMillis = answerTimeoutMillis;
    this.http = http;
  }

  /**
   * Creates the forwarder; with TLS on, the certificate chain is read on a worker before the first call goes out.
   *
   * @param tls the node's own TLS settings: its chain is trusted, and presented under mutual TLS
   * @param answerTimeout how long the owner may take to answer, once the call is sent
   * @param maxConnections the pool size per member
   */
  public static Forwarder create(Vertx vertx, TlsConfig tls, HopToken hop, Duration answerTimeout, int maxConnections) {
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(maxConnections);
    Future<HttpClientAgent> http;
    if (tls.certFile().isEmpty()) {
      http = Future.succeededFuture(vertx.httpClientBuilder().with(options).with(pool).build());
    } else {
      http = vertx.executeBlocking(() -> UpstreamTrust.load("tls.certFile", tls.certFile().get())).map(trust -> {
        trust.applyTo(options);
        if (tls.mutual()) {
          options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile().get().toString())
              .setKeyPath(tls.keyFile().orElseThrow().toString()));
        }
        return vertx.httpClientBuilder().with(options).with(pool).build();
      });
    }
    return new Forwarder(vertx, hop, answerTimeout.toMillis(), http);
  }

  /**
   * Sends one call to {@code owner}.
   *
   * @return the owner's answer, whatever its status; or a failed future with {@link OwnerUnreachable}
   */
  public Future<ApiResponse> forward(NodeInfo owner, String operation, Buffer body) {
    URI api = owner.api();
    boolean https = "https".equalsIgnoreCase(api.getScheme());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", CONTENT_TYPE)
        .add("X-Amz-Target", Operations.TARGET_PREFIX + operation)
        .add(HopToken.HEADER, hop.value());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(api.getHost())
        .setPort(api.getPort() > 0 ? api.getPort() : https ? 443 : 80).setSsl(https).setURI("/").setHeaders(headers);
    return http.transform(client -> client.succeeded() ? exchange(client.result(), owner, options, body)
        : Future.failedFuture(new OwnerUnreachable(owner, false, "no client for members: " + client.cause().getMessage(), client.cause())));
  }

  private Future<ApiResponse> exchange(HttpClientAgent client, NodeInfo owner, RequestOptions options, Buffer body) {
    Promise<ApiResponse> promise = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    // The connect timeout bounds a member that is gone; this bounds one that is slow or stuck.
    long timer = vertx.setTimer(CONNECT_TIMEOUT.toMillis() + answerTimeoutMillis, id -> {
      HttpClientRequest request = sent.get();
      promise.tryFail(new OwnerUnreachable(owner, request != null,
          "member " + owner.id() + " at " + owner.api() + " did not answer within " + (CONNECT_TIMEOUT.toMillis() + answerTimeoutMillis) + " ms", null));
      if (request != null) {
        request.reset();
      }
    });
    client.request(options)
        .compose(request -> {
          if (promise.future().isComplete()) {
            request.reset();
            return Future.failedFuture("request abandoned before sending");
          }
          sent.set(request);
          return request.send(body);
        })
        .compose(response -> response.body().map(bytes -> new ApiResponse(response.statusCode(), bytes,
            crc32(response.getHeader("x-amz-crc32")), response.getHeader("x-amzn-RequestId"))))
        .onComplete(result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded() && result.result().statusCode() == MISROUTED) {
            promise.tryFail(new OwnerUnreachable(owner, false,
                "member " + owner.id() + " at " + owner.api() + " does not own the partition: " + result.result().body(), null));
          } else if (result.succeeded()) {
            promise.tryComplete(result.result());
          } else {
            Throwable cause = result.cause();
            boolean neverConnected = sent.get() == null || cause instanceof ConnectException || cause.getCause() instanceof ConnectException;
            promise.tryFail(new OwnerUnreachable(owner, !neverConnected,
                "member " + owner.id() + " at " + owner.api() + (neverConnected ? " is unreachable: " : " failed while answering: ") + cause.getMessage(), cause));
          }
        });
    return promise.future();
  }

  /** The owner's CRC32 of its body, relayed as it is; -1 (computed again when written) if it sent none. */
  static long crc32(String header) {
    if (header == null) {
      return -1;
    }
    try {
      long value = Long.parseLong(header.trim());
      return value >= 0 && value <= 0xFFFFFFFFL ? value : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    http.onSuccess(HttpClientAgent::close);
  }
}
