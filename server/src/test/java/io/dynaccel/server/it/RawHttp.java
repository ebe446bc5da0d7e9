package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Sends HTTP requests exactly as written, to DynamoDB directly and through the accelerator, and
 * compares the answers at the HTTP level: status, {@code __type}, message, the headers DynamoDB
 * sends, and that each answer's {@code x-amz-crc32} is the CRC32 of its body.
 */
final class RawHttp {

  /** A well-formed (unverified) SigV4 signature: DynamoDB refuses unsigned calls. */
  static final String AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0";
  static final String DATE = "20260101T000000Z";
  static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private RawHttp() {}

  /** One HTTP answer, header names in lower case. */
  record Answer(int status, Map<String, String> headers, byte[] body) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The JSON body, or null when the body is not JSON. */
    JsonNode json() {
      try {
        return body.length == 0 ? null : Differential.JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }

    String type() {
      JsonNode json = json();
      return json == null || json.get("__type") == null ? null : json.get("__type").asText();
    }

    /** The message, whichever of {@code message} and {@code Message} carries it. */
    String message() {
      JsonNode json = json();
      if (json == null) {
        return null;
      }
      JsonNode message = json.has("message") ? json.get("message") : json.get("Message");
      return message == null ? null : message.asText();
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + text();
    }
  }

  /** Sends a request through {@link HttpClient}; {@code headers} alternate names and values. */
  static Answer send(URI endpoint, String method, String pathAndQuery, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, String> names = new TreeMap<>();
    response.headers().map().forEach((name, values) -> names.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
    return new Answer(response.statusCode(), names, response.body());
  }

  /** A signed API call in DynamoDB's own media type, as an SDK sends it. */
  static Answer call(URI endpoint, String operation, String body) throws Exception {
    return send(endpoint, "POST", "/", body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/x-amz-json-1.0",
        "X-Amz-Target", TARGET_PREFIX + operation, "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
  }

  /** Reads one HTTP/1.1 answer from a connection: status line, headers, and a sized or chunked body. */
  static Answer read(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(), (a, b) -> a + "," + b);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
      line(in);
    } else if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    }
    return new Answer(status, headers, body.toByteArray());
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed mid-answer after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /**
   * Asserts that the accelerator answered as DynamoDB did: the same status, {@code __type} and
   * message (or the same body when it is not JSON), the same media type and CORS headers; and that
   * both answers carry a request id and a {@code x-amz-crc32} that is the CRC32 of the body.
   */
  static void assertSameAnswer(String request, Answer direct, Answer accelerated) {
    String description = request + "\n  direct:      " + direct + "\n  accelerated: " + accelerated;
    assertThat(accelerated.status()).as(description).isEqualTo(direct.status());
    if (direct.json() != null) {
      assertThat(accelerated.type()).as(description).isEqualTo(direct.type());
      assertThat(accelerated.message()).as(description).isEqualTo(direct.message());
    } else {
      assertThat(accelerated.text()).as(description).isEqualTo(direct.text());
    }
    for (String header : List.of("content-type", "access-control-allow-origin", "access-control-allow-headers",
        "access-control-allow-methods", "access-control-max-age", "transfer-encoding")) {
      assertThat(accelerated.header(header)).as(header + " of " + description).isEqualTo(direct.header(header));
    }
    // dynalite leaves x-amz-crc32 off a CORS preflight; the accelerator sends it on every answer.
    assertThat(direct.header("x-amzn-requestid")).as("x-amzn-RequestId of " + description).matches("[0-9A-Z]{52}");
    if (direct.header("x-amz-crc32") != null) {
      assertThat(direct.header("x-amz-crc32")).as("x-amz-crc32 of " + description).isEqualTo(crc32(direct.body()));
    }
    assertCarriesIdAndChecksum(description, accelerated);
  }

  /** Asserts that an answer carries DynamoDB's request id and the CRC32 of its body. */
  static void assertCarriesIdAndChecksum(String description, Answer answer) {
    assertThat(answer.header("x-amzn-requestid")).as("x-amzn-RequestId of " + description).matches("[0-9A-Z]{52}");
    assertThat(answer.header("x-amz-crc32")).as("x-amz-crc32 of " + description).isEqualTo(crc32(answer.body()));
  }

  static String crc32(byte[] body) {
    CRC32 crc32 = new CRC32();
    crc32.update(body);
    return Long.toString(crc32.getValue());
  }
}
