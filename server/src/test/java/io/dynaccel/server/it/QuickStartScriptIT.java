package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/dynaccel-local}, the README's first command, as a newcomer runs it: it builds only when a source is newer
 * than the jar, prints no terminal escape codes, says where to point clients and how to stop, and leaves no dynalite
 * or server behind once stopped. It runs the jar that {@code package} built (failsafe runs after it), copied so that
 * its time decides whether the script builds.
 */
class QuickStartScriptIT {

  private static final Path SCRIPT = DeployFiles.ROOT.resolve("bin/dynaccel-local");

  @TempDir Path dir;

  @Test
  void run_whenNoSourceIsNewerThanTheJar_skipsTheBuildStartsAndSaysWhereToPointClientsAndHowToStop() throws Exception {
    Path jar = dir.resolve("dynaccel-server.jar");
    Files.copy(DeployFiles.ROOT.resolve(DeployFiles.serverJar()), jar, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
    int dynaccelPort = FreePorts.loopback();
    int dynalitePort = FreePorts.loopback();
    Process script = start(Map.of("DYNACCEL_SERVER_JAR", jar.toString(), "DYNACCEL_PORT", Integer.toString(dynaccelPort),
        "DYNALITE_PORT", Integer.toString(dynalitePort)));
    StringBuilder output = new StringBuilder();
    CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readInto(script, output));
    List<ProcessHandle> children;
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> text(output).contains("Ctrl-C to stop") || !script.isAlive());
      children = script.descendants().toList();
    } finally {
      // SIGTERM, as Ctrl-C sends INT: the script's trap stops what it started. Through the handle, which leaves the
      // output open to read to its end (Process.destroy closes it).
      script.toHandle().destroy();
    }
    assertThat(script.waitFor(60, TimeUnit.SECONDS)).as("the script ends once signalled").isTrue();
    reading.get(10, TimeUnit.SECONDS);
    String text = text(output);

    assertThat(text).as(text).contains("dynaccel-local: the server jar is up to date").doesNotContain("building the server")
        .contains("point DynamoDB clients at http://127.0.0.1:" + dynaccelPort)
        .contains("aws dynamodb list-tables --endpoint-url http://127.0.0.1:" + dynaccelPort)
        .contains("dynaccel-local: Ctrl-C to stop");
    assertThat(text).as("no terminal escape codes").doesNotContain("\u001b");
    assertThat(children).as("dynalite and the server").hasSizeGreaterThanOrEqualTo(2);
    await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void run_whenASourceIsNewerThanTheJar_buildsAndSaysWhich() throws Exception {
    Path jar = dir.resolve("dynaccel-server.jar");
    Files.writeString(jar, "older than every source");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.EPOCH));
    // A Maven that fails at once stands in for the build, so the test sees the decision without building.
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho 'stand-in mvn ran' >&2\nexit 1\n");
    assertThat(mvn.toFile().setExecutable(true)).isTrue();
    Process script = start(Map.of("DYNACCEL_SERVER_JAR", jar.toString(), "PATH", bin + ":" + System.getenv("PATH"),
        "DYNACCEL_PORT", Integer.toString(FreePorts.loopback()), "DYNALITE_PORT", Integer.toString(FreePorts.loopback())));
    StringBuilder output = new StringBuilder();
    readInto(script, output);

    assertThat(script.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(script.exitValue()).isEqualTo(1);
    assertThat(text(output)).containsPattern("dynaccel-local: building the server \\(\\S+ changed\\)\\.\\.\\.")
        .contains("stand-in mvn ran").contains("dynaccel-local: the build failed").doesNotContain("\u001b");
  }

  private static Process start(Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString()).directory(DeployFiles.ROOT.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("DYNACCEL_"));
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static void readInto(Process process, StringBuilder output) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (output) {
          output.append(line).append('\n');
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String text(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }
}
