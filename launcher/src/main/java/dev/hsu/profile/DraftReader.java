package dev.hsu.profile;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Walks one file's YAML node tree into a {@link Draft}: each top-level key goes to the section that
 * owns it, and every problem is reported.
 */
final class DraftReader {
  /**
   * Every top-level key, in the order "expected one of" lists them (and "did you mean" breaks
   * ties). Each one is owned by exactly one section, which is checked when this class loads.
   */
  static final List<String> TOP_KEYS =
      List.of(
          "id",
          "name",
          "extends",
          "command",
          "cwd",
          "env",
          "hostname",
          "ids",
          "home",
          "root",
          "etc",
          "network",
          "devices",
          "filesystem",
          "daemons",
          "wait-delay",
          "die-with-parent",
          "seccomp",
          "landlock",
          "desktop",
          "service",
          "limits",
          "wayland",
          "dbus",
          "portals",
          "audio",
          "x11",
          "gpu");

  static {
    Set<String> owned = new HashSet<>();
    for (Section<?> s : new Draft().sections()) {
      for (String key : s.keys()) {
        if (!owned.add(key)) {
          throw new IllegalStateException("two sections own the key " + key);
        }
      }
    }
    if (TOP_KEYS.size() != owned.size() || !owned.equals(Set.copyOf(TOP_KEYS))) {
      throw new IllegalStateException(
          "TOP_KEYS " + TOP_KEYS + " differ from the sections' keys " + owned);
    }
  }

  private final YamlValues in;

  DraftReader(Source src, Problems problems) {
    this.in = new YamlValues(src, problems);
  }

  /** Reads the document {@code root}; a null result means it was not a mapping. */
  Draft read(Node root) {
    in.checkTree(root);
    MappingNode top = in.mapping(root, "a mapping at the top level of the profile", null);
    if (top == null) {
      return null;
    }
    Draft d = new Draft();
    d.start = in.at(top);
    Map<String, Section<?>> owners = new HashMap<>();
    for (Section<?> s : d.sections()) {
      for (String key : s.keys()) {
        owners.put(key, s);
      }
    }
    for (Map.Entry<String, NodeTuple> e : in.keys(top, null, TOP_KEYS).entrySet()) {
      d.given.add(e.getKey());
      owners.get(e.getKey()).read(e.getKey(), e.getValue().getValueNode(), in);
    }
    return d;
  }
}
