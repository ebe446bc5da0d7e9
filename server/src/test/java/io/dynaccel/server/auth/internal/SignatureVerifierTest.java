package io.dynaccel.server.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.config.AllowRule;
import io.dynaccel.config.AuthConfig;
import io.dynaccel.config.AuthMode;
import io.dynaccel.config.AuthPrincipal;
import io.dynaccel.server.protocol.DynamoDbException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** Requests are signed by the SDK's own public signer, so the verifier is held to what real clients send. */
class SignatureVerifierTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String BODY = "{\"TableName\":\"Orders\",\"Key\":{\"pk\":{\"S\":\"1\"}}}";
  private static final AwsCredentialsIdentity APP = AwsCredentialsIdentity.create("AKIDAPP", "app-secret");
  private static final AwsCredentialsIdentity TEMP = AwsSessionCredentialsIdentity.create("AKIDTEMP", "temp-secret", "the-token");

  private final SignatureVerifier verifier = new SignatureVerifier(new AuthConfig(AuthMode.SIGV4, "123456789012",
      List.of("us-east-1", "eu-west-1"), List.of(
          new AuthPrincipal("app", "AKIDAPP", "app-secret", Optional.empty(), List.of(new AllowRule(List.of("*"), List.of("*")))),
          new AuthPrincipal("temp", "AKIDTEMP", "temp-secret", Optional.of("the-token"), List.of()))),
      "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void verify_whenSignedBySdk_returnsThePrincipalAndRegion() {
    Caller caller = verify(sign(APP, NOW, "eu-west-1", "dynamodb", r -> { }), BODY);

    assertThat(caller.principal().userArn()).isEqualTo("arn:aws:iam::123456789012:user/app");
    assertThat(caller.region()).isEqualTo("eu-west-1");
  }

  @Test
  void verify_whenWrongSecret_throwsSignatureMismatch() {
    Signed signed = sign(AwsCredentialsIdentity.create("AKIDAPP", "not-the-secret"), NOW, "us-east-1", "dynamodb", r -> { });

    assertRefused(signed, BODY, "InvalidSignatureException", "The request signature we calculated does not match the signature"
        + " you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
  }

  @Test
  void verify_whenBodyTampered_throwsSignatureMismatch() {
    Signed signed = sign(APP, NOW, "us-east-1", "dynamodb", r -> { });

    assertRefused(signed, BODY.replace("\"1\"", "\"2\""), "InvalidSignatureException", "The request signature we calculated");
  }

  @Test
  void verify_whenSignedHeaderTampered_throwsSignatureMismatch() {
    Signed signed = sign(APP, NOW, "us-east-1", "dynamodb", r -> { });
    signed.headers().set("X-Amz-Target", "DynamoDB_20120810.DeleteItem");

    assertRefused(signed, BODY, "InvalidSignatureException", "The request signature we calculated");
  }

  @Test
  void verify_whenUnsignedHeaderAdded_accepts() {
    Signed signed = sign(APP, NOW, "us-east-1", "dynamodb", r -> { });
    signed.headers().add("X-Forwarded-For", "10.0.0.1").add("User-Agent", "added/1.0");

    assertThat(verify(signed, BODY).principal().config().name()).isEqualTo("app");
  }

  @Test
  void verify_whenOlderThan15Minutes_throwsSignatureExpired() {
    Signed signed = sign(APP, NOW.minus(Duration.ofMinutes(20)), "us-east-1", "dynamodb", r -> { });

    assertRefused(signed, BODY, "InvalidSignatureException",
        "Signature expired: 20260301T114000Z is now earlier than 20260301T114500Z (20260301T120000Z - 15 min.)");
  }

  @Test
  void verify_whenLaterThan15Minutes_throwsNotYetCurrent() {
    Signed signed = sign(APP, NOW.plus(Duration.ofMinutes(16)), "us-east-1", "dynamodb", r -> { });

    assertRefused(signed, BODY, "InvalidSignatureException",
        "Signature not yet current: 20260301T121600Z is still later than 20260301T121500Z (20260301T120000Z + 15 min.)");
  }

  @Test
  void verify_whenWithin15MinutesEitherWay_accepts() {
    assertThat(verify(sign(APP, NOW.minus(Duration.ofMinutes(14)), "us-east-1", "dynamodb", r -> { }), BODY)).isNotNull();
    assertThat(verify(sign(APP, NOW.plus(Duration.ofMinutes(14)), "us-east-1", "dynamodb", r -> { }), BODY)).isNotNull();
  }

  @Test
  void verify_whenRegionNotAllowed_throwsInvalidRegion() {
    assertRefused(sign(APP, NOW, "ap-south-1", "dynamodb", r -> { }), BODY, "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'ap-south-1'. ");
  }

  @Test
  void verify_whenServiceNotDynamodb_throwsWrongService() {
    assertRefused(sign(APP, NOW, "us-east-1", "s3", r -> { }), BODY, "InvalidSignatureException",
        "Credential should be scoped to correct service: 'dynamodb'. ");
  }

  @Test
  void verify_whenAccessKeyUnknown_throwsUnrecognizedClient() {
    assertRefused(sign(AwsCredentialsIdentity.create("AKIDNOBODY", "x"), NOW, "us-east-1", "dynamodb", r -> { }), BODY,
        "UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  @Test
  void verify_whenTokenSentButNoneConfigured_throwsUnrecognizedClient() {
    Signed signed = sign(AwsSessionCredentialsIdentity.create("AKIDAPP", "app-secret", "some-token"), NOW, "us-east-1", "dynamodb", r -> { });

    assertRefused(signed, BODY, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  @Test
  void verify_whenConfiguredTokenSent_accepts() {
    assertThat(verify(sign(TEMP, NOW, "us-east-1", "dynamodb", r -> { }), BODY).principal().config().name()).isEqualTo("temp");
  }

  @Test
  void verify_whenConfiguredTokenMissingOrWrong_throwsUnrecognizedClient() {
    assertRefused(sign(AwsCredentialsIdentity.create("AKIDTEMP", "temp-secret"), NOW, "us-east-1", "dynamodb", r -> { }), BODY,
        "UnrecognizedClientException", "The security token included in the request is invalid.");
    assertRefused(sign(AwsSessionCredentialsIdentity.create("AKIDTEMP", "temp-secret", "other"), NOW, "us-east-1", "dynamodb", r -> { }),
        BODY, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  @Test
  void verify_whenSameScopeTwice_derivesTheKeyOnce() {
    verify(sign(APP, NOW, "us-east-1", "dynamodb", r -> { }), BODY);
    verify(sign(APP, NOW.plusSeconds(5), "us-east-1", "dynamodb", r -> { }), BODY);
    assertThat(verifier.signingKeysHeld()).isEqualTo(1);

    verify(sign(APP, NOW, "eu-west-1", "dynamodb", r -> { }), BODY);
    assertThat(verifier.signingKeysHeld()).isEqualTo(2);
  }

  @Test
  void verify_whenPresignedInQueryString_accepts() {
    Signed signed = sign(APP, NOW, "us-east-1", "dynamodb",
        r -> r.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING));
    assertThat(signed.headers().contains("Authorization")).isFalse();

    assertThat(verify(signed, BODY).principal().config().name()).isEqualTo("app");
    assertRefused(signed, BODY + " ", "InvalidSignatureException", "The request signature we calculated");
  }

  private record Signed(String path, String query, MultiMap headers) {}

  private Caller verify(Signed signed, String body) {
    return verifier.verify("POST", signed.path(), signed.query(), signed.headers(), Buffer.buffer(body));
  }

  private void assertRefused(Signed signed, String body, String type, String message) {
    assertThatThrownBy(() -> verify(signed, body))
        .isInstanceOfSatisfying(DynamoDbException.class, e -> {
          assertThat(e.type()).isEqualTo("com.amazon.coral.service#" + type);
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith(message);
        });
  }

  /** Signs a GetItem of {@link #BODY} as the SDK would send it to a local node. */
  private static Signed sign(AwsCredentialsIdentity identity, Instant at, String region, String service,
      Consumer<SignRequest.Builder<AwsCredentialsIdentity>> more) {
    SdkHttpRequest request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:8111/"))
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem")
        .build();
    SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> {
      r.identity(identity)
          .request(request)
          .payload(ContentStreamProvider.fromUtf8String(BODY))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
          .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC));
      more.accept(r);
    }).request();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    signed.forEachHeader((name, values) -> values.forEach(value -> headers.add(name, value)));
    return new Signed(signed.encodedPath(), signed.encodedQueryParameters().orElse(null), headers);
  }
}
