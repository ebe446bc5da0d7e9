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
import java.util.TreeMap;
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
  private static final Pattern BY = Pattern.compile("\\bby \\(([^)]*)\\)");
  private static final Pattern SELECTOR = Pattern.compile("(dynaccel_[a-z_]+)\\{([^}]*)}");
  private static final Pattern SELECTOR_LABEL = Pattern.compile("(\\w+)\\s*=~?");

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

  /**
   * The label names each {@code dynaccel_*} series is grouped or filtered by in the dashboard's queries: those of
   * its own selector ({@code series{label=~...}}) and of the {@code by (...)} clauses of the query it is in.
   */
  static Map<String, Set<String>> dashboardLabels() throws IOException {
    Map<String, Set<String>> labels = new TreeMap<>();
    for (String expr : dashboardQueries()) {
      Set<String> grouped = new TreeSet<>();
      Matcher by = BY.matcher(expr);
      while (by.find()) {
        for (String label : by.group(1).split(",")) {
          grouped.add(label.strip());
        }
      }
      Matcher selector = SELECTOR.matcher(expr);
      while (selector.find()) {
        Set<String> names = labels.computeIfAbsent(selector.group(1), n -> new TreeSet<>());
        names.addAll(grouped);
        Matcher label = SELECTOR_LABEL.matcher(selector.group(2));
        while (label.find()) {
          names.add(label.group(1));
        }
      }
    }
    return labels;
  }

  /** The value of the dashboard's {@code job} variable, which every query filters by. */
  static String dashboardJob() throws IOException {
    for (JsonNode variable : dashboard().path("templating").path("list")) {
      if (variable.path("name").asText().equals("job")) {
        return variable.path("query").asText();
      }
    }
    throw new AssertionError("the dashboard has no job variable");
  }

  private static List<String> dashboardQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
    }
    return queries;
  }

  private static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(ROOT.resolve("deploy/grafana-dashboard.json").toFile());
  }

  /** Every {@code dynaccel_*} series name in the queries of the Grafana dashboard's panels. */
  static Set<String> dashboardMetrics() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String expr : dashboardQueries()) {
      Matcher matcher = METRIC.matcher(expr);
      while (matcher.find()) {
        names.add(matcher.group());
      }
    }
    assertThat(names).as("metric names in the dashboard's queries").isNotEmpty();
    return names;
  }
}
