package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that stop in the middle of a request hold up nobody, and are let go after the idle timeout. */
class SlowClientIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(upstream.emulator(), "server.idleTimeout=1s");
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  void call_whenOtherClientsStoppedMidRequest_isAnsweredPromptly() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Socket socket = new Socket("127.0.0.1", fixture.server().port());
      OutputStream out = socket.getOutputStream();
      out.write(("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
          + "Content-Type: application/x-amz-json-1.0\r\nContent-Length: 1000\r\n\r\n{\"Lim").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      stalled.add(socket);
    }

    long began = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      assertThat(fixture.call(fixture.endpoint(), "DynamoDB_20120810.ListTables", "{}").statusCode()).isEqualTo(200);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));

    // The idle timeout closes every stalled connection: reading from it reaches the end.
    for (Socket socket : stalled) {
      InputStream in = socket.getInputStream();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> in.read() == -1);
      socket.close();
    }
  }
}
