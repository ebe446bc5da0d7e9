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
 * @param maxConnections connection pool size towards DynamoDB, at least 1, default 256
 * @param maxRetries retries of a failed upstream request, zero or more, default 0 (clients retry themselves)
 * @param trustCaFile PEM bundle of CAs trusted for the upstream's certificate in addition to the JVM's default
 *     trust (a private CA in front of a VPC endpoint, say); the host name is verified either way
 */
public record UpstreamConfig(
    Optional<URI> endpoint,
    String region,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxConnections,
    int maxRetries,
    Optional<Path> trustCaFile) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public UpstreamConfig {
    Settings.UPSTREAM_ENDPOINT.check(Objects.requireNonNull(endpoint, "endpoint"));
    Settings.UPSTREAM_REGION.check(Objects.requireNonNull(region, "region"));
    Settings.UPSTREAM_CONNECT_TIMEOUT.check(Objects.requireNonNull(connectTimeout, "connectTimeout"));
    Settings.UPSTREAM_REQUEST_TIMEOUT.check(Objects.requireNonNull(requestTimeout, "requestTimeout"));
    Settings.UPSTREAM_MAX_CONNECTIONS.check(maxConnections);
    Settings.UPSTREAM_MAX_RETRIES.check(maxRetries);
    Objects.requireNonNull(trustCaFile, "trustCaFile");
  }

  /** An upstream trusted by the JVM's default CAs alone. */
  public UpstreamConfig(Optional<URI> endpoint, String region, Duration connectTimeout, Duration requestTimeout,
      int maxConnections, int maxRetries) {
    this(endpoint, region, connectTimeout, requestTimeout, maxConnections, maxRetries, Optional.empty());
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
}
