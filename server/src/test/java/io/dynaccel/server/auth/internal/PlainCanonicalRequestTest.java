package io.dynaccel.server.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4CanonicalRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The canonical request written for plain calls must be the SDK's own, character for character. */
class PlainCanonicalRequestTest {

  private static final String HASH = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  @Test
  void of_whenSignedBySdk_equalsTheSdksCanonicalRequest() {
    for (Map<String, String> extra : List.of(
        Map.<String, String>of(),
        Map.of("X-Amz-Security-Token", "FwoGZXIvYXdzE+/token=="),
        Map.of("amz-sdk-invocation-id", "0d3c2f6e-1b2a-4c1d-9e8f-123456789abc", "amz-sdk-request", "attempt=1; max=4"),
        Map.of("Content-Length", "52", "Accept-Encoding", "identity", "X-Amz-Content-Sha256", HASH))) {
      SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("http://127.0.0.1:8111/"))
          .putHeader("Content-Type", "application/x-amz-json-1.0")
          .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem");
      extra.forEach(unsigned::putHeader);
      SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create("AKID", "secret"))
          .request(unsigned.build())
          .payload(ContentStreamProvider.fromUtf8String("{}"))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
          .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      signed.forEachHeader((name, values) -> values.forEach(value -> headers.add(name, value)));
      String authorization = headers.get("Authorization");
      String signedHeaders = authorization.substring(authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature"));

      assertThat(PlainCanonicalRequest.of("POST", "/", null, signedHeaders, headers, HASH))
          .isEqualTo(sdkCanonical(signedHeaders, headers));
    }
  }

  @Test
  void of_whenNotPlain_leavesItToTheSdk() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("host", "127.0.0.1:8111").add("x-amz-date", "20260301T120000Z")
        .add("x-spaced", "a  b").add("x-padded", " a").add("x-twice", "a").add("X-Twice", "b").add("x-tab", "a\tb")
        .add("user-agent", "aws-sdk-java");

    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;x-amz-date", headers, HASH)).isNotNull();
    assertThat(PlainCanonicalRequest.of("POST", "/x", null, "host;x-amz-date", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", "a=1", "host;x-amz-date", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "x-amz-date;host", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "Host;x-amz-date", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;host", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;x-missing", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;x-spaced", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;x-padded", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;x-twice", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;x-tab", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "host;user-agent", headers, HASH)).isNull();
    assertThat(PlainCanonicalRequest.of("POST", "/", null, "", headers, HASH)).isNull();
  }

  private static String sdkCanonical(String signedHeaders, MultiMap headers) {
    Map<String, List<String>> signedOnly = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : signedHeaders.split(";")) {
      signedOnly.put(name, headers.getAll(name));
    }
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http").host("localhost").encodedPath("/");
    signedOnly.forEach(request::putHeader);
    return new V4CanonicalRequest(request.build(), HASH, new V4CanonicalRequest.Options(true, false)).getCanonicalRequestString();
  }
}
