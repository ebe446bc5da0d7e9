package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class SignatureCheckTest {

  private static final String SIGNED =
      "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  private static void assertRefused(MultiMap headers, String query, String type, String message) {
    assertThatThrownBy(() -> SignatureCheck.check(headers, query))
        .isInstanceOfSatisfying(DynamoDbException.class, e -> {
          org.assertj.core.api.Assertions.assertThat(e.type()).isEqualTo("com.amazon.coral.service#" + type);
          org.assertj.core.api.Assertions.assertThat(e.statusCode()).isEqualTo(400);
          org.assertj.core.api.Assertions.assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void check_whenHeaderComplete_passes() {
    assertThatCode(() -> SignatureCheck.check(headers("Authorization", SIGNED, "X-Amz-Date", "20260101T000000Z"), null))
        .doesNotThrowAnyException();
    assertThatCode(() -> SignatureCheck.check(headers("Authorization", SIGNED.replace(", ", ","), "Date", "Thu, 01 Jan 2026 00:00:00 GMT"), null))
        .doesNotThrowAnyException();
  }

  @Test
  void check_whenSignedHeadersEmpty_passesAsDynamoDbDoes() {
    assertThatCode(() -> SignatureCheck.check(headers("Authorization", "AWS4-HMAC-SHA256 Credential=k, SignedHeaders=, Signature=abc",
        "X-Amz-Date", "20260101T000000Z"), null)).doesNotThrowAnyException();
  }

  @Test
  void check_whenNothingSigned_refusesAsMissingToken() {
    assertRefused(headers(), null, "MissingAuthenticationTokenException", "Request is missing Authentication Token");
    assertRefused(headers("Authorization", ""), "", "MissingAuthenticationTokenException", "Request is missing Authentication Token");
    assertRefused(headers("Authorization", "AWS4", "X-Amz-Date", "d"), null, "MissingAuthenticationTokenException",
        "Request is missing Authentication Token");
  }

  @Test
  void check_whenPartsMissing_namesEachAndQuotesTheHeader() {
    assertRefused(headers("Authorization", "AWS4-"), null, "IncompleteSignatureException",
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
            + "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a "
            + "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-");
    assertRefused(headers("Authorization", "AWS4- Signature=b,Credential=a==x", "X-Amz-Date", "d"), null, "IncompleteSignatureException",
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b,Credential=a==x");
    assertRefused(headers("Authorization", "AWS4- Signature=b,Credential==a,SignedHeaders=h", "X-Amz-Date", "d"), null,
        "IncompleteSignatureException", "Authorization header requires 'Credential' parameter. Authorization=AWS4- Signature=b,Credential==a,SignedHeaders=h");
  }

  @Test
  void check_whenLaterPairRepeatsName_laterOneCounts() {
    assertThatCode(() -> SignatureCheck.check(headers("Authorization", "AWS4- Credential=, Credential=k, SignedHeaders=h, Signature=s",
        "X-Amz-Date", "d"), null)).doesNotThrowAnyException();
    assertRefused(headers("Authorization", "AWS4- Credential=k, Credential=, SignedHeaders=h, Signature=s", "X-Amz-Date", "d"), null,
        "IncompleteSignatureException", "Authorization header requires 'Credential' parameter. Authorization=AWS4- Credential=k, Credential=, SignedHeaders=h, Signature=s");
  }

  @Test
  void check_whenPartLacksEqualSign_namesTheFirstSuchPart() {
    String header = "AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders";
    assertRefused(headers("Authorization", header, "X-Amz-Date", "d"), null, "IncompleteSignatureException",
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: '" + header + "'.");
  }

  @Test
  void check_whenSignedInQuery_requiresEveryParameter() {
    String complete = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20260101&X-Amz-Date=d&X-Amz-SignedHeaders=host&X-Amz-Signature=s";
    assertThatCode(() -> SignatureCheck.check(headers(), complete)).doesNotThrowAnyException();
    assertRefused(headers(), "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k&X-Amz-Date=d&X-Amz-Signature=", "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
            + "Re-examine the query-string parameters.");
    // Query parameter names are case-sensitive: this is no query signature at all.
    assertRefused(headers(), complete.toLowerCase(), "MissingAuthenticationTokenException", "Request is missing Authentication Token");
  }

  @Test
  void check_whenSignedBothWays_refusesAsInvalidSignature() {
    assertRefused(headers("Authorization", SIGNED, "X-Amz-Date", "d"), "X-Amz-Algorithm=AWS4-HMAC-SHA256", "InvalidSignatureException",
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
}
