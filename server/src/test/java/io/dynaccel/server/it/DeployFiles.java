package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.Yaml;

/** The repository's packaging and deploy files, read the way Docker, Compose, Maven and Grafana read them. */
final class DeployFiles {

  private static final Pattern METRIC = Pattern.compile("dynaccel_[a-z_]+");

  /** The repository root: the parent of the server module, where tests run. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private DeployFiles() {}

  /** One Dockerfile instruction, continuation lines joined. */
  record Instruction(String keyword, String arguments) {}

  static List<Instruction> dockerfile() throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
      String stripped = line.strip();
      if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
        continue;
      }
      boolean continues = stripped.endsWith("\\");
      current.append(continues ? stripped.substring(0, stripped.length() - 1) : stripped).append(' ');
      if (!continues) {
        String text = current.toString().strip();
        int space = text.indexOf(' ');
        instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        current.setLength(0);
      }
    }
    return instructions;
  }

  /** The arguments of every instruction with this keyword, in order. */
  static List<String> dockerfile(String keyword) throws IOException {
    return dockerfile().stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() throws IOException {
    return new Yaml().load(Files.readString(ROOT.resolve("localstack/docker-compose.yml")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> composeService(String name) throws IOException {
    Map<String, Object> services = (Map<String, Object>) compose().get("services");
    assertThat(services).as("compose services").containsKey(name);
    return (Map<String, Object>) services.get(name);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> prometheus() throws IOException {
    return new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus.yml")));
  }

  /** The jar the server module's shade execution writes: {@code server/target/<finalName>.jar}. */
  static String serverJar() throws Exception {
    var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("server/pom.xml").toFile());
    NodeList plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (text(plugin, "artifactId").equals("maven-shade-plugin")) {
        return "server/target/" + text(plugin, "finalName") + ".jar";
      }
    }
    throw new AssertionError("server/pom.xml has no maven-shade-plugin");
  }

  private static String text(Element parent, String tag) {
    return Optional.ofNullable(parent.getElementsByTagName(tag).item(0)).map(n -> n.getTextContent().strip()).orElse("");
  }

  /** Every {@code dynaccel_*} series name in the queries of the Grafana dashboard's panels. */
  static Set<String> dashboardMetrics() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana-dashboard.json").toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher matcher = METRIC.matcher(target.path("expr").asText());
        while (matcher.find()) {
          names.add(matcher.group());
        }
      }
    }
    assertThat(names).as("metric names in the dashboard's queries").isNotEmpty();
    return names;
  }
}
