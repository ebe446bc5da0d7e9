package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.config.AdminConfig;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.RawHttp.Answer;
import io.dynaccel.server.tls.TestCa;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy files against a real node: the Grafana dashboard queries only series the node exports, Prometheus scrapes
 * the path the node serves, the image's health check reads a path that answers, and the jar the image copies exists
 * once the build has packaged it (failsafe runs after {@code package}).
 */
class DeployFilesIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  /** A label name in a sample's braces: {@code name="}, after the brace or a comma. */
  private static final Pattern LABEL = Pattern.compile("[{,](\\w+)=\"");

  @TempDir Path logDir;

  @Test
  void grafanaDashboard_everySeriesItQueries_isExportedByANodeUnderTraffic() throws Exception {
    Set<String> exported = exportedNames(scrapeUnderTraffic("DeployFilesSeries"));

    Set<String> missing = new TreeSet<>(DeployFiles.dashboardMetrics());
    missing.removeAll(exported);
    assertThat(missing).as("series the dashboard queries but the node does not export").isEmpty();
  }

  @Test
  void grafanaDashboard_labelsItGroupsAndFiltersBy_areOnTheSeriesTheNodeExports() throws Exception {
    Map<String, Set<String>> exported = exportedLabels(scrapeUnderTraffic("DeployFilesLabels"));

    Map<String, Set<String>> queried = DeployFiles.dashboardLabels();
    assertThat(queried.values()).as("labels in the dashboard's queries").anySatisfy(labels -> assertThat(labels).contains("operation"));
    queried.forEach((series, labels) -> {
      Set<String> missing = new TreeSet<>(labels);
      // Prometheus adds these two to every series it scrapes.
      missing.removeAll(Set.of("job", "instance"));
      missing.removeAll(exported.getOrDefault(series, Set.of()));
      assertThat(missing).as("labels the dashboard reads on " + series + " but the node does not export").isEmpty();
    });
  }

  @Test
  void grafanaDashboard_jobVariable_isThePrometheusExamplesJob() throws Exception {
    assertThat(DeployFiles.dashboardJob()).isEqualTo(scrapeJob().get("job_name"));
  }

  /** The Prometheus page of a node that has answered a few operations, over a table and a missing one. */
  private String scrapeUnderTraffic(String tableName) throws Exception {
    try (DirectTable table = DirectTable.create(upstream.emulator(), tableName);
        AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(),
            WriteBackSettings.everyTable(logDir, "1h"))) {
      String key = "{\"id\":{\"S\":\"a\"}}";
      assertThat(RawHttp.call(node.endpoint(), "PutItem", "{\"TableName\":\"" + table.name() + "\",\"Item\":" + key + "}").status()).isEqualTo(200);
      for (int i = 0; i < 2; i++) {
        RawHttp.call(node.endpoint(), "GetItem", "{\"TableName\":\"" + table.name() + "\",\"Key\":" + key + "}");
        RawHttp.call(node.endpoint(), "Query", "{\"TableName\":\"" + table.name() + "\",\"KeyConditionExpression\":\"id = :id\","
            + "\"ExpressionAttributeValues\":{\":id\":{\"S\":\"a\"}}}");
        RawHttp.call(node.endpoint(), "Scan", "{\"TableName\":\"" + table.name() + "\"}");
      }
      assertThat(RawHttp.call(node.endpoint(), "GetItem", "{\"TableName\":\"NoSuchTable\",\"Key\":" + key + "}").status()).isEqualTo(400);

      Answer metrics = RawHttp.send(node.adminEndpoint(), "GET", prometheusMetricsPath(), null);
      assertThat(metrics.status()).isEqualTo(200);
      return metrics.text();
    }
  }

  @Test
  void prometheusExample_scrapesTheDefaultAdminPort() throws Exception {
    Map<String, Object> job = scrapeJob();
    @SuppressWarnings("unchecked")
    List<String> targets = (List<String>) ((List<Map<String, Object>>) job.get("static_configs")).get(0).get("targets");
    assertThat(targets).containsExactly("127.0.0.1:" + AdminConfig.defaults().port());
  }

  @Test
  void imageHealthCheck_path_answersReadyOnTheAdminPortOfARunningNode() throws Exception {
    String check = DeployFiles.dockerfile("HEALTHCHECK").get(0);
    String path = check.substring(check.indexOf('}') + 1, check.indexOf('"', check.indexOf('}')));
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator())) {
      assertThat(RawHttp.send(node.adminEndpoint(), "GET", path, null).status()).isEqualTo(200);
    }
  }

  @Test
  void imageHealthCheck_command_passesAgainstAReadyNodeWithAndWithoutTls() throws Exception {
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator())) {
      assertThat(runHealthCheck(node.server().adminPort())).as("plain HTTP").isZero();
    }
    TestCa.Issued certificate = TestCa.create("Dynaccel DeployFilesIT CA").server("dynaccel");
    Path certFile = logDir.resolve("node.pem");
    Path keyFile = logDir.resolve("node-key.pem");
    certificate.write(certFile, keyFile);
    try (AcceleratorFixture node = AcceleratorFixture.start(upstream.emulator(), "tls.certFile=" + certFile,
        "tls.keyFile=" + keyFile)) {
      assertThat(runHealthCheck(node.server().adminPort())).as("TLS on the admin listener").isZero();
    }
    assertThat(runHealthCheck(FreePorts.loopback())).as("nothing listening").isNotZero();
  }

  @Test
  void dockerfileJar_afterPackage_exists() throws Exception {
    Path jar = DeployFiles.ROOT.resolve(DeployFiles.serverJar());
    assertThat(jar).isRegularFile();
    assertThat(Files.size(jar)).isGreaterThan(1 << 20);
  }

  /** The exit status of the image's HEALTHCHECK command, run by a shell as Docker runs it, against this admin port. */
  private static int runHealthCheck(int adminPort) throws Exception {
    String check = DeployFiles.dockerfile("HEALTHCHECK").get(0);
    ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", check.substring(check.indexOf("CMD ") + 4)).redirectErrorStream(true);
    shell.environment().put("DYNACCEL_ADMIN_PORT", Integer.toString(adminPort));
    Process process = shell.start();
    process.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the check ends").isTrue();
    return process.exitValue();
  }

  private static String prometheusMetricsPath() throws Exception {
    return (String) scrapeJob().get("metrics_path");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> scrapeJob() throws Exception {
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) DeployFiles.prometheus().get("scrape_configs");
    return jobs.stream().filter(j -> "dynaccel".equals(j.get("job_name"))).findFirst().orElseThrow();
  }

  /** The label names on each sample name of a Prometheus text page. */
  private static Map<String, Set<String>> exportedLabels(String page) {
    Map<String, Set<String>> labels = new TreeMap<>();
    for (String line : page.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList()) {
      String name = line.split("[{ ]")[0];
      Set<String> names = labels.computeIfAbsent(name, n -> new TreeSet<>());
      int brace = name.length();
      if (line.charAt(brace) == '{') {
        Matcher label = LABEL.matcher(line.substring(brace, line.lastIndexOf('}')));
        while (label.find()) {
          names.add(label.group(1));
        }
      }
    }
    return labels;
  }

  /** Sample names and metric family names ({@code # TYPE} lines) of a Prometheus text page. */
  private static Set<String> exportedNames(String page) {
    return page.lines()
        .map(line -> line.startsWith("# TYPE ") ? line.split(" ")[2] : line.startsWith("#") ? "" : line.split("[{ ]")[0])
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
