package io.dynaccel.server.it;

import static io.dynaccel.server.it.RawHttp.AUTHORIZATION;
import static io.dynaccel.server.it.RawHttp.DATE;
import static io.dynaccel.server.it.RawHttp.TARGET_PREFIX;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.RawHttp.Answer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DynamoDB's request size limit, {@code server.maxRequestBytes} (16 MiB by default, as DynamoDB's):
 * a larger body gets DynamoDB's 413 (no body, sent chunked), whether its size is announced by
 * Content-Length or only found out while a chunked body streams in. The node answers as soon as it
 * knows, holds none of the excess, and the same connection then carries the next call.
 *
 * <p>Where dynalite departs: its 413 carries neither {@code x-amzn-RequestId} nor
 * {@code x-amz-crc32}; the accelerator sends both on every answer (the CRC32 of the empty body is 0).
 */
class RequestSizeLimitIT {

  private static final int LIMIT = 16 * 1024 * 1024;
  private static final String HEAD = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
      + "X-Amz-Target: " + TARGET_PREFIX + "ListTables\r\nX-Amz-Date: " + DATE + "\r\nAuthorization: " + AUTHORIZATION + "\r\n";

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
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  void call_whenBodyIsExactlyTheLimit_isServed() throws Exception {
    byte[] body = paddedListTables(LIMIT);
    for (URI endpoint : new URI[] {direct, accelerated}) {
      Answer answer = RawHttp.send(endpoint, "POST", "/", body, "Content-Type", "application/x-amz-json-1.0",
          "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
      assertThat(answer.status()).as(endpoint + " " + answer).isEqualTo(200);
    }
  }

  @Test
  void call_whenContentLengthOverLimit_answers413() throws Exception {
    byte[] body = paddedListTables(LIMIT + 1);
    Answer expected = RawHttp.send(direct, "POST", "/", body, "Content-Type", "application/x-amz-json-1.0",
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    Answer actual = RawHttp.send(accelerated, "POST", "/", body, "Content-Type", "application/x-amz-json-1.0",
        "X-Amz-Target", TARGET_PREFIX + "ListTables", "X-Amz-Date", DATE, "Authorization", AUTHORIZATION);
    assertSame413(expected, actual);
    assertStillServes();
  }

  @Test
  void call_whenChunkedBodyOverLimit_answers413AndConnectionCarriesNextCall() throws Exception {
    Answer[] expected = chunkedThenGet(direct);
    Answer[] actual = chunkedThenGet(accelerated);
    assertSame413(expected[0], actual[0]);
    RawHttp.assertSameAnswer("GET / on the connection after the 413", expected[1], actual[1]);
    assertStillServes();
  }

  /**
   * The accelerator answers from the header alone, before the body is sent (dynalite would wait for
   * 16 MiB of it): a client announcing a gigabyte gets its 413 at once, and the node holds nothing.
   */
  @Test
  void call_whenContentLengthAnnouncesOverLimit_answers413BeforeTheBody() throws Exception {
    try (Socket socket = connect(accelerated)) {
      OutputStream out = socket.getOutputStream();
      out.write((HEAD + "Content-Length: " + (1L << 30) + "\r\n\r\n{\"Limit\"").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Answer answer = RawHttp.read(socket.getInputStream());
      assertThat(answer.status()).isEqualTo(413);
      assertThat(answer.header("transfer-encoding")).isEqualTo("chunked");
      assertThat(answer.body()).isEmpty();
      RawHttp.assertCarriesIdAndChecksum("413 from the header", answer);
    }
    assertStillServes();
  }

  /**
   * A client that asks for "100 Continue" before sending a body over the limit gets the 413 instead
   * and never sends the body, so the node closes the connection after it (dynalite sends
   * "100 Continue", reads 16 MiB and then answers the same 413).
   */
  @Test
  void call_whenExpectingContinueOverLimit_answers413WithoutTheBody() throws Exception {
    byte[] body = paddedListTables(LIMIT + 1);
    Answer expected = expectingContinue(direct, body, false);
    Answer actual = expectingContinue(accelerated, body, true);
    assertSame413(expected, actual);
    assertStillServes();
  }

  @Test
  void call_whenExpectingContinueWithinLimit_getsContinueAndIsServed() throws Exception {
    try (Socket socket = connect(accelerated)) {
      OutputStream out = socket.getOutputStream();
      out.write((HEAD + "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(100);
      out.write("{}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(200);
    }
  }

  /**
   * Sends the head with "Expect: 100-continue" and the body only if the server asks for it, as a
   * client that expects continue does; returns the final answer, and checks that the connection is
   * closed after it when {@code closedAfter}.
   */
  private static Answer expectingContinue(URI endpoint, byte[] body, boolean closedAfter) throws Exception {
    try (Socket socket = connect(endpoint)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write((HEAD + "Content-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Answer answer = RawHttp.read(in);
      if (answer.status() == 100) {
        out.write(body);
        out.flush();
        answer = RawHttp.read(in);
      }
      if (closedAfter) {
        assertThat(in.read()).as("connection closed after the 413").isEqualTo(-1);
      }
      return answer;
    }
  }

  /** Streams a chunked ListTables body one chunk past the limit, then sends GET / on the same connection. */
  private static Answer[] chunkedThenGet(URI endpoint) throws Exception {
    try (Socket socket = connect(endpoint)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write((HEAD + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) ' ');
      byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      out.write("2\r\n{}\r\n".getBytes(StandardCharsets.US_ASCII));
      for (long sent = 2; sent <= LIMIT; sent += chunk.length) {
        out.write(size);
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Answer tooLarge = RawHttp.read(in);
      out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new Answer[] {tooLarge, RawHttp.read(in)};
    }
  }

  private static void assertSame413(Answer expected, Answer actual) {
    String description = "413\n  direct:      " + expected + "\n  accelerated: " + actual;
    assertThat(expected.status()).as(description).isEqualTo(413);
    assertThat(actual.status()).as(description).isEqualTo(413);
    assertThat(actual.body()).as(description).isEqualTo(expected.body()).isEmpty();
    assertThat(actual.header("transfer-encoding")).as(description).isEqualTo(expected.header("transfer-encoding"));
    assertThat(actual.header("content-type")).as(description).isEqualTo(expected.header("content-type"));
    RawHttp.assertCarriesIdAndChecksum(description, actual);
  }

  private static void assertStillServes() throws Exception {
    assertThat(RawHttp.call(accelerated, "ListTables", "{}").status()).isEqualTo(200);
  }

  /** A ListTables body of exactly {@code size} bytes: {@code {}} and then spaces, which JSON allows. */
  private static byte[] paddedListTables(int size) {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[1] = '}';
    return body;
  }

  private static Socket connect(URI endpoint) throws Exception {
    Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
    socket.setSoTimeout(30_000);
    return socket;
  }
}
