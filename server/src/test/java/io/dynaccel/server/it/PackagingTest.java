package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.config.AdminConfig;
import io.dynaccel.config.ConfigLoader;
import io.dynaccel.config.DynaccelConfig;
import io.dynaccel.config.Loopback;
import io.dynaccel.localstack.LocalStackEmulator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Dockerfile and the compose stack without a Docker engine: the files parse, the image
 * runs the jar the build produces, the node they configure listens where they publish and health-check, and talks to
 * the LocalStack service the compose file starts, of the image the LocalStack fixture uses.
 */
class PackagingTest {

  private static final DynaccelConfig DEFAULTS = ConfigLoader.load(new String[0], Map.of());

  @Test
  void composeFile_whenParsed_hasLocalStackAndDynaccel() throws Exception {
    assertThat(DeployFiles.compose()).containsKey("services");
    assertThat(DeployFiles.composeService("localstack")).containsKeys("image", "healthcheck");
    assertThat(DeployFiles.composeService("dynaccel")).containsKeys("build", "environment", "ports");
  }

  @Test
  void composeLocalStack_image_isTheFixtureImage() throws Exception {
    assertThat(DeployFiles.composeService("localstack").get("image")).isEqualTo(LocalStackEmulator.DEFAULT_IMAGE);
    assertThat(LocalStackEmulator.DEFAULT_IMAGE).matches("localstack/localstack:\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void composePorts_everyService_publishedOnLoopbackOnly() throws Exception {
    for (String service : List.of("localstack", "dynaccel")) {
      assertThat(ports(service)).as(service).isNotEmpty().allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
    }
  }

  @Test
  void composeDynaccel_ports_publishTheApiPortTheNodeListensOn() throws Exception {
    DynaccelConfig node = composedNode();
    assertThat(node.server().port()).isEqualTo(DEFAULTS.server().port()).isEqualTo(8111);
    assertThat(ports("dynaccel")).containsExactly("127.0.0.1:" + node.server().port() + ":" + node.server().port());
  }

  @Test
  void composeDynaccel_environment_pointsTheNodeAtTheLocalStackService() throws Exception {
    DynaccelConfig node = composedNode();
    URI upstream = node.upstream().effectiveEndpoint();
    assertThat(upstream.getScheme()).isEqualTo("http");
    assertThat(upstream.getHost()).isEqualTo("localstack");
    assertThat(ports("localstack")).contains("127.0.0.1:" + upstream.getPort() + ":" + upstream.getPort());
    assertThat(upstream.getPort()).isEqualTo(4566);
    // Reachable through the published port, and the admin listener (no token here) stays on loopback.
    assertThat(Loopback.isLoopback(node.server().host())).isFalse();
    assertThat(Loopback.isLoopback(node.admin().host())).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeDynaccel_dependsOnAHealthyLocalStack() throws Exception {
    Map<String, Object> dependsOn = (Map<String, Object>) DeployFiles.composeService("dynaccel").get("depends_on");
    assertThat((Map<String, Object>) dependsOn.get("localstack")).containsEntry("condition", "service_healthy");
    Map<String, Object> build = (Map<String, Object>) DeployFiles.composeService("dynaccel").get("build");
    assertThat(DeployFiles.ROOT.resolve("localstack").resolve((String) build.get("context")).resolve((String) build.get("dockerfile")).normalize())
        .isEqualTo(DeployFiles.ROOT.resolve("Dockerfile")).isRegularFile();
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeInitStep_createsTheTableTheHealthCheckWaitsFor() throws Exception {
    Map<String, Object> localstack = DeployFiles.composeService("localstack");
    String mount = ((List<String>) localstack.get("volumes")).get(0);
    String[] parts = mount.split(":");
    assertThat(parts[1]).isEqualTo("/etc/localstack/init/ready.d");
    Path hooks = DeployFiles.ROOT.resolve("localstack").resolve(parts[0]).normalize();
    List<Path> scripts;
    try (var files = Files.list(hooks)) {
      scripts = files.filter(f -> f.toString().endsWith(".sh")).toList();
    }
    assertThat(scripts).isNotEmpty().allSatisfy(script -> {
      assertThat(Files.isExecutable(script)).as("LocalStack runs only executable hooks: %s", script).isTrue();
      assertThat(Files.readAllLines(script).get(0)).startsWith("#!");
    });
    List<String> test = (List<String>) ((Map<String, Object>) localstack.get("healthcheck")).get("test");
    String table = test.get(test.indexOf("--table-name") + 1);
    assertThat(Files.readString(scripts.get(0))).contains("awslocal dynamodb create-table").containsPattern("--table-name " + table + "\\b");
  }

  @Test
  void dockerfile_runtimeStage_copiesAndRunsTheJarTheServerBuildProduces() throws Exception {
    String jar = DeployFiles.serverJar();
    assertThat(jar).isEqualTo("server/target/dynaccel-server.jar");
    List<String> from = DeployFiles.dockerfile("FROM");
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).matches("maven:3\\.9-eclipse-temurin-17 AS build");
    assertThat(from.get(1)).startsWith("eclipse-temurin:17-jre");
    String buildDir = DeployFiles.dockerfile("WORKDIR").get(0);
    List<String> runs = DeployFiles.dockerfile("RUN");
    assertThat(runs).filteredOn(run -> run.contains("mvn ")).singleElement().asString()
        .contains(" -pl server -am package", "-DskipTests").doesNotContain("npm.skip")
        // The build stage copies no localstack/package*.json: an "npm ci" there would fail for want of a lockfile.
        .contains("-Ddynaccel.dynalite.skip=true");
    assertThat(DeployFiles.dockerfile("COPY")).as("dynalite's package files stay out of the image build").noneMatch(copy -> copy.contains("localstack/package"));
    assertThat(runs).as("the server build vendors the status page's chart library with npm").anyMatch(run -> run.contains("nodejs npm"));

    List<String> copies = DeployFiles.dockerfile("COPY").stream().filter(c -> c.startsWith("--from=build ")).toList();
    assertThat(copies).hasSize(1);
    String[] copy = copies.get(0).split("\\s+");
    assertThat(copy[1]).isEqualTo(buildDir + "/" + jar);
    assertThat(DeployFiles.dockerfile("ENTRYPOINT")).singleElement().asString().contains("\"-jar\", \"" + copy[2] + "\"");
  }

  @Test
  void dockerfile_runtimeStage_runsAsAnUnprivilegedUser() throws Exception {
    List<String> users = DeployFiles.dockerfile("USER");
    assertThat(users).hasSize(1);
    assertThat(users.get(0)).isNotIn("root", "0");
    assertThat(DeployFiles.dockerfile("RUN")).anyMatch(run -> run.contains("useradd --system") && run.contains(users.get(0)));
  }

  @Test
  void dockerfile_healthCheck_failsUnlessReadinessOnTheAdminPortAnswers2xxOverHttpOrHttps() throws Exception {
    String check = DeployFiles.dockerfile("HEALTHCHECK").get(0);
    // curl -f exits non-zero on a 503 (not ready), as on a refused connection; with TLS on, the admin listener speaks
    // HTTPS with the API's certificate, which names the service, not 127.0.0.1 (hence -k).
    Matcher url = Pattern.compile("CMD curl -fsS -o /dev/null \"http://127\\.0\\.0\\.1:\\$\\{(\\w+):-(\\d+)}(/\\S+)\""
        + "\\s+\\|\\| curl -fsSk -o /dev/null \"https://127\\.0\\.0\\.1:\\$\\{\\1:-\\2}\\3\" \\|\\| exit 1$").matcher(check);
    assertThat(url.find()).as(check).isTrue();
    assertThat(url.group(3)).isEqualTo("/health/ready");
    assertThat(Integer.parseInt(url.group(2))).isEqualTo(AdminConfig.defaults().port()).isEqualTo(DEFAULTS.admin().port());
    // The variable is the admin port's own, so an image run with another admin port checks that one.
    assertThat(ConfigLoader.load(new String[0], Map.of(url.group(1), "9112")).admin().port()).isEqualTo(9112);
  }

  @Test
  void composeDynaccel_stopGracePeriod_outlastsTheDrainAndTheWriteBackFlush() throws Exception {
    Object grace = DeployFiles.composeService("dynaccel").get("stop_grace_period");
    assertThat(grace).as("compose's default grace is 10s, then SIGKILL").isInstanceOf(String.class);
    Matcher seconds = Pattern.compile("(\\d+)s").matcher((String) grace);
    assertThat(seconds.matches()).as((String) grace).isTrue();
    DynaccelConfig node = composedNode();
    assertThat(Duration.ofSeconds(Long.parseLong(seconds.group(1))))
        .isGreaterThan(node.server().shutdownTimeout().plus(node.writeBack().shutdownTimeout()));
  }

  @Test
  void dockerfile_exposes_theDefaultApiAndAdminPorts() throws Exception {
    assertThat(DeployFiles.dockerfile("EXPOSE")).containsExactly(DEFAULTS.server().port() + " " + DEFAULTS.admin().port());
  }

  @Test
  void readmeQuickStart_holdsTwoCommands_andCiRunsExactlyTheSecond() throws Exception {
    String readme = Files.readString(DeployFiles.ROOT.resolve("README.md"));
    Matcher block = Pattern.compile("## Quick start\n\n```\n(.*?)```\n", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("README's Quick start opens with a code block").isTrue();
    List<String> commands = block.group(1).lines().filter(line -> !line.isBlank()).toList();
    assertThat(commands).hasSize(2);
    assertThat(commands.get(0)).isEqualTo("bin/dynaccel-local");
    assertThat(DeployFiles.ROOT.resolve(commands.get(0))).isExecutable();

    List<String> ciCommands = Files.readAllLines(DeployFiles.ROOT.resolve(".ci/run")).stream()
        .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    // Strict mode and moving to the repository root, then the README's command and nothing else.
    assertThat(ciCommands).containsExactly("set -euo pipefail", "cd \"$(dirname \"$0\")/..\"", commands.get(1));
  }

  /** The node configuration a container of the compose stack gets: the image's ENV, then the service's environment. */
  @SuppressWarnings("unchecked")
  private static DynaccelConfig composedNode() throws Exception {
    Map<String, String> env = new HashMap<>();
    for (String variable : DeployFiles.dockerfile("ENV")) {
      String[] pair = variable.split("=", 2);
      env.put(pair[0], pair[1]);
    }
    ((Map<String, Object>) DeployFiles.composeService("dynaccel").get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    // The loader rejects a misspelt DYNACCEL_* variable, so every name the files set is one the node reads.
    return ConfigLoader.load(new String[0], env);
  }

  @SuppressWarnings("unchecked")
  private static List<String> ports(String service) throws Exception {
    return (List<String>) DeployFiles.composeService(service).get("ports");
  }
}
