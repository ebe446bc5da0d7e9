package io.dynaccel.bench;

import io.dynaccel.config.ConfigLoader;
import io.dynaccel.server.DynaccelServer;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A Dynaccel node in the load generator's own JVM ({@code --in-process}): the benchmark's mode before
 * nodes got their own JVM. The node shares heap, GC and cores with the generator, and its CPU time
 * cannot be told apart from the generator's.
 */
final class InProcessNode implements AcceleratorNode {

  /** How a server in the generator's JVM is described in the printed set-up. */
  static final String PROCESS = "in the load generator's JVM (--in-process), no CPU figure";

  private final DynaccelServer server;

  private InProcessNode(DynaccelServer server) {
    this.server = server;
  }

  /** Starts a node on a free loopback port with {@code instances} event-loop fronts. */
  static InProcessNode start(URI upstream, String region, int instances) {
    return new InProcessNode(LoadGenerator.await(DynaccelServer.start(
        ConfigLoader.load(new String[] {"--port", "0", "--host", "127.0.0.1", "--instances", Integer.toString(instances),
            "--upstream", upstream.toString(), "--region", region, "--set", "admin.port=0"}, Map.of()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))));
  }

  @Override
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Override
  public String process() {
    return PROCESS;
  }

  @Override
  public CpuClock cpu() {
    return null;
  }

  @Override
  public double metric(String name) {
    return AcceleratorNode.sum(server.metrics().scrape(), name);
  }

  @Override
  public void close() {
    LoadGenerator.await(server.close());
  }
}
