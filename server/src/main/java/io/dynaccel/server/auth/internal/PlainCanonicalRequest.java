package io.dynaccel.server.auth.internal;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The SigV4 canonical request of a plain DynamoDB call, written straight into one builder: path
 * {@code /}, no query string, every signed header present once with a value that canonicalisation
 * leaves as it is (printable ASCII, no leading, trailing or doubled spaces), and {@code SignedHeaders}
 * already lower-case, sorted and free of duplicates. That is every call the AWS SDKs, the CLI and
 * boto3 send to DynamoDB.
 *
 * <p>Why not the SDK's {@code V4CanonicalRequest} for these: it needs an {@code SdkHttpRequest} built
 * first, then sorts, lower-cases and trims every header into new lists and strings, some nine kilobytes
 * and most of the verification's time per call, on the path of every cache hit. For exactly these
 * inputs its output is this one ({@code PlainCanonicalRequestTest} checks that against the SDK); for
 * any other call {@link #of} answers null and {@link SignatureVerifier} asks the SDK.
 */
final class PlainCanonicalRequest {

  private PlainCanonicalRequest() {
  }

  /**
   * The canonical request, or null when the call is not plain.
   *
   * @param signedHeaders the {@code SignedHeaders} value as the client sent it
   * @param payloadHash the hex SHA-256 of the body
   */
  static String of(String method, String path, String query, String signedHeaders, MultiMap headers, String payloadHash) {
    if (!"/".equals(path) || (query != null && !query.isEmpty()) || signedHeaders.isEmpty()) {
      return null;
    }
    StringBuilder canonical = new StringBuilder(512).append(method).append("\n/\n\n");
    String previous = null;
    int from = 0;
    while (from <= signedHeaders.length()) {
      int to = signedHeaders.indexOf(';', from);
      if (to < 0) {
        to = signedHeaders.length();
      }
      String name = signedHeaders.substring(from, to);
      if (!isPlainName(name) || (previous != null && previous.compareTo(name) >= 0) || isNeverSigned(name)) {
        return null;
      }
      List<String> values = headers.getAll(name);
      if (values.size() != 1 || !isPlainValue(values.get(0))) {
        return null;
      }
      canonical.append(name).append(':').append(values.get(0)).append('\n');
      previous = name;
      from = to + 1;
    }
    return canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash).toString();
  }

  private static boolean isPlainName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlainValue(String value) {
    int length = value.length();
    if (length == 0 || value.charAt(0) == ' ' || value.charAt(length - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c == ' ' ? value.charAt(i - 1) == ' ' : c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** The headers the SDK never signs; a call that lists one is left to the SDK, which refuses it. */
  private static boolean isNeverSigned(String name) {
    return name.equals("connection") || name.equals("user-agent") || name.equals("expect") || name.equals("x-amzn-trace-id");
  }
}
