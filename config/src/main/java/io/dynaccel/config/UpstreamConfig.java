package io.dynaccel.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The DynamoDB endpoint the accelerator forwards to and how it talks to it.
 *
 * @param endpoint explicit endpoint (LocalStack, DynamoDB Local, VPC endpoint); empty means the public AWS
 *     endpoint of {@code region}, see {@link #effectiveEndpoint()}
 * @param region AWS region used for signing and the default endpoint; default: {@code AWS_REGION}, then
 *     {@code AWS_DEFAULT_REGION}, then {@code us-east-1}
 * @param connectTimeout TCP connect timeout, greater than zero, default 2s
 * @param requestTimeout time allowed for one upstream request, greater than zero, default 10s
 * @param maxConnections connection pool size towards DynamoDB, at least 1, default 256; divided among the API's event loops (server.instances), each with a pool of its own (at least one connection)
 * @param maxRetries retries of a failed upstream request, zero or more, default 0 (clients retry themselves)
 * @param trustCaFile PEM bundle of CAs trusted for the upstream's certificate in addition to the JVM's default
 *     trust (a private CA in front of a VPC endpoint, say); the host name is verified either way
 * @param streamsEndpoint explicit DynamoDB Streams endpoint, for stream invalidation: needed where Streams is not
 *     served at the host derived from {@code endpoint} (an interface VPC endpoint, FIPS, a proxy that splits the
 *     two); empty means the derived one, see {@link #effectiveStreamsEndpoint()}
 */
public record UpstreamConfig(
    Optional<URI> endpoint,
    String region,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxConnections,
    int maxRetries,
    Optional<Path> trustCaFile,
    Optional<URI> streamsEndpoint) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public UpstreamConfig {
    Settings.UPSTREAM_ENDPOINT.check(Objects.requireNonNull(endpoint, "endpoint"));
    Settings.UPSTREAM_REGION.check(Objects.requireNonNull(region, "region"));
    Settings.UPSTREAM_CONNECT_TIMEOUT.check(Objects.requireNonNull(connectTimeout, "connectTimeout"));
    Settings.UPSTREAM_REQUEST_TIMEOUT.check(Objects.requireNonNull(requestTimeout, "requestTimeout"));
    Settings.UPSTREAM_MAX_CONNECTIONS.check(maxConnections);
    Settings.UPSTREAM_MAX_RETRIES.check(maxRetries);
    Objects.requireNonNull(trustCaFile, "trustCaFile");
    Settings.UPSTREAM_STREAMS_ENDPOINT.check(Objects.requireNonNull(streamsEndpoint, "streamsEndpoint"));
  }

  /** An upstream trusted by the JVM's default CAs alone, with its streams at the derived endpoint. */
  public UpstreamConfig(Optional<URI> endpoint, String region, Duration connectTimeout, Duration requestTimeout,
      int maxConnections, int maxRetries) {
    this(endpoint, region, connectTimeout, requestTimeout, maxConnections, maxRetries, Optional.empty(), Optional.empty());
  }

  /**
   * The endpoint to send requests to: {@link #endpoint()} if set, otherwise
   * {@code https://dynamodb.<region>.amazonaws.com} ({@code amazonaws.com.cn} for {@code cn-} regions).
   * Other partitions (e.g. ISO regions) need an explicit endpoint.
   */
  public URI effectiveEndpoint() {
    return endpoint.orElseGet(() -> URI.create("https://dynamodb." + region + "."
        + (region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com")));
  }

  /**
   * The DynamoDB Streams endpoint: {@link #streamsEndpoint()} if set, otherwise the one that goes with
   * {@link #effectiveEndpoint()}. AWS serves Streams on a host of its own, so
   * {@code https://dynamodb.<region>.amazonaws.com[.cn]} becomes {@code https://streams.dynamodb.<region>.amazonaws.com[.cn]};
   * any other endpoint (an emulator such as LocalStack, a proxy) is taken to serve Streams itself.
   *
   * <p>That is not so for an interface VPC endpoint (PrivateLink) of DynamoDB, which serves no Streams (Streams has a
   * PrivateLink endpoint of its own), nor for a FIPS endpoint ({@code dynamodb-fips.<region>...}), whose Streams host
   * depends on the partition. Those hosts are not guessed: they need {@code upstream.streamsEndpoint}.
   */
  public URI effectiveStreamsEndpoint() {
    return streamsEndpoint.orElseGet(() -> {
      URI dynamoDb = effectiveEndpoint();
      String host = dynamoDb.getHost();
      if (host.startsWith("dynamodb.") && (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn"))) {
        return URI.create(dynamoDb.getScheme() + "://streams." + host);
      }
      return dynamoDb;
    });
  }
}
