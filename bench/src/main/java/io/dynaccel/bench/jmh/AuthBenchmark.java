package io.dynaccel.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.config.AllowRule;
import io.dynaccel.config.AuthConfig;
import io.dynaccel.config.AuthMode;
import io.dynaccel.config.AuthPrincipal;
import io.dynaccel.server.auth.RequestAuthenticator;
import io.dynaccel.server.auth.internal.Authorisation;
import io.dynaccel.server.auth.internal.Caller;
import io.dynaccel.server.auth.internal.SignatureVerifier;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.RequestDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * What {@code auth.mode: sigv4} adds to every call: verifying a GetItem's signature (signing key cached),
 * checking the caller's rules, and both together, beside the decoding every call pays anyway (the
 * baseline, measured in the same run). Compare {@code authenticate} with the cost of a cache-hit GetItem
 * measured by {@code bench/run.sh} (its reciprocal throughput per core).
 *
 * <p>Run with {@code bench/run.sh jmh AuthBenchmark} (add {@code -f 1 -wi 3 -i 5} for a quicker run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuthBenchmark {

  private static final String GET_ITEM = "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"user-00000042\"}}}";
  private static final Instant SIGNED_AT = Instant.parse("2026-01-01T00:00:00Z");

  private MultiMap headers;
  private String path;
  private Buffer body;
  private ApiRequest request;
  private SignatureVerifier verifier;
  private Authorisation authorisation;
  private Caller caller;
  private RequestAuthenticator authenticator;

  /** Signs one GetItem with the SDK, as a client would, and builds the checks with a clock at its date. */
  @Setup
  public void setUp() {
    List<AuthPrincipal> principals = List.of(
        new AuthPrincipal("reader", "AKIDREADER", "reader-secret", Optional.empty(),
            List.of(new AllowRule(List.of("read"), List.of("Orders*", "Users")), new AllowRule(List.of("write"), List.of("Audit")))),
        new AuthPrincipal("admin", "AKIDADMIN", "admin-secret", Optional.empty(), List.of(new AllowRule(List.of("*"), List.of("*")))));
    AuthConfig auth = new AuthConfig(AuthMode.SIGV4, "123456789012", List.of(), principals);
    Clock clock = Clock.fixed(SIGNED_AT, ZoneOffset.UTC);
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
        .identity(AwsCredentialsIdentity.create("AKIDREADER", "reader-secret"))
        .request(SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("http://127.0.0.1:8111/"))
            .putHeader("Content-Type", "application/x-amz-json-1.0")
            .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem")
            .putHeader("User-Agent", "aws-sdk-java/2.57.8")
            .build())
        .payload(ContentStreamProvider.fromUtf8String(GET_ITEM))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
        .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
    headers = MultiMap.caseInsensitiveMultiMap();
    signed.forEachHeader((name, values) -> values.forEach(value -> headers.add(name, value)));
    path = signed.encodedPath();
    body = Buffer.buffer(GET_ITEM);
    request = RequestDecoder.decode(headers, null, body);
    verifier = new SignatureVerifier(auth, "us-east-1", clock);
    authorisation = new Authorisation(auth.accountId());
    caller = verifier.verify("POST", path, null, headers, body);
    authenticator = RequestAuthenticator.of(auth, "us-east-1", clock);
  }

  /** Baseline: decoding the GetItem, which every call pays with or without authentication. */
  @Benchmark
  public ObjectNode decodeGetItem() {
    return RequestDecoder.decode(headers, null, body).json();
  }

  /** The signature: canonical request, SHA-256 of the body, HMAC with the cached key, constant-time compare. */
  @Benchmark
  public Caller verifySignature() {
    return verifier.verify("POST", path, null, headers, body);
  }

  /** The rules: the tables of the call against the caller's precomputed permissions. */
  @Benchmark
  public Caller authorise() {
    authorisation.check(caller, request);
    return caller;
  }

  /** Everything {@code auth.mode: sigv4} adds to a call. */
  @Benchmark
  public ApiRequest authenticate() {
    authenticator.authenticate(path, null, headers, request);
    return request;
  }
}
