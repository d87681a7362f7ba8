package dev.hsu.profile;

import dev.hsu.profile.Draft.Str;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Menus and services: the app's own menu entry ({@code desktop}), the unit {@code hsu systemd
 * install} writes ({@code service}) and the limits of the sandbox's scope ({@code limits}).
 */
final class MenusSection implements Section<MenusSection> {
  /** A desktop file ID as found under $XDG_DATA_DIRS/applications (no subdirectory). */
  static final Pattern DESKTOP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,246}\\.desktop");

  static final List<String> SERVICE_KEYS = List.of("restart", "restart-sec");

  /** systemd.service(5) Restart= values. */
  static final List<String> RESTART =
      List.of("no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always");

  static final List<String> LIMITS_KEYS = List.of("memory", "tasks", "cpu-weight");
  static final int MAX_TASKS = 4_194_304;
  static final int MAX_CPU_WEIGHT = 10_000;

  /** The app's own desktop entry: a file ID or an absolute path. */
  Str desktop;

  String serviceRestart;
  Duration serviceRestartSec;

  /** Where a {@code limits} block was given (even an empty one); null when none was. */
  Pos limitsPos;

  Long limitsMemory;
  Integer limitsTasks;
  Integer limitsCpuWeight;

  @Override
  public List<String> keys() {
    return List.of("desktop", "service", "limits");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    switch (key) {
      case "desktop" ->
          desktop = in.checked(in.string(v, "'desktop'"), MenusSection::desktopProblem);
      case "service" -> readService(v, in);
      case "limits" -> readLimits(v, in);
      default -> throw new IllegalStateException(key);
    }
  }

  private static String desktopProblem(String s) {
    if (s.startsWith("/")) {
      return s.endsWith(".desktop")
          ? null
          : "the desktop entry " + Text.quote(s) + " must be a file ending in '.desktop'";
    }
    if (DESKTOP_ID.matcher(s).matches()) {
      return null;
    }
    return "invalid desktop entry "
        + Text.quote(s)
        + ": expected a file name under applications/ like 'firefox-esr.desktop' (letters,"
        + " digits, '.', '_' and '-', ending in '.desktop') or an absolute path"
        + (s.contains(".") || s.isEmpty() ? "" : " (did you mean '" + s + ".desktop'?)");
  }

  private void readService(Node v, YamlValues in) {
    MappingNode m = in.mapping(v, "a mapping with 'restart' and 'restart-sec'", "'service'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = in.keys(m, "'service'", SERVICE_KEYS);
    if (k.containsKey("restart")) {
      serviceRestart = in.choice(k.get("restart").getValueNode(), "'restart'", RESTART);
    }
    if (k.containsKey("restart-sec")) {
      serviceRestartSec = in.duration(k.get("restart-sec").getValueNode(), "'restart-sec'");
    }
  }

  private void readLimits(Node v, YamlValues in) {
    MappingNode m = in.mapping(v, "a mapping with 'memory', 'tasks' and 'cpu-weight'", "'limits'");
    if (m == null) {
      return;
    }
    limitsPos = in.at(m);
    Map<String, NodeTuple> k = in.keys(m, "'limits'", LIMITS_KEYS);
    if (k.containsKey("memory")) {
      long bytes = in.size(k.get("memory").getValueNode(), "'memory'");
      limitsMemory = bytes > 0 ? bytes : null;
    }
    if (k.containsKey("tasks")) {
      limitsTasks = in.integer(k.get("tasks").getValueNode(), "'tasks'", 1, MAX_TASKS);
    }
    if (k.containsKey("cpu-weight")) {
      limitsCpuWeight =
          in.integer(k.get("cpu-weight").getValueNode(), "'cpu-weight'", 1, MAX_CPU_WEIGHT);
    }
  }

  @Override
  public void mergeFrom(MenusSection later) {
    desktop = Draft.pick(desktop, later.desktop);
    serviceRestart = Draft.pick(serviceRestart, later.serviceRestart);
    serviceRestartSec = Draft.pick(serviceRestartSec, later.serviceRestartSec);
    limitsPos = Draft.pick(limitsPos, later.limitsPos);
    limitsMemory = Draft.pick(limitsMemory, later.limitsMemory);
    limitsTasks = Draft.pick(limitsTasks, later.limitsTasks);
    limitsCpuWeight = Draft.pick(limitsCpuWeight, later.limitsCpuWeight);
  }

  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    out.desktop = desktop == null ? null : desktop.value();
    out.service = new Profile.Service(serviceRestart, serviceRestartSec);
    out.limits =
        limitsPos == null ? null : new Profile.Limits(limitsMemory, limitsTasks, limitsCpuWeight);
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {}
}
