package io.dynaccel.server.upstream.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The signer against the SDK's own {@code AwsV4HttpSigner}, same inputs and clock: every header must be equal. */
class UpstreamSignerTest {

  private static final List<String> ENDPOINTS = List.of("http://127.0.0.1:4567", "https://dynamodb.us-east-1.amazonaws.com",
      "https://dynamodb.eu-west-1.amazonaws.com:443", "http://localhost:80", "http://[::1]:8000", "https://vpce-1.dynamodb.us-east-1.vpce.amazonaws.com/");
  private static final List<String> BODIES = List.of("{}", "{\"TableName\":\"Orders\",\"Key\":{\"pk\":{\"S\":\"é ✓ 🙂\"}}}",
      "{\"TableName\":\"Bench\",\"Item\":{\"payload\":{\"S\":\"" + "x".repeat(4000) + "\"}}}");

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-03T07:31:05.123Z"));

  @Test
  void headers_forEveryEndpointBodyAndCredentials_equalTheSdkSigners() {
    List<AwsCredentialsIdentity> identities = List.of(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        AwsSessionCredentials.create("ASIAEXAMPLE", "secret/with+chars", "FwoGZXIvYXdzEJr//////////wEaDM+token=="));
    for (String endpoint : ENDPOINTS) {
      UpstreamSigner signer = new UpstreamSigner(URI.create(endpoint), "us-east-1", clock);
      for (AwsCredentialsIdentity credentials : identities) {
        for (String body : BODIES) {
          for (String operation : List.of("GetItem", "PutItem", "TransactWriteItems")) {
            assertThat(ours(signer, credentials, operation, body))
                .as("%s %s %s", endpoint, credentials.accessKeyId(), operation)
                .isEqualTo(sdk(endpoint, "us-east-1", credentials, operation, body));
          }
        }
      }
    }
  }

  @Test
  void headers_whenTheUtcDayOrTheCredentialsChange_signWithTheNewKey() {
    String endpoint = "http://127.0.0.1:4567";
    UpstreamSigner signer = new UpstreamSigner(URI.create(endpoint), "eu-central-1", clock);
    AwsCredentialsIdentity first = AwsBasicCredentials.create("AKIDEXAMPLE", "first-secret");
    AwsCredentialsIdentity rotated = AwsBasicCredentials.create("AKIDEXAMPLE", "rotated-secret");
    clock.set(Instant.parse("2026-12-03T23:59:59.900Z"));
    assertThat(ours(signer, first, "GetItem", "{}")).isEqualTo(sdk(endpoint, "eu-central-1", first, "GetItem", "{}"));

    clock.set(Instant.parse("2026-12-04T00:00:00.100Z"));
    Map<String, String> nextDay = ours(signer, first, "GetItem", "{}");
    assertThat(nextDay).isEqualTo(sdk(endpoint, "eu-central-1", first, "GetItem", "{}"));
    assertThat(nextDay.get("authorization")).contains("Credential=AKIDEXAMPLE/20261204/eu-central-1/dynamodb/aws4_request");

    assertThat(ours(signer, rotated, "GetItem", "{}")).isEqualTo(sdk(endpoint, "eu-central-1", rotated, "GetItem", "{}"));
  }

  @Test
  void hostHeader_keepsThePortOnlyWhenItIsNotTheSchemesOwn() {
    assertThat(UpstreamSigner.hostHeader(URI.create("https://dynamodb.us-east-1.amazonaws.com:443"))).isEqualTo("dynamodb.us-east-1.amazonaws.com");
    assertThat(UpstreamSigner.hostHeader(URI.create("http://127.0.0.1:80"))).isEqualTo("127.0.0.1");
    assertThat(UpstreamSigner.hostHeader(URI.create("https://127.0.0.1:80"))).isEqualTo("127.0.0.1:80");
    assertThat(UpstreamSigner.hostHeader(URI.create("http://127.0.0.1:4567"))).isEqualTo("127.0.0.1:4567");
  }

  private static Map<String, String> ours(UpstreamSigner signer, AwsCredentialsIdentity credentials, String operation, String body) {
    return lowerCased(signer.headers(credentials, operation, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))));
  }

  private Map<String, String> sdk(String endpoint, String region, AwsCredentialsIdentity credentials, String operation, String body) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create(endpoint).resolve("/"))
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", "DynamoDB_20120810." + operation)
        .build();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials)
            .request(request)
            .payload(ContentStreamProvider.fromByteArrayUnsafe(bytes))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(clock.instant(), ZoneOffset.UTC)))
        .request().headers();
    Map<String, String> headers = new TreeMap<>();
    signed.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
    return headers;
  }

  private static Map<String, String> lowerCased(MultiMap headers) {
    Map<String, String> lowered = new TreeMap<>();
    for (String name : headers.names()) {
      lowered.put(name.toLowerCase(Locale.ROOT), String.join(",", headers.getAll(name)));
    }
    return lowered;
  }
}
