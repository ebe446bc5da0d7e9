package io.dynaccel.server.it.conformance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dynaccel.localstack.internal.DynaliteInstallation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The recorded corpus: one JSON line per case, {@code {id, family, operation, request, status, answer}}, in the order
 * the cases were sent, in {@code src/test/resources/conformance/dynalite-<version>.jsonl}.
 *
 * <p>Answers are stored {@linkplain #normalised normalised}, and the replay normalises what it receives by the same
 * rule before comparing: every member named in {@link #VOLATILE_MEMBERS}, at any depth, has its value replaced by
 * {@code "(volatile)"} (its presence is still compared), because dynalite draws them from the clock or a random
 * generator; the members of every set ({@code SS}, {@code NS}, {@code BS}) and the items of each table in a
 * BatchGetItem {@code Responses} are sorted by their JSON text (members in name order), because DynamoDB promises no
 * order for either. Nothing else is normalised: object members compare in any order, as JSON values do; dynalite
 * reports no request ids in bodies and computes ConsumedCapacity deterministically. A body that is not JSON is kept as
 * a JSON string.
 */
public final class ConformanceCorpus {

  /** Members whose values are a time or a random id. */
  public static final Set<String> VOLATILE_MEMBERS = Set.of("CreationDateTime", "TableId", "LastIncreaseDateTime",
      "LastDecreaseDateTime", "LastUpdateToPayPerRequestDateTime");

  // DynamoDB allows attribute names of 64 KB, longer than Jackson's default limit of 50,000 characters.
  static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(1 << 20).build())
      .build());
  private static final Set<String> SET_TYPES = Set.of("SS", "NS", "BS");
  private static final TextNode VOLATILE = TextNode.valueOf("(volatile)");

  /** One recorded case with the answer dynalite gave it. */
  public record Entry(ConformanceCase request, int status, JsonNode answer) {
  }

  private ConformanceCorpus() {
  }

  /** The version in the {@code package.json} of the dynalite that the tests run. */
  public static String installedDynaliteVersion() {
    Path packageJson = DynaliteInstallation.locate().cliScript().resolveSibling("package.json");
    try {
      return JSON.readTree(packageJson.toFile()).path("version").asText();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dynalite's version from " + packageJson, e);
    }
  }

  /** The file name of the corpus recorded from dynalite {@code version}. */
  public static String fileName(String version) {
    return "dynalite-" + version + ".jsonl";
  }

  /** The answer body made comparable: see the class comment for the rule. */
  public static JsonNode normalised(String operation, String body) {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException notJson) {
      return TextNode.valueOf(body);
    }
    if (tree == null || tree.isMissingNode()) {
      return TextNode.valueOf(body);
    }
    maskVolatile(tree);
    sortSets(tree);
    if (operation.equals("BatchGetItem") && tree.path("Responses").isObject()) {
      ObjectNode responses = (ObjectNode) tree.path("Responses");
      for (Map.Entry<String, JsonNode> table : responses.properties()) {
        if (table.getValue().isArray()) {
          table.setValue(sorted(table.getValue()));
        }
      }
    }
    return tree;
  }

  /** Reads a corpus written by {@link #write}. */
  public static List<Entry> read(InputStream in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = JSON.readTree(line);
        ConformanceCase request = new ConformanceCase(node.path("id").asText(), node.path("family").asText(),
            node.path("operation").asText(), node.path("request").asText());
        entries.add(new Entry(request, node.path("status").asInt(), node.path("answer")));
      }
    }
    return entries;
  }

  /** Writes {@code entries} as JSON lines, in their order. */
  public static void write(Path file, List<Entry> entries) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Entry entry : entries) {
        ObjectNode line = JSON.createObjectNode();
        line.put("id", entry.request().id());
        line.put("family", entry.request().family());
        line.put("operation", entry.request().operation());
        line.put("request", entry.request().request());
        line.put("status", entry.status());
        line.set("answer", entry.answer());
        out.write(JSON.writeValueAsString(line));
        out.write('\n');
      }
    }
  }

  private static void sortSets(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> member : object.properties()) {
        if (SET_TYPES.contains(member.getKey()) && object.size() == 1 && member.getValue().isArray()) {
          member.setValue(sorted(member.getValue()));
        } else {
          sortSets(member.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(ConformanceCorpus::sortSets);
    }
  }

  private static ArrayNode sorted(JsonNode array) {
    List<JsonNode> elements = new ArrayList<>();
    array.forEach(elements::add);
    elements.sort(Comparator.comparing(ConformanceCorpus::canonical));
    ArrayNode sorted = JSON.createArrayNode();
    elements.forEach(sorted::add);
    return sorted;
  }

  /** The JSON text of {@code node} with object members in name order, so that equal values give equal text. */
  private static String canonical(JsonNode node) {
    if (node.isObject()) {
      return node.properties().stream().sorted(Map.Entry.comparingByKey())
          .map(member -> TextNode.valueOf(member.getKey()) + ":" + canonical(member.getValue()))
          .collect(Collectors.joining(",", "{", "}"));
    }
    if (node.isArray()) {
      List<String> elements = new ArrayList<>();
      node.forEach(element -> elements.add(canonical(element)));
      return "[" + String.join(",", elements) + "]";
    }
    return node.toString();
  }

  private static void maskVolatile(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> member : object.properties()) {
        if (VOLATILE_MEMBERS.contains(member.getKey())) {
          member.setValue(VOLATILE);
        } else {
          maskVolatile(member.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(ConformanceCorpus::maskVolatile);
    }
  }
}
