package io.dynaccel.server.auth.internal;

import io.dynaccel.config.AuthConfig;
import io.dynaccel.config.AuthPrincipal;
import io.dynaccel.server.protocol.DynamoDbException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4CanonicalRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.util.SignerUtils;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.BinaryUtils;

/**
 * Verifies a call's AWS Signature Version 4 as DynamoDB does, and names the principal that signed it.
 *
 * <p>The invariant: a call is accepted only if its signature equals the one the AWS SDK itself computes
 * for the same request with the principal's secret, over the signed headers, the path, the query and the
 * SHA-256 of the body as it arrived; the date must be within 15 minutes of the clock either way and the
 * scope must name {@code dynamodb}, an allowed region and {@code aws4_request}. Checks that need no secret
 * come first, in DynamoDB's wording; the signatures are compared in constant time.
 *
 * <p><b>Decision: SDK internals, not {@code AwsV4HttpSigner}.</b> The public signer derives the signing key
 * (four HMACs) on every call and signs a request it builds itself, adding its own {@code Host} and date
 * headers. To reuse the SDK's canonicalisation exactly and still cache keys, this class uses the SDK's
 * {@code V4CanonicalRequest} (the canonical request), {@code SignerUtils} (hashes, key derivation,
 * signature) and {@code CredentialScope}, the same pieces {@code DefaultV4RequestSigner} is made of; only
 * the four-line string to sign is assembled here, exactly as that class does. They are
 * {@code @SdkInternalApi}: an SDK upgrade may move them, which the unit tests (which sign with the public
 * {@code AwsV4HttpSigner}) would catch at once. One consequence of reusing {@code V4CanonicalRequest}: it
 * never signs {@code connection}, {@code user-agent}, {@code expect} or {@code x-amzn-trace-id}, so a
 * client that lists one of those in {@code SignedHeaders} (the AWS SDKs do not) is refused.
 *
 * <p><b>Decision: plain calls skip the SDK's canonical request.</b> Building it costs most of a
 * verification, and the budget for authentication is a tenth of a cache hit. For a plain
 * call ({@link PlainCanonicalRequest}: path {@code /}, no query, signed headers that canonicalise to
 * themselves, which is what every AWS SDK sends) the same string is written directly; a plain call
 * whose signature does not match is canonicalised again by the SDK, which then decides, so no call
 * the SDK's canonicalisation accepts is refused.
 */
public final class SignatureVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureVerifier.class);

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String SERVICE = "dynamodb";
  private static final String TERMINATOR = "aws4_request";
  private static final Duration SKEW = Duration.ofMinutes(15);
  private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final CharSequence AUTHORIZATION = HttpHeaders.createOptimized("Authorization");
  private static final CharSequence X_AMZ_DATE = HttpHeaders.createOptimized("X-Amz-Date");
  private static final CharSequence DATE = HttpHeaders.createOptimized("Date");
  private static final CharSequence SECURITY_TOKEN = HttpHeaders.createOptimized("X-Amz-Security-Token");
  private static final String SIGNATURE_PARAMETER = "X-Amz-Signature";
  private static final String MISMATCH = "The request signature we calculated does not match the signature you provided."
      + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
  // Double URL-encoding and path normalisation are what AwsV4HttpSigner does for every service but S3.
  private static final V4CanonicalRequest.Options CANONICAL = new V4CanonicalRequest.Options(true, true);
  // "/" (every DynamoDB call) normalises to itself; skipping it skips building and parsing a java.net.URI.
  private static final V4CanonicalRequest.Options CANONICAL_ROOT = new V4CanonicalRequest.Options(true, false);

  private final Map<String, Principal> principals = new HashMap<>();
  private final Map<String, AwsCredentialsIdentity> credentials = new HashMap<>();
  private final Set<String> regions;
  private final Clock clock;
  private final SigningKeys keys = new SigningKeys();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * Creates the verifier of the configured principals.
   *
   * @param upstreamRegion the only region allowed when {@code auth.regions} is empty
   * @param clock the time signature dates are checked against
   */
  public SignatureVerifier(AuthConfig auth, String upstreamRegion, Clock clock) {
    for (AuthPrincipal principal : auth.principals()) {
      principals.put(principal.accessKeyId(), Principal.of(principal, auth.accountId()));
      credentials.put(principal.accessKeyId(), AwsCredentialsIdentity.create(principal.accessKeyId(), principal.secretAccessKey()));
    }
    this.regions = Set.copyOf(auth.allowedRegions(upstreamRegion));
    this.clock = clock;
  }

  /** How many derived signing keys are cached; for tests of the cache. */
  long signingKeysHeld() {
    return keys.size();
  }

  /** The parts of a signature, from the {@code Authorization} header or from the query string. */
  private record Parts(String algorithm, String credential, String signedHeaders, String signature, String date,
      String token, Map<String, List<String>> query) {}

  /**
   * Verifies one call; {@link io.dynaccel.server.protocol.SignatureCheck} has already checked that the parts are there.
   *
   * @param method the HTTP method
   * @param path the raw request path
   * @param query the raw query string, or null
   * @return the caller that signed it
   * @throws DynamoDbException with DynamoDB's error when the signature is not valid
   */
  public Caller verify(String method, String path, String query, MultiMap headers, Buffer body) {
    String authorization = headers.get(AUTHORIZATION);
    Parts parts = authorization != null && !authorization.isEmpty() ? fromHeader(authorization, headers, query) : fromQuery(query);
    String[] scope = parts.credential().split("/", -1);
    if (scope.length != 5) {
      throw DynamoDbException.incompleteSignature("Credential must have exactly 5 slash-delimited elements, "
          + "e.g. keyid/date/region/service/term, got '" + parts.credential() + "'");
    }
    if (!scope[4].equals(TERMINATOR)) {
      throw DynamoDbException.invalidSignature("Credential should be scoped with a valid terminator: 'aws4_request', not '"
          + scope[4] + "'. ");
    }
    Instant signed = parseDate(parts.date());
    String signedBasic = isBasic(parts.date()) ? parts.date() : BASIC.format(signed);
    if (!signedBasic.startsWith(scope[1]) || scope[1].length() != 8) {
      throw DynamoDbException.invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
          + scope[1] + "' != '" + signedBasic.substring(0, 8) + "', from '" + parts.date() + "'.");
    }
    checkSkew(signed);
    if (!regions.contains(scope[2])) {
      throw DynamoDbException.invalidSignature("Credential should be scoped to a valid region, not '" + scope[2] + "'. ");
    }
    if (!scope[3].equals(SERVICE)) {
      throw DynamoDbException.invalidSignature("Credential should be scoped to correct service: '" + SERVICE + "'. ");
    }
    Principal principal = principals.get(scope[0]);
    if (principal == null) {
      throw DynamoDbException.unrecognizedClient();
    }
    checkToken(principal, parts.token());
    if (!parts.algorithm().equals(ALGORITHM)) {
      throw DynamoDbException.invalidSignature(MISMATCH);
    }
    // The scope as signed: date/region/service/terminator, the credential after its key id.
    String credentialScope = parts.credential().substring(scope[0].length() + 1);
    byte[] provided;
    try {
      provided = BinaryUtils.fromHex(parts.signature());
    } catch (RuntimeException e) {
      throw DynamoDbException.invalidSignature(MISMATCH);
    }
    byte[] key = keys.key(credentials.get(principal.config().accessKeyId()), scope[1], scope[2], SERVICE,
        () -> new CredentialScope(scope[2], SERVICE, signed));
    String payloadHash = BinaryUtils.toHex(hash(body));
    String plain = PlainCanonicalRequest.of(method, path, query, parts.signedHeaders(), headers, payloadHash);
    if (plain == null || !MessageDigest.isEqual(signature(plain, signedBasic, credentialScope, key), provided)) {
      // Every other call, and a plain one whose signature did not match, is canonicalised by the SDK: it decides.
      byte[] expected = sdkSignature(method, path, headers, payloadHash, parts, signedBasic, credentialScope, key);
      if (expected == null || !MessageDigest.isEqual(expected, provided)) {
        throw DynamoDbException.invalidSignature(MISMATCH);
      }
    }
    return new Caller(principal, scope[2]);
  }

  /**
   * The signature the SDK computes for this request, or null when the request's {@code SignedHeaders}
   * cannot be what the SDK would sign (a listed header is absent, or is one the SDK never signs).
   */
  private static byte[] sdkSignature(String method, String path, MultiMap headers, String payloadHash, Parts parts,
      String dateTime, String credentialScope, byte[] key) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(method))
        .protocol("http")
        .host("localhost")
        .encodedPath(path);
    for (String name : parts.signedHeaders().split(";")) {
      List<String> values = headers.getAll(name);
      if (name.isEmpty() || values.isEmpty()) {
        return null;
      }
      request.putHeader(name, values);
    }
    parts.query().forEach((name, values) -> {
      if (!name.equals(SIGNATURE_PARAMETER)) {
        request.putRawQueryParameter(name, values);
      }
    });
    V4CanonicalRequest canonical = new V4CanonicalRequest(request.build(), payloadHash, path.equals("/") ? CANONICAL_ROOT : CANONICAL);
    if (!canonical.getSignedHeadersString().equals(parts.signedHeaders().toLowerCase(Locale.ROOT))) {
      return null;
    }
    return signature(canonical.getCanonicalRequestString(), dateTime, credentialScope, key);
  }

  /** The signature of a canonical request, with the string to sign exactly as DefaultV4RequestSigner writes it. */
  private static byte[] signature(String canonicalRequest, String dateTime, String credentialScope, byte[] key) {
    String stringToSign = ALGORITHM + "\n" + dateTime + "\n" + credentialScope + "\n" + SignerUtils.hashCanonicalRequest(canonicalRequest);
    return SignerUtils.computeSignature(stringToSign, key);
  }

  private static byte[] hash(Buffer body) {
    ByteBuf bytes = ((BufferInternal) body).getByteBuf();
    return SignerUtils.hash(bytes.nioBuffer());
  }

  private void checkSkew(Instant signed) {
    Instant now = clock.instant();
    if (signed.isBefore(now.minus(SKEW))) {
      throw DynamoDbException.invalidSignature("Signature expired: " + BASIC.format(signed) + " is now earlier than "
          + BASIC.format(now.minus(SKEW)) + " (" + BASIC.format(now) + " - 15 min.)");
    }
    if (signed.isAfter(now.plus(SKEW))) {
      throw DynamoDbException.invalidSignature("Signature not yet current: " + BASIC.format(signed) + " is still later than "
          + BASIC.format(now.plus(SKEW)) + " (" + BASIC.format(now) + " + 15 min.)");
    }
  }

  /**
   * A principal configured with a session token must send exactly that token; one configured without must
   * send none. DynamoDB answers both as an unknown token; the operator gets the reason, once per principal.
   */
  private void checkToken(Principal principal, String token) {
    AuthPrincipal config = principal.config();
    boolean sent = token != null && !token.isEmpty();
    if (config.sessionToken().isEmpty()) {
      if (sent) {
        warnOnce(principal, "sent an X-Amz-Security-Token (temporary credentials), but no session token is configured "
            + "for it (sessionTokenFile / sessionTokenEnv); its calls with a token are refused");
        throw DynamoDbException.unrecognizedClient();
      }
      return;
    }
    if (!sent || !MessageDigest.isEqual(config.sessionToken().get().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      warnOnce(principal, (sent ? "sent an X-Amz-Security-Token that is not" : "sent no X-Amz-Security-Token, but needs")
          + " the session token configured for it; its calls are refused until they carry it");
      throw DynamoDbException.unrecognizedClient();
    }
  }

  private void warnOnce(Principal principal, String why) {
    if (warned.add(principal.config().accessKeyId())) {
      LOG.warn("Principal {} (access key {}) {}", principal.config().name(), principal.config().accessKeyId(), why);
    }
  }

  private static Parts fromHeader(String authorization, MultiMap headers, String query) {
    String text = authorization.strip();
    int space = text.indexOf(' ');
    String algorithm = space < 0 ? text : text.substring(0, space);
    String date = headers.get(X_AMZ_DATE);
    if (date == null || date.isEmpty()) {
      date = headers.get(DATE);
    }
    Map<String, List<String>> parameters = query == null ? Map.of() : new QueryStringDecoder(query, false).parameters();
    return new Parts(algorithm, pair(text, space, "Credential"), pair(text, space, "SignedHeaders"),
        pair(text, space, "Signature"), date, headers.get(SECURITY_TOKEN), parameters);
  }

  /**
   * The value of the last {@code key=value} pair of that key after the algorithm, pairs separated by commas
   * and spaces, as {@link io.dynaccel.server.protocol.SignatureCheck} reads them; "" if there is none.
   * Walked in place rather than split: this runs on every call.
   */
  private static String pair(String text, int from, String key) {
    String value = "";
    int at = from < 0 ? text.length() : from;
    while (at < text.length()) {
      while (at < text.length() && (text.charAt(at) == ',' || text.charAt(at) == ' ')) {
        at++;
      }
      int end = at;
      while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != ' ') {
        end++;
      }
      if (end - at > key.length() && text.startsWith(key, at) && text.charAt(at + key.length()) == '=') {
        value = text.substring(at + key.length() + 1, end);
      }
      at = end;
    }
    return value;
  }

  private static Parts fromQuery(String query) {
    Map<String, List<String>> parameters = new QueryStringDecoder(query, false).parameters();
    return new Parts(first(parameters, "X-Amz-Algorithm"), first(parameters, "X-Amz-Credential"),
        first(parameters, "X-Amz-SignedHeaders"), first(parameters, SIGNATURE_PARAMETER), first(parameters, "X-Amz-Date"),
        first(parameters, "X-Amz-Security-Token"), parameters);
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      value = value * 10 + text.charAt(i) - '0';
    }
    return value;
  }

  private static String first(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Whether {@code date} has the form {@code yyyyMMddTHHmmssZ}. */
  private static boolean isBasic(String date) {
    if (date == null || date.length() != 16 || date.charAt(8) != 'T' || date.charAt(15) != 'Z') {
      return false;
    }
    for (int i = 0; i < 15; i++) {
      if (i != 8 && (date.charAt(i) < '0' || date.charAt(i) > '9')) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code X-Amz-Date} in ISO 8601 basic format, or a {@code Date} header in RFC 1123 form. The basic
   * format is read by hand: it is on every call, and a DateTimeFormatter parse costs a microsecond.
   */
  private static Instant parseDate(String date) {
    try {
      if (isBasic(date)) {
        return LocalDateTime.of(digits(date, 0, 4), digits(date, 4, 2), digits(date, 6, 2), digits(date, 9, 2),
            digits(date, 11, 2), digits(date, 13, 2)).toInstant(ZoneOffset.UTC);
      }
      return Instant.from(BASIC.parse(date));
    } catch (DateTimeException e) {
      try {
        return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      } catch (DateTimeException again) {
        throw DynamoDbException.incompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + date
            + "'. See http://en.wikipedia.org/wiki/ISO_8601");
      }
    }
  }
}
