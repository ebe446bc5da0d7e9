package io.dynaccel.server.it;

import static io.dynaccel.server.it.RawHttp.AUTHORIZATION;
import static io.dynaccel.server.it.RawHttp.DATE;
import static io.dynaccel.server.it.RawHttp.TARGET_PREFIX;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.RawHttp.Answer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DynamoDB's HTTP front, request for request: the same raw request goes to DynamoDB directly and
 * through the accelerator, and the answers must agree in status, {@code __type}, message, media
 * type and CORS headers, and each must carry {@code x-amzn-RequestId} and a {@code x-amz-crc32}
 * that is the CRC32 of its body. Calls that name an item are sent cold and again once a signed
 * GetItem has put the item in the cache: what the cache holds must never change an answer.
 *
 * <p>DynamoDB checks in this order, and so must the accelerator: the media type (a bare 404), the
 * JSON, the operation, the signature's presence and form, then the members.
 */
class HttpFidelityIT {

  private static final String TABLE = "Fidelity";
  private static final String JSON_1_0 = "application/x-amz-json-1.0";
  private static final String ITEM_HITS = "dynaccel_item_cache_hits_total";

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static URI direct;
  private static URI accelerated;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    direct = directUpstream.endpoint();
    accelerated = fixture.endpoint();
    String create = Differential.hashTable("Fidelity", "id", "S");
    Differential.createTables(fixture, List.of(direct, accelerated), create);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  void call_whenNoAuthorization_answersMissingAuthenticationToken() throws Exception {
    assertSame("unsigned ListTables", "POST", "/", "{}", "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "ListTables");
    assertSame("empty Authorization", "POST", "/", "{}", "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "ListTables",
        "Authorization", "");
    coldAndWarm("unsigned", get -> {
      Answer answer = assertSame("unsigned GetItem " + get, "POST", "/", get, "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "GetItem",
          "X-Amz-Date", DATE);
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#MissingAuthenticationTokenException");
      assertThat(answer.message()).isEqualTo("Request is missing Authentication Token");
      assertThat(answer.header("content-type")).isEqualTo(JSON_1_0);
    });
  }

  @Test
  void call_whenAuthorizationIsNotSigV4_answersMissingAuthenticationToken() throws Exception {
    for (String authorization : List.of("AWS4", "Bearer abc", "AWS3-HTTPS AWSAccessKeyId=a,Algorithm=HmacSHA256,Signature=b")) {
      Answer answer = assertSame("Authorization: " + authorization, "POST", "/", "{}", "Content-Type", JSON_1_0,
          "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", authorization);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#MissingAuthenticationTokenException");
    }
  }

  @Test
  void call_whenAuthorizationLacksParts_answersIncompleteSignatureNamingEachPart() throws Exception {
    String[][] cases = {
        // {Authorization, date header name or "", the parts DynamoDB names}
        {"AWS4-", "", "'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires "
            + "'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
        {"AWS4- Signature=b Credential=a", "", "'SignedHeaders' parameter. Authorization header requires existence of either a "
            + "'X-Amz-Date' or a 'Date' header."},
        {"AWS4- Signature=b,Credential=a", "X-Amz-Date", "'SignedHeaders' parameter."},
        {"AWS4- Signature=b, Credential=a", "Date", "'SignedHeaders' parameter."},
        {"AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=0", "X-Amz-Date", "'Credential' parameter."},
        {"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host", "X-Amz-Date", "'Signature' parameter."},
        {AUTHORIZATION, "", "existence of either a 'X-Amz-Date' or a 'Date' header."},
    };
    for (String[] c : cases) {
      List<String> headers = new ArrayList<>(List.of("Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "ListTables", "Authorization", c[0]));
      if (!c[1].isEmpty()) {
        headers.addAll(List.of(c[1], c[1].equals("Date") ? "Thu, 01 Jan 2026 00:00:00 GMT" : DATE));
      }
      Answer answer = assertSame("Authorization: " + c[0], "POST", "/", "{}", headers.toArray(String[]::new));
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#IncompleteSignatureException");
      assertThat(answer.message()).isEqualTo("Authorization header requires " + c[2] + " Authorization=" + c[0]);
    }
  }

  /**
   * DynamoDB over dynalite: DynamoDB first requires every part to be a key=value pair and names the
   * first that is not ("'Credential' not a valid key=value pair (missing equal-sign) in
   * Authorization header: '…'.", as dynalite's own source records and as DynamoDB answers SDKs
   * whose key id holds a space); dynalite skips that check and lists missing parameters instead.
   */
  @Test
  void call_whenAuthorizationPartHasNoEqualSign_answersDynamoDbsKeyValueMessage() throws Exception {
    String[][] cases = {
        {"AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders", "Credential"},
        {"AWS4-HMAC-SHA256 Credential=AKID /20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
            "/20260101/us-east-1/dynamodb/aws4_request"},
    };
    for (String[] c : cases) {
      Answer answer = RawHttp.send(accelerated, "POST", "/", "{}".getBytes(StandardCharsets.UTF_8), "Content-Type", JSON_1_0,
          "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", c[0]);
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#IncompleteSignatureException");
      assertThat(answer.message()).isEqualTo("'" + c[1] + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + c[0] + "'.");
      RawHttp.assertCarriesIdAndChecksum(c[0], answer);
    }
  }

  @Test
  void call_whenSignedInQueryString_answersAsDynamoDb() throws Exception {
    String complete = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fdynamodb%2Faws4_request"
        + "&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=0";
    Answer served = assertSame("query-string signature", "POST", complete, "{}", "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "ListTables");
    assertThat(served.status()).isEqualTo(200);

    Answer empty = assertSame("empty X-Amz-Algorithm", "POST", "/?X-Amz-Algorithm", "{}", "Content-Type", JSON_1_0,
        "X-Amz-Target", TARGET_PREFIX + "ListTables");
    assertThat(empty.message()).isEqualTo("AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must include "
        + "'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include "
        + "'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.");
    Answer partial = assertSame("no X-Amz-SignedHeaders", "POST", complete.replace("&X-Amz-SignedHeaders=host", ""), "{}",
        "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "ListTables");
    assertThat(partial.type()).isEqualTo("com.amazon.coral.service#IncompleteSignatureException");

    Answer both = assertSame("header and query-string signature", "POST", complete, "{}", "Content-Type", JSON_1_0,
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertThat(both.type()).isEqualTo("com.amazon.coral.service#InvalidSignatureException");
    assertThat(both.message()).isEqualTo("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }

  @Test
  void call_whenSeveralChecksFail_answersTheFirstInDynamoDbsOrder() throws Exception {
    // Media type before everything: a foreign one with a body is a bare 404, signed or not.
    Answer mediaType = assertSame("foreign media type, unsigned, no target", "POST", "/", "hello", "Content-Type", "text/plain");
    assertThat(mediaType.status()).isEqualTo(404);
    // JSON before the operation and the signature.
    Answer json = assertSame("not JSON, unsigned, no target", "POST", "/", "hello", "Content-Type", JSON_1_0);
    assertThat(json.type()).isEqualTo("com.amazon.coral.service#SerializationException");
    // The operation before the signature.
    Answer operation = assertSame("unknown target, unsigned", "POST", "/", "{}", "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "ListTable");
    assertThat(operation.type()).isEqualTo("com.amazon.coral.service#UnknownOperationException");
    Answer noTarget = assertSame("no target, no media type, no body", "POST", "/", "");
    assertThat(noTarget.type()).isEqualTo("com.amazon.coral.service#UnknownOperationException");
    // The signature before the body's shape and members.
    for (String body : List.of("", "[]", "{\"TableName\":1}")) {
      Answer signature = assertSame("unsigned GetItem " + body, "POST", "/", body, "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "GetItem");
      assertThat(signature.type()).isEqualTo("com.amazon.coral.service#MissingAuthenticationTokenException");
    }
    Answer empty = assertSame("signed GetItem, no body", "POST", "/", "", "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "GetItem",
        "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertThat(empty.type()).isEqualTo("com.amazon.coral.service#SerializationException");
  }

  @Test
  void call_whenMediaTypeMissingOrForeign_answersUnknownOperation404() throws Exception {
    List<String> foreign = List.of("whatever", "application/x-amz-json-1.1", "application/jsonasdf", "text/plain", "application/x-www-form-urlencoded");
    for (String mediaType : foreign) {
      Answer answer = assertSame("Content-Type: " + mediaType, "POST", "/", "{}", "Content-Type", mediaType,
          "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.text()).isEqualTo("<UnknownOperationException/>\n");
    }
    coldAndWarm("no-media-type", get -> {
      Answer answer = assertSame("no Content-Type " + get, "POST", "/", get, "X-Amz-Target", TARGET_PREFIX + "GetItem",
          "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.header("x-amz-crc32")).isEqualTo("3552371480");
    });
  }

  @Test
  void call_whenBodyIsNotJson_answersSerializationException() throws Exception {
    for (String mediaType : List.of(JSON_1_0, "application/json", "application/json;", "  application/json  ;  asfd", "application/x-amz-json-1.0;blahblah")) {
      for (String operation : List.of("ListTables", "GetItem")) {
        Answer answer = assertSame(operation + " 'hello' as " + mediaType, "POST", "/", "hello", "Content-Type", mediaType,
            "X-Amz-Target", TARGET_PREFIX + operation, "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.type()).isEqualTo("com.amazon.coral.service#SerializationException");
      }
    }
  }

  @Test
  void call_whenSentAsApplicationJson_answersInApplicationJson() throws Exception {
    for (String mediaType : List.of("application/json", "application/json; charset=utf-8", "  application/json  ;  asfd")) {
      Answer answer = assertSame("ListTables as " + mediaType, "POST", "/", "{}", "Content-Type", mediaType,
          "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("content-type")).isEqualTo("application/json");
    }
    Answer parameters = assertSame("ListTables as 1.0 with parameters", "POST", "/", "{}", "Content-Type", "application/x-amz-json-1.0;blahblah",
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertThat(parameters.header("content-type")).isEqualTo(JSON_1_0);
    coldAndWarm("json", get -> {
      Answer answer = assertSame("GetItem as application/json " + get, "POST", "/", get, "Content-Type", "application/json",
          "X-Amz-Target", TARGET_PREFIX + "GetItem", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("content-type")).isEqualTo("application/json");
      Answer error = assertSame("GetItem as application/json, no table", "POST", "/", "{}", "Content-Type", "application/json",
          "X-Amz-Target", TARGET_PREFIX + "GetItem", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(error.header("content-type")).isEqualTo("application/json");
    });
  }

  @Test
  void preflight_whenOptionsWithOrigin_answersCorsForTwoDays() throws Exception {
    Answer plain = assertSame("OPTIONS with Origin", "OPTIONS", "/", null, "Origin", "https://example.com");
    Answer asked = assertSame("OPTIONS with Origin and asked headers and method", "OPTIONS", "/", null, "Origin", "https://example.com",
        "Access-Control-Request-Headers", "content-type, x-amz-target, authorization", "Access-Control-Request-Method", "POST");
    for (Answer answer : List.of(plain, asked)) {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("access-control-allow-origin")).isEqualTo("*");
      assertThat(answer.header("access-control-max-age")).isEqualTo("172800");
      assertThat(answer.body()).isEmpty();
    }
    assertThat(asked.header("access-control-allow-headers")).isEqualTo("content-type, x-amz-target, authorization");
    assertThat(asked.header("access-control-allow-methods")).isEqualTo("POST");
  }

  @Test
  void call_whenOriginSent_answersWithAllowOrigin() throws Exception {
    assertSame("ListTables with Origin", "POST", "/", "{}", "Origin", "https://example.com", "Content-Type", JSON_1_0,
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertSame("unsigned with Origin", "POST", "/", "{}", "Origin", "https://example.com", "Content-Type", JSON_1_0,
        "X-Amz-Target", TARGET_PREFIX + "ListTables");
    assertSame("PUT with Origin", "PUT", "/", "{}", "Origin", "https://example.com");
    assertSame("GET with Origin", "GET", "/", null, "Origin", "https://example.com");
    coldAndWarm("origin", get -> {
      Answer answer = assertSame("GetItem with Origin " + get, "POST", "/", get, "Origin", "https://example.com", "Content-Type", JSON_1_0,
          "X-Amz-Target", TARGET_PREFIX + "GetItem", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.header("access-control-allow-origin")).isEqualTo("*");
    });
  }

  @Test
  void method_whenNotPost_answersUnknownOperation404() throws Exception {
    for (String method : List.of("PUT", "DELETE", "PATCH", "OPTIONS")) {
      Answer answer = assertSame(method + " /", method, "/", method.equals("OPTIONS") ? null : "{}", "Content-Type", JSON_1_0,
          "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.text()).isEqualTo("<UnknownOperationException/>\n");
    }
    // DynamoDB reads the call, not the path.
    Answer path = assertSame("ListTables on another path", "POST", "/some/path", "{}", "Content-Type", JSON_1_0,
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertThat(path.status()).isEqualTo(200);
  }

  @Test
  void get_whenAnyApiPath_answersHealthLineOfTheRegion() throws Exception {
    for (String path : List.of("/", "/anything", "/?x=1")) {
      Answer answer = assertSame("GET " + path, "GET", path, null);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.text()).isEqualTo("healthy: dynamodb." + acceleratedUpstream.emulator().region() + ".amazonaws.com ");
    }
    // The node's health keeps its path; its metrics are on the admin listener, so on the API port
    // /metrics is one more API path and gets DynamoDB's health line.
    Answer health = RawHttp.send(accelerated, "GET", "/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.text()).contains("UP");
    assertSame("GET /metrics", "GET", "/metrics", null);
    Answer metrics = RawHttp.send(fixture.adminEndpoint(), "GET", "/metrics", null);
    assertThat(metrics.text()).contains("dynaccel_requests_seconds_count");
  }

  @Test
  void call_whenBodyStartsWithByteOrderMark_answersSerializationException() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    Answer list = assertSameBytes("ListTables after a BOM", "POST", "/", concat(bom, "{}".getBytes(StandardCharsets.UTF_8)), "Content-Type", JSON_1_0,
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertThat(list.type()).isEqualTo("com.amazon.coral.service#SerializationException");
    coldAndWarm("bom", get -> {
      Answer answer = assertSameBytes("GetItem after a BOM " + get, "POST", "/", concat(bom, get.getBytes(StandardCharsets.UTF_8)), "Content-Type", JSON_1_0,
          "X-Amz-Target", TARGET_PREFIX + "GetItem", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#SerializationException");
    });
  }

  /**
   * DynamoDB over dynalite: DynamoDB's strings are UTF-8 and a byte that no UTF-8 text holds makes
   * the body unreadable (SerializationException); dynalite decodes it to U+FFFD and reads on. The
   * warm case caches the item whose key is U+FFFD, which a lenient decoder would then serve.
   */
  @Test
  void call_whenStringHoldsRawFfByte_answersSerializationException() throws Exception {
    coldAndWarm("\uFFFD", get -> {
      byte[] body = get.replace("\uFFFD", "\u0000").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < body.length; i++) {
        if (body[i] == 0) {
          body[i] = (byte) 0xFF;
        }
      }
      Answer answer = RawHttp.send(accelerated, "POST", "/", body, "Content-Type", JSON_1_0, "X-Amz-Target", TARGET_PREFIX + "GetItem",
          "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#SerializationException");
      RawHttp.assertCarriesIdAndChecksum("0xFF in a key", answer);
    });
  }

  /**
   * DynamoDB over dynalite: DynamoDB's request is a JSON object (every operation's request syntax),
   * and its deserializer answers a list where it expects a structure with "Start of list found where
   * not expected"; dynalite reads a bare list as an empty object.
   */
  @Test
  void call_whenBodyIsBareList_answersSerializationException() throws Exception {
    for (String operation : List.of("ListTables", "GetItem", "PutItem")) {
      Answer answer = RawHttp.send(accelerated, "POST", "/", "[]".getBytes(StandardCharsets.UTF_8), "Content-Type", JSON_1_0,
          "X-Amz-Target", TARGET_PREFIX + operation, "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).as(operation).isEqualTo(400);
      assertThat(answer.type()).isEqualTo("com.amazon.coral.service#SerializationException");
      assertThat(answer.message()).isEqualTo("Start of list found where not expected");
      RawHttp.assertCarriesIdAndChecksum("[] for " + operation, answer);
    }
  }

  private static Answer assertSame(String description, String method, String path, String body, String... headers) throws Exception {
    return assertSameBytes(description, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static Answer assertSameBytes(String description, String method, String path, byte[] body, String... headers) throws Exception {
    Answer expected = RawHttp.send(direct, method, path, body, headers);
    Answer actual = RawHttp.send(accelerated, method, path, body, headers);
    RawHttp.assertSameAnswer(description, expected, actual);
    return actual;
  }

  /** A check that runs against one item twice: before the node has cached it, and after. */
  private interface ItemCheck {
    void run(String getItemBody) throws Exception;
  }

  /**
   * Writes an item to both DynamoDBs (past the accelerator, so its cache stays cold), runs the check,
   * fills the cache with signed GetItems, and runs the check again.
   */
  private static void coldAndWarm(String key, ItemCheck check) throws Exception {
    String item = "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"id\":{\"S\":\"" + key + "\"},\"v\":{\"S\":\"value\"}}}";
    assertThat(RawHttp.call(direct, "PutItem", item).status()).isEqualTo(200);
    assertThat(RawHttp.call(acceleratedUpstream.endpoint(), "PutItem", item).status()).isEqualTo(200);
    String get = "{\"TableName\":\"" + TABLE + "\",\"Key\":{\"id\":{\"S\":\"" + key + "\"}}}";
    check.run(get);
    double hits = fixture.metric(ITEM_HITS);
    assertThat(RawHttp.call(accelerated, "GetItem", get).status()).isEqualTo(200);
    assertThat(RawHttp.call(accelerated, "GetItem", get).status()).isEqualTo(200);
    assertThat(fixture.metric(ITEM_HITS)).as("the item is cached").isGreaterThan(hits);
    check.run(get);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(first);
    out.writeBytes(second);
    return out.toByteArray();
  }
}
