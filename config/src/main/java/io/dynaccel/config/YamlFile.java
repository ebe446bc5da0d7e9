package io.dynaccel.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Applies a YAML configuration file. It walks SnakeYAML's node tree rather than loaded Java objects, so every
 * value keeps its line number for error messages and no object is ever constructed from the file.
 */
final class YamlFile {

  private final String file;
  private final ConfigValues values;

  private YamlFile(String file, ConfigValues values) {
    this.file = file;
    this.values = values;
  }

  /**
   * Reads {@code file} into {@code values}. An empty (or comments-only) file changes nothing, so a fully
   * commented-out template is valid.
   *
   * @param fileSource where the path came from, e.g. "command-line flag --config"
   */
  static void apply(String file, String fileSource, ConfigValues values) {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new ConfigException("configuration file '" + file + "'" + ConfigException.from(fileSource)
          + ": not a valid path: " + e.getReason(), e);
    }
    if (!Files.exists(path)) {
      throw new ConfigException("configuration file '" + file + "'" + ConfigException.from(fileSource)
          + " does not exist");
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException("configuration file '" + file + "'" + ConfigException.from(fileSource)
          + " is not a regular file");
    }
    Node root;
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      // Safe loading only; compose() stops at nodes, the constructor is never asked to build objects.
      root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
      throw new ConfigException("configuration file '" + file + "' is not valid YAML" + where + ": "
          + e.getProblem(), e);
    } catch (YAMLException | IOException e) {
      throw new ConfigException("cannot read configuration file '" + file + "': " + e.getMessage(), e);
    }
    if (root != null) {
      new YamlFile(file, values).applyRoot(root);
    }
  }

  private void applyRoot(Node root) {
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigException("configuration file '" + file + "': expected a mapping with the sections "
          + String.join(", ", Settings.SECTIONS) + " at the top level, got " + describe(root)
          + ConfigException.from(source(root)));
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String section = key(tuple, "", seen);
      Node value = tuple.getValueNode();
      if (!Settings.SECTIONS.contains(section)) {
        throw ConfigValues.unknown(section, source(tuple.getKeyNode()));
      }
      if (isNull(value)) {
        continue; // "cache:" with everything below commented out
      }
      MappingNode settings = mapping(section, value);
      if (section.equals(Settings.TABLES)) {
        applyTables(settings);
      } else {
        Set<String> seenInSection = new HashSet<>();
        for (NodeTuple entry : settings.getValue()) {
          String path = section + "." + key(entry, section + ".", seenInSection);
          if (path.equals(Settings.AUTH_PRINCIPALS)) {
            values.setPrincipals(new PrincipalList(file, values.env()).read(entry.getValueNode()));
            continue;
          }
          Setting<?> setting = ConfigValues.setting(path, source(entry.getKeyNode()));
          values.set(setting, scalar(path, setting, entry.getValueNode()), source(entry.getValueNode()));
        }
      }
    }
  }

  private void applyTables(MappingNode tables) {
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : tables.getValue()) {
      String table = key(tuple, Settings.TABLES + ".", seen);
      values.declareTable(table, source(tuple.getKeyNode()));
      if (isNull(tuple.getValueNode())) {
        continue; // "Orders:" alone lists the table with default settings
      }
      String prefix = Settings.TABLES + "." + table + ".";
      Set<String> seenInTable = new HashSet<>();
      for (NodeTuple entry : mapping(prefix.substring(0, prefix.length() - 1), tuple.getValueNode()).getValue()) {
        String key = key(entry, prefix, seenInTable);
        Setting<?> setting = ConfigValues.tableSetting(table, key, source(entry.getKeyNode()));
        values.setTable(table, setting, scalar(prefix + key, setting, entry.getValueNode()),
            source(entry.getValueNode()));
      }
    }
  }

  /** The key as text; duplicates are errors because SnakeYAML would otherwise let the last one win silently. */
  private String key(NodeTuple tuple, String prefix, Set<String> seen) {
    Node keyNode = tuple.getKeyNode();
    if (!(keyNode instanceof ScalarNode scalar)) {
      throw new ConfigException("configuration file '" + file + "': expected a setting name"
          + (prefix.isEmpty() ? "" : " under '" + prefix.substring(0, prefix.length() - 1) + "'")
          + ", got " + describe(keyNode) + ConfigException.from(source(keyNode)));
    }
    String key = scalar.getValue();
    if (!seen.add(key)) {
      throw new ConfigException("duplicate setting '" + prefix + key + "'" + ConfigException.from(source(keyNode)));
    }
    return key;
  }

  private MappingNode mapping(String path, Node node) {
    if (node instanceof MappingNode mapping) {
      return mapping;
    }
    throw ConfigException.invalid(path, "expected a mapping of settings", describe(node), source(node));
  }

  private String scalar(String path, Setting<?> setting, Node node) {
    if (node instanceof ScalarNode scalar) {
      return isNull(scalar) ? "" : scalar.getValue();
    }
    if (setting.type() == ValueType.STRING_LIST && node instanceof SequenceNode list
        && list.getValue().stream().allMatch(ScalarNode.class::isInstance)) {
      // [us-east-1, eu-west-1] means the same as "us-east-1,eu-west-1".
      return String.join(",", list.getValue().stream().map(n -> ((ScalarNode) n).getValue()).toList());
    }
    throw ConfigException.invalid(path, "expected " + setting.type().expected(), describe(node), source(node));
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return ConfigException.quote(((ScalarNode) node).getValue());
  }

  private String source(Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? file : file + ":" + (mark.getLine() + 1);
  }
}
