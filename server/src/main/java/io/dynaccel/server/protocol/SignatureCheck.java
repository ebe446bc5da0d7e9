package io.dynaccel.server.protocol;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * Refuses a call that carries no AWS Signature Version 4 authentication, or one whose parts are
 * missing, with the error and wording DynamoDB uses. DynamoDB serves no unsigned request, so
 * neither may the accelerator: a client that works against the accelerator must work against
 * DynamoDB.
 *
 * <p>Only the presence and the form of the parts are checked here; whether the signature is right
 * is not (the accelerator signs its own upstream calls with its own credentials).
 *
 * <p>DynamoDB's rules, in its order:
 * <ol>
 *   <li>an {@code Authorization} header and an {@code X-Amz-Algorithm} query parameter together:
 *       {@code InvalidSignatureException};
 *   <li>neither, or a header that does not start with {@code AWS4-}:
 *       {@code MissingAuthenticationTokenException};
 *   <li>header form: every part after the algorithm, split at commas and spaces, is a
 *       {@code key=value} pair; {@code Credential}, {@code Signature} and {@code SignedHeaders} are
 *       there (the first two not empty); an {@code X-Amz-Date} or a {@code Date} header is there.
 *       Each missing part is named, then the header is quoted: {@code IncompleteSignatureException};
 *   <li>query form: {@code X-Amz-Algorithm}, {@code X-Amz-Credential}, {@code X-Amz-Signature},
 *       {@code X-Amz-SignedHeaders} and {@code X-Amz-Date} are all there and not empty.
 * </ol>
 */
public final class SignatureCheck {

  private static final CharSequence AUTHORIZATION = HttpHeaders.createOptimized("Authorization");
  private static final CharSequence X_AMZ_DATE = HttpHeaders.createOptimized("X-Amz-Date");
  private static final CharSequence DATE = HttpHeaders.createOptimized("Date");
  private static final String ALGORITHM_PARAMETER = "X-Amz-Algorithm";
  private static final List<String> QUERY_PARAMETERS =
      List.of(ALGORITHM_PARAMETER, "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date");

  private SignatureCheck() {}

  /**
   * Checks one call's authentication parts.
   *
   * @param headers the request headers
   * @param query the raw query string, or null when the URI has none
   * @throws DynamoDbException when DynamoDB would refuse the call for its authentication
   */
  public static void check(MultiMap headers, String query) {
    String authorization = headers.get(AUTHORIZATION);
    boolean hasHeader = authorization != null && !authorization.isEmpty();
    Map<String, List<String>> parameters = query == null ? Map.of() : new QueryStringDecoder(query, false).parameters();
    boolean hasQuery = parameters.containsKey(ALGORITHM_PARAMETER);
    if (hasHeader && hasQuery) {
      throw DynamoDbException.invalidSignature(
          "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    }
    if (hasHeader) {
      if (!authorization.strip().startsWith("AWS4-")) {
        throw DynamoDbException.missingAuthenticationToken();
      }
      checkHeader(authorization, hasValue(headers.get(X_AMZ_DATE)) || hasValue(headers.get(DATE)));
    } else if (hasQuery) {
      checkQuery(parameters);
    } else {
      throw DynamoDbException.missingAuthenticationToken();
    }
  }

  /** Walks the parts after the algorithm in place: a signed call costs no allocation here. */
  private static void checkHeader(String authorization, boolean dated) {
    int length = authorization.length();
    int at = nextSeparator(authorization, 0);
    boolean credential = false;
    boolean signature = false;
    boolean signedHeaders = false;
    while (at < length) {
      while (at < length && isSeparator(authorization.charAt(at))) {
        at++;
      }
      int from = at;
      at = nextSeparator(authorization, at);
      int to = at;
      while (from < to && authorization.charAt(from) <= ' ') {
        from++;
      }
      while (to > from && authorization.charAt(to - 1) <= ' ') {
        to--;
      }
      if (from == to) {
        continue;
      }
      int equals = authorization.indexOf('=', from);
      if (equals < 0 || equals >= to) {
        throw DynamoDbException.incompleteSignature("'" + authorization.substring(from, to)
            + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + authorization + "'.");
      }
      // A later pair of the same name replaces an earlier one; the value ends at a second '='.
      boolean valued = equals + 1 < to && authorization.charAt(equals + 1) != '=';
      if (isKey(authorization, from, equals, "Credential")) {
        credential = valued;
      } else if (isKey(authorization, from, equals, "Signature")) {
        signature = valued;
      } else if (isKey(authorization, from, equals, "SignedHeaders")) {
        // DynamoDB lets an empty SignedHeaders through this check (it fails the signature check later).
        signedHeaders = true;
      }
    }
    if (credential && signature && signedHeaders && dated) {
      return;
    }
    StringBuilder message = new StringBuilder();
    if (!credential) {
      message.append("Authorization header requires 'Credential' parameter. ");
    }
    if (!signature) {
      message.append("Authorization header requires 'Signature' parameter. ");
    }
    if (!signedHeaders) {
      message.append("Authorization header requires 'SignedHeaders' parameter. ");
    }
    if (!dated) {
      message.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
    }
    throw DynamoDbException.incompleteSignature(message.append("Authorization=").append(authorization).toString());
  }

  private static void checkQuery(Map<String, List<String>> parameters) {
    StringBuilder message = new StringBuilder();
    for (String parameter : QUERY_PARAMETERS) {
      List<String> values = parameters.get(parameter);
      if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
        message.append("AWS query-string parameters must include '").append(parameter).append("'. ");
      }
    }
    if (!message.isEmpty()) {
      throw DynamoDbException.incompleteSignature(message.append("Re-examine the query-string parameters.").toString());
    }
  }

  /** The index of the next comma or space from {@code from}, or the length; indexOf is the fast scan. */
  private static int nextSeparator(String text, int from) {
    int comma = text.indexOf(',', from);
    int space = text.indexOf(' ', from);
    if (comma < 0) {
      return space < 0 ? text.length() : space;
    }
    return space < 0 ? comma : Math.min(comma, space);
  }

  private static boolean isSeparator(char c) {
    return c == ',' || c == ' ';
  }

  private static boolean isKey(String text, int from, int to, String key) {
    return to - from == key.length() && text.startsWith(key, from);
  }

  private static boolean hasValue(String header) {
    return header != null && !header.isEmpty();
  }
}
