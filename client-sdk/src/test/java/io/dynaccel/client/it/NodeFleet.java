package io.dynaccel.client.it;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.localstack.DynamoDbEmulator;
import io.dynaccel.server.DynaccelServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Accelerator nodes started in this JVM in front of one emulator, each on its own fixed port so it can come back. */
final class NodeFleet implements AutoCloseable {

  static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private final DynamoDbEmulator upstream;
  private final int[] ports;
  private final DynaccelServer[] servers;

  private NodeFleet(DynamoDbEmulator upstream, int count) throws Exception {
    this.upstream = upstream;
    this.ports = new int[count];
    this.servers = new DynaccelServer[count];
    for (int i = 0; i < count; i++) {
      ports[i] = freePort();
      start(i);
    }
  }

  static NodeFleet start(DynamoDbEmulator upstream, int count) throws Exception {
    return new NodeFleet(upstream, count);
  }

  /** Starts node {@code i} (again) on its port. */
  void start(int i) throws Exception {
    String[] args = {"--port", String.valueOf(ports[i]), "--instances", "1", "--host", "127.0.0.1",
        "--upstream", upstream.endpoint().toString(), "--region", upstream.region(), "--set", "admin.port=0"};
    servers[i] = DynaccelServer.start(ConfigLoader.load(args, Map.of()), CREDENTIALS)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Closes node {@code i}, as a crash or a deploy would take it away. */
  void kill(int i) throws Exception {
    servers[i].close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    servers[i] = null;
  }

  int size() {
    return ports.length;
  }

  URI endpoint(int i) {
    return URI.create("http://127.0.0.1:" + ports[i]);
  }

  List<URI> endpoints() {
    List<URI> endpoints = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      endpoints.add(endpoint(i));
    }
    return endpoints;
  }

  /** How many requests of {@code operation} node {@code i} has served since it (last) started; 0 while it is down. */
  long requests(int i, String operation) {
    DynaccelServer server = servers[i];
    if (server == null) {
      return 0;
    }
    return (long) server.metrics().scrape().lines()
        .filter(line -> line.startsWith("dynaccel_requests_seconds_count{") && line.contains("operation=\"" + operation + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** {@link #requests(int, String)} for every node. */
  long[] requests(String operation) {
    long[] counts = new long[ports.length];
    for (int i = 0; i < ports.length; i++) {
      counts[i] = requests(i, operation);
    }
    return counts;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    for (int i = 0; i < servers.length; i++) {
      if (servers[i] != null) {
        kill(i);
      }
    }
  }
}
