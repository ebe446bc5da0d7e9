package io.dynaccel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code auth.principals} list of a YAML file into {@link AuthPrincipal}s, with the same kind of
 * errors as every other setting: unknown, missing and duplicate keys and duplicate access key ids are named
 * with their file and line. Secrets and session tokens are read from their files or variables here, once;
 * an error names the principal and where the secret should have been, never the secret.
 */
final class PrincipalList {

  private static final List<String> PRINCIPAL_KEYS = List.of("name", "accessKeyId", "secretFile", "secretEnv",
      "sessionTokenFile", "sessionTokenEnv", "allow");
  private static final List<String> RULE_KEYS = List.of("operations", "tables");

  private final String file;
  private final Map<String, String> env;

  PrincipalList(String file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  List<AuthPrincipal> read(Node node) {
    if (YamlFile.isNull(node)) {
      return List.of();
    }
    if (!(node instanceof SequenceNode list)) {
      throw ConfigException.invalid(Settings.AUTH_PRINCIPALS, "expected a list of principals",
          YamlFile.describe(node), source(node));
    }
    List<AuthPrincipal> principals = new ArrayList<>();
    Map<String, String> keyIds = new HashMap<>();
    for (int i = 0; i < list.getValue().size(); i++) {
      Node entry = list.getValue().get(i);
      AuthPrincipal principal = principal(Settings.AUTH_PRINCIPALS + "[" + i + "]", entry);
      String earlier = keyIds.putIfAbsent(principal.accessKeyId(), source(entry));
      if (earlier != null) {
        throw new ConfigException("duplicate access key id '" + principal.accessKeyId() + "' in "
            + Settings.AUTH_PRINCIPALS + " (from " + source(entry) + "; first at " + earlier + ")");
      }
      principals.add(principal);
    }
    return principals;
  }

  private AuthPrincipal principal(String path, Node node) {
    Map<String, Node> fields = fields(path, node, PRINCIPAL_KEYS);
    String name = required(path, "name", fields, node);
    String named = path + " (" + name + ")";
    String accessKeyId = required(named, "accessKeyId", fields, node);
    String secret = secret(named, "secretFile", "secretEnv", fields, node, true)
        .orElseThrow(IllegalStateException::new);
    Optional<String> token = secret(named, "sessionTokenFile", "sessionTokenEnv", fields, node, false);
    List<AllowRule> rules = new ArrayList<>();
    Node allow = fields.get("allow");
    if (allow != null && !YamlFile.isNull(allow)) {
      if (!(allow instanceof SequenceNode list)) {
        throw ConfigException.invalid(named + ".allow", "expected a list of rules like {operations: [read], tables: [\"*\"]}",
            YamlFile.describe(allow), source(allow));
      }
      for (int i = 0; i < list.getValue().size(); i++) {
        rules.add(rule(named + ".allow[" + i + "]", list.getValue().get(i)));
      }
    }
    return new AuthPrincipal(name, accessKeyId, secret, token, rules);
  }

  private AllowRule rule(String path, Node node) {
    Map<String, Node> fields = fields(path, node, RULE_KEYS);
    for (String key : RULE_KEYS) {
      if (!fields.containsKey(key)) {
        throw new ConfigException(path + ": missing '" + key + "'" + ConfigException.from(source(node)));
      }
    }
    try {
      return new AllowRule(words(path + ".operations", fields.get("operations")), words(path + ".tables", fields.get("tables")));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path + ": " + e.getMessage() + ConfigException.from(source(node)));
    }
  }

  /** The entries of a mapping by key; unknown and duplicate keys are errors, as everywhere in the file. */
  private Map<String, Node> fields(String path, Node node, List<String> known) {
    if (!(node instanceof MappingNode mapping)) {
      throw ConfigException.invalid(path, "expected a mapping with " + String.join(", ", known),
          YamlFile.describe(node), source(node));
    }
    Map<String, Node> fields = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : null;
      if (key == null || !known.contains(key)) {
        throw new ConfigException("unknown setting '" + path + "." + (key == null ? YamlFile.describe(keyNode) : key)
            + "'" + ConfigException.from(source(keyNode)) + "; known: " + String.join(", ", known));
      }
      if (fields.put(key, tuple.getValueNode()) != null) {
        throw new ConfigException("duplicate setting '" + path + "." + key + "'" + ConfigException.from(source(keyNode)));
      }
    }
    return fields;
  }

  private String required(String path, String key, Map<String, Node> fields, Node owner) {
    Node value = fields.get(key);
    if (value == null) {
      throw new ConfigException(path + ": missing '" + key + "'" + ConfigException.from(source(owner)));
    }
    String text = text(path + "." + key, value);
    if (text.isBlank()) {
      throw ConfigException.invalid(path + "." + key, "must not be empty", ConfigException.quote(text), source(value));
    }
    return text;
  }

  private String text(String path, Node node) {
    if (node instanceof ScalarNode scalar && !YamlFile.isNull(node)) {
      return scalar.getValue().strip();
    }
    throw ConfigException.invalid(path, "expected a text value", YamlFile.isNull(node) ? "an empty value"
        : YamlFile.describe(node), source(node));
  }

  /** A YAML list of words, or one word alone. */
  private List<String> words(String path, Node node) {
    if (node instanceof SequenceNode list) {
      List<String> words = new ArrayList<>();
      list.getValue().forEach(n -> words.add(text(path, n)));
      return words;
    }
    return List.of(text(path, node));
  }

  /**
   * The value of exactly one of a file key and a variable key (or of neither, when not required), read now.
   * Messages name where the value should be, never the value.
   */
  private Optional<String> secret(String path, String fileKey, String envKey, Map<String, Node> fields, Node owner,
      boolean required) {
    Node fileNode = fields.get(fileKey);
    Node envNode = fields.get(envKey);
    if (fileNode != null && envNode != null) {
      throw new ConfigException(path + ": give either '" + fileKey + "' or '" + envKey + "', not both"
          + ConfigException.from(source(owner)));
    }
    if (fileNode == null && envNode == null) {
      if (required) {
        throw new ConfigException(path + ": missing '" + fileKey + "' or '" + envKey + "'"
            + ConfigException.from(source(owner)));
      }
      return Optional.empty();
    }
    String value;
    if (fileNode != null) {
      String name = text(path + "." + fileKey, fileNode);
      try {
        value = Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
      } catch (IOException | InvalidPathException e) {
        throw new ConfigException(path + ": cannot read " + fileKey + " '" + name + "' ("
            + e.getClass().getSimpleName() + ")" + ConfigException.from(source(fileNode)));
      }
      if (value.isEmpty()) {
        throw new ConfigException(path + ": " + fileKey + " '" + name + "' is empty" + ConfigException.from(source(fileNode)));
      }
    } else {
      String name = text(path + "." + envKey, envNode);
      value = env.get(name);
      if (value == null || value.isBlank()) {
        throw new ConfigException(path + ": environment variable " + name + " named by " + envKey
            + " is not set" + ConfigException.from(source(envNode)));
      }
      value = value.strip();
    }
    return Optional.of(value);
  }

  private String source(Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? file : file + ":" + (mark.getLine() + 1);
  }
}
