package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator reads from a node process: text lines with UTC timestamps or JSON lines (log.format), the same
 * messages in both (the cluster harness finds its "Cluster view" lines in either), the access log (log.access) with
 * no item contents, and the {@code --version} and {@code --help} flags.
 */
class LogsIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final String PREFIX = "DynamoDB_20120810.";
  private static final String SECRET = "s3cret-card-4111";
  private static final Pattern TEXT_LINE = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR) \\[[^\\]]+\\] [\\w.$]+ - .*");
  /** As {@code ClusterFixture} reads it. */
  private static final Pattern VIEW_LINE = Pattern.compile("Cluster view: (\\d+) serving member\\(s\\)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void output_whenJsonFormatAndAccessLog_everyLineIsJsonAndEveryCallIsLoggedWithoutItsItems() throws Exception {
    int hazelcast = NodeProcess.freePort();
    NodeProcess.Launch launch = NodeProcess.Launch.of("logs-json", upstream.emulator()).with("log.format=json", "log.access=true",
        "cluster.members=127.0.0.1:" + hazelcast, "cluster.port=" + hazelcast, "cluster.name=logs-it-" + hazelcast);
    String output;
    try (NodeProcess node = NodeProcess.start(launch)) {
      URI api = node.endpoint();
      DirectTable.create(upstream.emulator(), "Logged");
      String key = "{\"TableName\":\"Logged\",\"Key\":{\"id\":{\"S\":\"" + SECRET + "\"}}}";
      assertThat(call(api, "PutItem", "{\"TableName\":\"Logged\",\"Item\":{\"id\":{\"S\":\"" + SECRET + "\"},\"v\":{\"S\":\"" + SECRET + "\"}}}")
          .statusCode()).isEqualTo(200);
      // A write-through write fills the cache, so the misses come from an item never written (its absence is cached).
      // Until the single member holds its leases a read is not cached; then one read fills and the next hits.
      String absent = "{\"TableName\":\"Logged\",\"Key\":{\"id\":{\"S\":\"absent-" + SECRET + "\"}}}";
      assertThat(call(api, "GetItem", key).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        call(api, "GetItem", absent);
        return node.output().contains("\"cache\":\"hit\"") || node.output().contains("cache=hit");
      });
      assertThat(call(api, "GetItem", "{\"TableName\":\"NoSuchTable\",\"Key\":{\"id\":{\"S\":\"" + SECRET + "\"}}}").statusCode())
          .isEqualTo(400);
      assertThat(node.terminate(Duration.ofSeconds(60)).status()).isZero();
      output = node.output();
    }

    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.lines().filter(l -> !l.isBlank()).toList()) {
      lines.add(JSON.readTree(line)); // throws unless every line is one JSON object
    }
    assertThat(lines).allSatisfy(line -> assertThat(line.has("timestamp") && line.has("level") && line.has("loggerName")
        && line.has("formattedMessage")).as(line.toString()).isTrue());
    assertThat(lines).anySatisfy(line -> assertThat(line.get("formattedMessage").asText()).startsWith("Dynaccel listening on 127.0.0.1:"));
    assertThat(lines).anySatisfy(line -> assertThat(line.get("formattedMessage").asText())
        .contains("write strategy write-through by default").contains("auth none").contains("member of cluster logs-it-"));
    assertThat(VIEW_LINE.matcher(output).find()).as("a Cluster view line ClusterFixture can read").isTrue();

    List<String> access = lines.stream().filter(l -> l.get("loggerName").asText().equals("dynaccel.access"))
        .map(l -> l.get("formattedMessage").asText()).toList();
    assertThat(access).anySatisfy(l -> assertThat(l).startsWith("operation=PutItem table=Logged status=200 latencyMs=").endsWith(" cache=none"));
    assertThat(access).anySatisfy(l -> assertThat(l).startsWith("operation=GetItem table=Logged status=200 latencyMs=").endsWith(" cache=miss"));
    assertThat(access).anySatisfy(l -> assertThat(l).startsWith("operation=GetItem table=Logged status=200 latencyMs=").endsWith(" cache=hit"));
    assertThat(access).anySatisfy(l -> assertThat(l).startsWith("operation=GetItem table=NoSuchTable status=400 ")
        .endsWith(" error=ResourceNotFoundException"));
    assertThat(lines).filteredOn(l -> l.get("loggerName").asText().equals("dynaccel.access")).allSatisfy(l ->
        assertThat(l.get("kvpList").toString()).contains("{\"operation\":").contains("{\"cache\":"));
    assertThat(output).doesNotContain(SECRET);
  }

  @Test
  void output_whenDefaults_linesAreTextWithUtcTimestampsAndNoAccessLog() throws Exception {
    String output;
    try (NodeProcess node = NodeProcess.start(NodeProcess.Launch.of("logs-text", upstream.emulator()))) {
      assertThat(call(node.endpoint(), "ListTables", "{}").statusCode()).isEqualTo(200);
      assertThat(node.terminate(Duration.ofSeconds(60)).status()).isZero();
      output = node.output();
    }

    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).matches(TEXT_LINE));
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .contains(" INFO  [").contains("] io.dynaccel.server.DynaccelServer - Dynaccel listening on 127.0.0.1:")
        .containsPattern("\\(ready in \\d+ ms, \\d+ ms after the JVM's launch\\)$"));
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("auth none; alone (no cluster); access log off"));
    assertThat(output).doesNotContain("dynaccel.access");
  }

  @Test
  void version_whenAsked_printsTheVersionAndExitsZero() throws Exception {
    Ran ran = run("--version");

    assertThat(ran.status()).isZero();
    assertThat(ran.stdout()).matches("dynaccel \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  @Test
  void help_whenAsked_listsEverySettingAndExitsZero() throws Exception {
    Ran ran = run("--help");

    assertThat(ran.status()).isZero();
    assertThat(ran.stdout()).startsWith("Usage: java -jar dynaccel-server.jar")
        .contains("  server.port = 8111   DYNACCEL_SERVER_PORT   --port\n      between 0 and 65535 (0 picks a free port)\n")
        .contains("  log.format = text   DYNACCEL_LOG_FORMAT\n      one of text, json\n")
        .contains("  log.access = false   DYNACCEL_LOG_ACCESS\n");
  }

  private record Ran(int status, String stdout) {
  }

  private static Ran run(String flag) throws Exception {
    Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.dynaccel.server.DynaccelServer", flag)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Ran(process.exitValue(), stdout);
  }

  private static HttpResponse<String> call(URI api, String operation, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(api)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", PREFIX + operation)
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
