package dev.hsu.profile;

import dev.hsu.profile.Draft.Str;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Walks one file's YAML node tree into a {@link Draft}, reporting every problem it finds. */
final class DraftReader {
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
          "seccomp",
          "landlock",
          "desktop",
          "service",
          "limits",
          "wayland",
          "dbus",
          "audio",
          "x11",
          "gpu");

  static final List<String> SECCOMP_KEYS = List.of("presets", "relax", "deny", "socket-families");
  static final List<String> PRESETS = List.of("common", "ext", "deny-ns", "deny-tty", "deny-devel");
  static final List<String> RELAX = List.of("allow-ptrace", "allow-userns", "tty", "multiarch");
  static final List<String> LANDLOCK_KEYS =
      List.of("required", "scopes", "filesystem", "rules", "network");
  static final List<String> ACCESS = List.of("read", "write", "execute");
  static final Pattern SYSCALL = Pattern.compile("[a-z0-9_]{1,64}");
  static final List<String> SERVICE_KEYS = List.of("restart", "restart-sec");
  /** systemd.service(5) Restart= values. */
  static final List<String> RESTART =
      List.of("no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always");
  static final List<String> LIMITS_KEYS = List.of("memory", "tasks", "cpu-weight");
  /** A desktop file ID as found under $XDG_DATA_DIRS/applications (no subdirectory). */
  static final Pattern DESKTOP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,246}\\.desktop");
  static final List<String> DBUS_KEYS = List.of("session", "system");
  static final List<String> BUS_KEYS = List.of("see", "talk", "own", "call", "broadcast");
  /** A well-known D-Bus bus name (the D-Bus specification; unique names are refused). */
  static final Pattern BUS_NAME =
      Pattern.compile("[A-Za-z_-][A-Za-z0-9_-]*(\\.[A-Za-z_-][A-Za-z0-9_-]*)+");
  /** xdg-dbus-proxy's METHOD: '*', an interface (optionally '.*') or interface.Method. */
  static final Pattern DBUS_METHOD =
      Pattern.compile("\\*|[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+(\\.\\*)?");
  /** xdg-dbus-proxy's PATH: an object path, optionally ending in '/*'. */
  static final Pattern DBUS_PATH = Pattern.compile("/|(/[A-Za-z0-9_]+)+|(/[A-Za-z0-9_]+)*/\\*");
  static final int MAX_BUS_NAME = 255;
  static final List<String> AUDIO = List.of("pulse");

  /** Why {@code audio: pipewire} is refused, and what to use instead. */
  static final String PIPEWIRE_REFUSED =
      "'audio: pipewire' is refused: every client of PipeWire 0.3 may create nodes from factories"
          + " that load a library by a path the client names, so the app could run its own code in"
          + " your PipeWire daemon, outside the sandbox, and PipeWire has no way to restrict that for"
          + " one client here; use 'audio: pulse' instead: hsu filters the PulseAudio protocol,"
          + " which pipewire-pulse serves too";

  /** Other names people use for a value, for "did you mean" hints. */
  static final Map<String, String> ALIASES =
      Map.of("pulseaudio", "pulse", "pipewire-pulse", "pulse", "false", "none");
  static final int MAX_TASKS = 4_194_304;
  static final int MAX_CPU_WEIGHT = 10_000;

  static final Map<String, List<String>> FS_KEYS = new LinkedHashMap<>();

  static {
    FS_KEYS.put("bind", List.of("to", "writable", "device", "optional", "ensure"));
    FS_KEYS.put("tmpfs", List.of("size", "mode", "read-only"));
    FS_KEYS.put("overlay", List.of("lower", "writes", "upper", "work"));
    FS_KEYS.put("symlink", List.of("points-to", "dereference"));
    FS_KEYS.put("file", List.of("content", "mode"));
    FS_KEYS.put("mkdir", List.of("mode"));
    FS_KEYS.put("remount", List.of("read-only", "noexec", "nodev"));
  }

  static final Pattern ID =
      Pattern.compile("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)+");
  static final Pattern HOSTNAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  static final Pattern NAME_FORBIDDEN = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern DURATION = Pattern.compile("(0|[1-9][0-9]{0,8})(ms|s)");
  static final Pattern MODE = Pattern.compile("0?[0-7]{1,4}");
  static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,8}[kMG]?");
  static final long MAX_DURATION_MS = 300_000;
  static final int MAX_ID = 255;
  static final int MAX_HOSTNAME = 64;
  static final int MAX_SIZE_INT = 999_999_999;

  private static final Set<Tag> TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);

  private final Source src;
  private final Problems problems;

  DraftReader(Source src, Problems problems) {
    this.src = src;
    this.problems = problems;
  }

  /** Reads the document {@code root}; a null result means it was not a mapping. */
  Draft read(Node root) {
    checkTree(root);
    MappingNode top = mapping(root, "a mapping at the top level of the profile", null);
    if (top == null) {
      return null;
    }
    Draft d = new Draft();
    d.start = src.at(top);
    Map<String, NodeTuple> keys = keys(top, null, TOP_KEYS);
    for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
      d.given.add(e.getKey());
      Node v = e.getValue().getValueNode();
      readTop(d, e.getKey(), v);
    }
    return d;
  }

  private void readTop(Draft d, String key, Node v) {
    switch (key) {
      case "id":
        d.id = checked(string(v, "'id'"), this::idProblem);
        break;
      case "name":
        d.name =
            checked(
                string(v, "'name'"),
                s ->
                    s.isEmpty()
                        ? "'name' must not be empty"
                        : NAME_FORBIDDEN.matcher(s).find()
                            ? "'name' must not contain control or format characters"
                            : null);
        break;
      case "extends":
        {
          List<Str> list = strings(v, "'extends'", false);
          if (list != null) {
            for (Str s : list) {
              if (s.value().isEmpty()) {
                error(s.pos(), "an 'extends' entry must not be empty");
              } else {
                d.extendsList.add(s);
              }
            }
          }
          break;
        }
      case "command":
        d.command = command(v);
        break;
      case "cwd":
        d.cwd = varString(v, "'cwd'");
        break;
      case "env":
        readEnv(d, v);
        break;
      case "hostname":
        d.hostname = checked(string(v, "'hostname'"), this::hostnameProblem);
        break;
      case "ids":
        {
          MappingNode m = mapping(v, "a mapping with 'uid' and 'gid'", "'ids'");
          if (m != null) {
            d.idsGiven = true;
            Map<String, NodeTuple> k = keys(m, "'ids'", List.of("uid", "gid"));
            if (k.containsKey("uid")) {
              d.uid = integer(k.get("uid").getValueNode(), "'uid'", 0, 65534);
            }
            if (k.containsKey("gid")) {
              d.gid = integer(k.get("gid").getValueNode(), "'gid'", 0, 65534);
            }
          }
          break;
        }
      case "home":
        d.home = home(v);
        break;
      case "root":
        {
          MappingNode m = mapping(v, "a mapping with 'mirror' and 'exclude'", "'root'");
          if (m != null) {
            Map<String, NodeTuple> k = keys(m, "'root'", List.of("mirror", "exclude"));
            if (k.containsKey("mirror")) {
              d.rootMirror = bool(k.get("mirror").getValueNode(), "'mirror'");
            }
            if (k.containsKey("exclude")) {
              d.rootExclude = names(k.get("exclude").getValueNode(), "'exclude'", "/");
            }
          }
          break;
        }
      case "etc":
        readEtc(d, v);
        break;
      case "network":
        {
          String s = choice(v, "'network'", List.of("none", "host"));
          if (s != null) {
            d.network = s.equals("host") ? Profile.Network.HOST : Profile.Network.NONE;
            d.networkPos = src.at(v);
          }
          break;
        }
      case "devices":
        d.devices = devices(v);
        break;
      case "filesystem":
        d.filesystem = filesystem(v);
        break;
      case "daemons":
        d.daemons = daemons(v);
        break;
      case "wait-delay":
        d.waitDelay = duration(v, "'wait-delay'");
        break;
      case "seccomp":
        readSeccomp(d, v);
        break;
      case "landlock":
        readLandlock(d, v);
        break;
      case "desktop":
        d.desktop = checked(string(v, "'desktop'"), this::desktopProblem);
        break;
      case "service":
        readService(d, v);
        break;
      case "limits":
        readLimits(d, v);
        break;
      case "wayland":
        readWayland(d, v);
        break;
      case "dbus":
        readDbus(d, v);
        break;
      case "audio":
        readAudio(d, v);
        break;
      case "x11":
        d.x11 = bool(v, "'x11'");
        d.x11Pos = src.at(v);
        break;
      case "gpu":
        d.gpu = bool(v, "'gpu'");
        d.gpuPos = src.at(v);
        break;
      default:
        throw new IllegalStateException(key);
    }
  }

  // ---- whole-tree checks ----

  /** Tags, duplicate keys and non-string keys, anywhere in the tree (also under unknown keys). */
  private void checkTree(Node root) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (!seen.add(n)) {
        continue;
      }
      if (!TAGS.contains(n.getTag())) {
        error(src.at(n), "unsupported tag " + Text.quote(n.getTag().getValue()));
      }
      if (n instanceof SequenceNode) {
        for (Node c : ((SequenceNode) n).getValue()) {
          todo.push(c);
        }
      } else if (n instanceof MappingNode) {
        Map<String, Node> first = new HashMap<>();
        for (NodeTuple t : ((MappingNode) n).getValue()) {
          Node k = t.getKeyNode();
          if (!(k instanceof ScalarNode)) {
            error(src.at(k), "a mapping key must be a string, got " + kind(k));
          } else {
            String name = ((ScalarNode) k).getValue();
            Node before = first.putIfAbsent(name, k);
            if (before != null) {
              error(
                  src.at(k),
                  "duplicate key "
                      + Text.quote(name)
                      + " (first given at line "
                      + src.at(before).line()
                      + ")");
            }
          }
          todo.push(t.getValueNode());
        }
      }
    }
  }

  // ---- sections ----

  private List<Str> command(Node v) {
    if (v instanceof ScalarNode && v.getTag().equals(Tag.STR)) {
      String s = ((ScalarNode) v).getValue().strip();
      String hint = s.isEmpty() ? "[app]" : "[" + String.join(", ", s.split("\\s+")) + "]";
      error(
          src.at(v),
          "expected a list of strings for 'command', got a string (write it as a list: command: "
              + hint
              + ")");
      return null;
    }
    List<Str> list = strings(v, "'command'", true);
    if (list == null) {
      return null;
    }
    if (list.isEmpty()) {
      error(src.at(v), "'command' is empty; it needs at least the program to run");
      return null;
    }
    if (list.get(0).value().isEmpty()) {
      error(list.get(0).pos(), "the program in 'command' must not be empty");
      return null;
    }
    return list;
  }

  private void readEnv(Draft d, Node v) {
    MappingNode m = mapping(v, "a mapping with 'set' and 'pass'", "'env'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = keys(m, "'env'", List.of("set", "pass"));
    if (k.containsKey("set")) {
      MappingNode set = mapping(k.get("set").getValueNode(), "a mapping of names to strings", "'set'");
      if (set != null) {
        d.envSet = new LinkedHashMap<>();
        for (NodeTuple t : set.getValue()) {
          if (!(t.getKeyNode() instanceof ScalarNode)) {
            continue;
          }
          String name = ((ScalarNode) t.getKeyNode()).getValue();
          if (!ENV_NAME.matcher(name).matches()) {
            error(src.at(t.getKeyNode()), "invalid environment variable name " + Text.quote(name));
            continue;
          }
          Str value = varString(t.getValueNode(), Text.quote(name));
          if (value != null && !d.envSet.containsKey(name)) {
            d.envSet.put(name, value);
          }
        }
      }
    }
    if (k.containsKey("pass")) {
      List<Str> names = strings(k.get("pass").getValueNode(), "'pass'", false);
      if (names != null) {
        d.envPass = new ArrayList<>();
        for (Str s : names) {
          if (!ENV_NAME.matcher(s.value()).matches()) {
            error(s.pos(), "invalid environment variable name " + Text.quote(s.value()));
          } else {
            d.envPass.add(s);
          }
        }
      }
    }
  }

  private Str home(Node v) {
    Str s = string(v, "'home'");
    if (s == null || s.value().equals("persistent") || s.value().equals("ephemeral")) {
      return s;
    }
    if (s.value().startsWith("/") || s.value().startsWith("${")) {
      return varString(v, "'home'");
    }
    String hint = Text.suggest(s.value(), List.of("persistent", "ephemeral"));
    error(
        s.pos(),
        "expected 'persistent', 'ephemeral' or an absolute host path for 'home', got "
            + Text.quote(s.value())
            + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
    return null;
  }

  private void readEtc(Draft d, Node v) {
    if (v instanceof SequenceNode) {
      List<Str> names = names(v, "'etc'", "/etc");
      if (names != null) {
        d.etcKind = Profile.Etc.Kind.ONLY;
        d.etcOnly = names;
      }
      return;
    }
    if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.STR)) {
      error(src.at(v), "expected 'mirror', 'none' or a list of names for 'etc', got " + kind(v));
      return;
    }
    String s = choice(v, "'etc'", List.of("mirror", "none"));
    if (s != null) {
      d.etcKind = s.equals("none") ? Profile.Etc.Kind.NONE : Profile.Etc.Kind.MIRROR;
      d.etcOnly = List.of();
    }
  }

  private List<Draft.Device> devices(Node v) {
    SequenceNode seq = sequence(v, "a list of device paths", "'devices'");
    if (seq == null) {
      return null;
    }
    List<Draft.Device> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (item instanceof MappingNode) {
        Map<String, NodeTuple> k = keys((MappingNode) item, "a device", List.of("path", "optional"));
        Boolean optional =
            k.containsKey("optional") ? bool(k.get("optional").getValueNode(), "'optional'") : false;
        if (!k.containsKey("path")) {
          error(src.at(item), "a device entry needs 'path'");
        } else {
          Str path = varString(k.get("path").getValueNode(), "'path'");
          if (path != null && optional != null) {
            out.add(new Draft.Device(path, optional));
          }
        }
      } else if (isString(item)) {
        Str path = varString(item, "a device");
        if (path != null) {
          out.add(new Draft.Device(path, false));
        }
      } else {
        error(
            src.at(item),
            "expected a path or a mapping with 'path' and 'optional' for a device, got "
                + kind(item));
      }
    }
    return out;
  }

  private List<Draft.Daemon> daemons(Node v) {
    SequenceNode seq = sequence(v, "a list of mappings", "'daemons'");
    if (seq == null) {
      return null;
    }
    List<Draft.Daemon> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      MappingNode m = mapping(item, "a mapping with 'program' and 'ready-path'", "a daemon");
      if (m == null) {
        continue;
      }
      Map<String, NodeTuple> k =
          keys(m, "a daemon", List.of("program", "args", "ready-path", "timeout"));
      boolean ok = true;
      Str program = null;
      Str ready = null;
      if (!k.containsKey("program")) {
        error(src.at(m), "a daemon needs 'program'");
        ok = false;
      } else {
        program = varString(k.get("program").getValueNode(), "'program'");
        ok &= program != null;
      }
      if (!k.containsKey("ready-path")) {
        error(src.at(m), "a daemon needs 'ready-path'");
        ok = false;
      } else {
        ready = varString(k.get("ready-path").getValueNode(), "'ready-path'");
        ok &= ready != null;
      }
      List<Str> args = List.of();
      if (k.containsKey("args")) {
        args = strings(k.get("args").getValueNode(), "'args'", true);
        ok &= args != null;
      }
      Duration timeout = Duration.ofSeconds(5);
      if (k.containsKey("timeout")) {
        timeout = duration(k.get("timeout").getValueNode(), "'timeout'");
        ok &= timeout != null;
      }
      if (ok) {
        out.add(new Draft.Daemon(program, args, ready, timeout));
      }
    }
    return out;
  }

  // ---- seccomp and landlock ----

  private void readSeccomp(Draft d, Node v) {
    MappingNode m =
        mapping(v, "a mapping with 'presets', 'relax', 'deny' and 'socket-families'", "'seccomp'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = keys(m, "'seccomp'", SECCOMP_KEYS);
    if (k.containsKey("presets")) {
      Node n = k.get("presets").getValueNode();
      List<Str> list = choices(n, "'presets'", "a seccomp preset", PRESETS);
      if (list != null) {
        d.seccompPresets = list;
        d.seccompPresetsPos = src.at(n);
      }
    }
    if (k.containsKey("relax")) {
      d.seccompRelax = choices(k.get("relax").getValueNode(), "'relax'", "'relax'", RELAX);
    }
    if (k.containsKey("deny")) {
      d.seccompDeny = denyList(k.get("deny").getValueNode());
    }
    if (k.containsKey("socket-families")) {
      d.seccompFamilies = families(k.get("socket-families").getValueNode());
    }
  }

  /** A list whose every item is one of {@code allowed}; null when any item is not. */
  private List<Str> choices(Node v, String what, String itemWhat, List<String> allowed) {
    SequenceNode seq = sequence(v, "a list of names", what);
    if (seq == null) {
      return null;
    }
    List<Str> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      String c = choice(item, itemWhat, allowed);
      if (c == null) {
        ok = false;
      } else {
        out.add(new Str(c, src.at(item)));
      }
    }
    return ok ? out : null;
  }

  private List<Draft.Deny> denyList(Node v) {
    SequenceNode seq = sequence(v, "a list of syscall names", "'deny'");
    if (seq == null) {
      return null;
    }
    List<Draft.Deny> out = new ArrayList<>();
    Map<String, Pos> seen = new HashMap<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      Str name = null;
      int errno = dev.hsu.plan.Errno.EPERM;
      if (item instanceof MappingNode) {
        Map<String, NodeTuple> k =
            keys((MappingNode) item, "a 'deny' entry", List.of("syscall", "errno"));
        if (!k.containsKey("syscall")) {
          error(src.at(item), "a 'deny' entry needs 'syscall'");
        } else {
          name = syscall(k.get("syscall").getValueNode());
        }
        if (k.containsKey("errno")) {
          errno = errno(k.get("errno").getValueNode());
        }
      } else if (isString(item)) {
        name = syscall(item);
      } else {
        error(
            src.at(item),
            "expected a syscall name or a mapping with 'syscall' and 'errno' in 'deny', got "
                + kind(item));
      }
      if (name == null || errno < 0) {
        ok = false;
        continue;
      }
      Pos first = seen.putIfAbsent(name.value(), name.pos());
      if (first != null) {
        error(
            name.pos(),
            "syscall "
                + Text.quote(name.value())
                + " is already in 'deny' (line "
                + first.line()
                + ")");
        ok = false;
        continue;
      }
      out.add(new Draft.Deny(name, errno));
    }
    return ok ? out : null;
  }

  private Str syscall(Node v) {
    Str s = string(v, "a syscall name");
    if (s == null) {
      return null;
    }
    if (!SYSCALL.matcher(s.value()).matches()) {
      error(
          s.pos(),
          "invalid syscall name "
              + Text.quote(s.value())
              + ": expected 1 to 64 lower-case letters, digits and '_', like 'io_uring_setup'");
      return null;
    }
    if (!Syscalls.NAMES.contains(s.value())) {
      String hint = Text.suggest(s.value(), Syscalls.LIST);
      problems.warning(
          s.pos(),
          "unknown syscall "
              + Text.quote(s.value())
              + (hint == null ? "" : " (did you mean '" + hint + "'?)")
              + "; hsu-init refuses the profile if libseccomp does not know it either");
    }
    return s;
  }

  /** The errno number of an E... name, or -1 after reporting a problem. */
  private int errno(Node v) {
    if (!isString(v)) {
      error(
          src.at(v),
          "expected an errno name like EPERM for 'errno', got " + kind(v));
      return -1;
    }
    Str s = string(v, "'errno'");
    int n = dev.hsu.plan.Errno.number(s.value());
    if (n < 0) {
      String hint = Text.suggest(s.value(), dev.hsu.plan.Errno.BY_NAME.keySet());
      error(
          s.pos(),
          "unknown errno name "
              + Text.quote(s.value())
              + (hint == null
                  ? "; expected a name like EPERM, EACCES or ENOSYS"
                  : " (did you mean '" + hint + "'?)"));
      return -1;
    }
    return n;
  }

  private List<Str> families(Node v) {
    List<Str> list = strings(v, "'socket-families'", false);
    if (list == null) {
      return null;
    }
    boolean ok = true;
    for (Str s : list) {
      if (dev.hsu.plan.SocketFamily.EXTRA.containsKey(s.value())) {
        continue;
      }
      ok = false;
      int n = dev.hsu.plan.SocketFamily.number(s.value());
      if (n > 0) {
        error(
            s.pos(),
            "socket family "
                + Text.quote(s.value())
                + " is always allowed; list only the families to add");
      } else {
        String hint = Text.suggest(s.value(), dev.hsu.plan.SocketFamily.EXTRA.keySet());
        error(
            s.pos(),
            "unknown socket family "
                + Text.quote(s.value())
                + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                + "; expected one of: "
                + Text.list(dev.hsu.plan.SocketFamily.EXTRA.keySet()));
      }
    }
    return ok ? list : null;
  }

  private void readLandlock(Draft d, Node v) {
    MappingNode m =
        mapping(
            v,
            "a mapping with 'required', 'scopes', 'filesystem', 'rules' and 'network'",
            "'landlock'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = keys(m, "'landlock'", LANDLOCK_KEYS);
    if (k.containsKey("required")) {
      Node n = k.get("required").getValueNode();
      d.landlockRequired = bool(n, "'required'");
      d.landlockRequiredPos = src.at(n);
    }
    if (k.containsKey("scopes")) {
      MappingNode s =
          mapping(
              k.get("scopes").getValueNode(),
              "a mapping with 'abstract-unix' and 'signal'",
              "'scopes'");
      if (s != null) {
        Map<String, NodeTuple> sk = keys(s, "'scopes'", List.of("abstract-unix", "signal"));
        if (sk.containsKey("abstract-unix")) {
          d.scopeAbstractUnix = bool(sk.get("abstract-unix").getValueNode(), "'abstract-unix'");
        }
        if (sk.containsKey("signal")) {
          d.scopeSignal = bool(sk.get("signal").getValueNode(), "'signal'");
        }
      }
    }
    if (k.containsKey("filesystem")) {
      Node n = k.get("filesystem").getValueNode();
      String c = choice(n, "landlock 'filesystem'", List.of("auto", "none"));
      if (c != null) {
        d.landlockFilesystem = new Str(c, src.at(n));
      }
    }
    if (k.containsKey("rules")) {
      d.landlockRules = rules(k.get("rules").getValueNode());
    }
    if (k.containsKey("network")) {
      NodeTuple t = k.get("network");
      MappingNode n =
          mapping(t.getValueNode(), "a mapping with 'bind' and 'connect'", "landlock 'network'");
      if (n != null) {
        Map<String, NodeTuple> nk = keys(n, "landlock 'network'", List.of("bind", "connect"));
        List<Integer> bind =
            nk.containsKey("bind") ? ports(nk.get("bind").getValueNode(), "'bind'") : List.of();
        List<Integer> connect =
            nk.containsKey("connect")
                ? ports(nk.get("connect").getValueNode(), "'connect'")
                : List.of();
        if (bind != null && connect != null) {
          d.landlockNetworkPos = src.at(t.getKeyNode());
          d.landlockBind = bind;
          d.landlockConnect = connect;
        }
      }
    }
  }

  private List<Draft.Rule> rules(Node v) {
    SequenceNode seq =
        sequence(v, "a list of mappings with 'path' and 'access'", "landlock 'rules'");
    if (seq == null) {
      return null;
    }
    List<Draft.Rule> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      MappingNode m = mapping(item, "a mapping with 'path' and 'access'", "a landlock rule");
      if (m == null) {
        ok = false;
        continue;
      }
      Map<String, NodeTuple> k = keys(m, "a landlock rule", List.of("path", "access"));
      Str path = null;
      if (!k.containsKey("path")) {
        error(src.at(m), "a landlock rule needs 'path'");
      } else {
        path = varString(k.get("path").getValueNode(), "'path'");
      }
      java.util.EnumSet<Profile.Landlock.Access> access = null;
      if (!k.containsKey("access")) {
        error(src.at(m), "a landlock rule needs 'access' (a list of read, write, execute)");
      } else {
        Node a = k.get("access").getValueNode();
        List<Str> words = choices(a, "'access'", "'access'", ACCESS);
        if (words != null && words.isEmpty()) {
          error(src.at(a), "'access' must not be empty; give read, write or execute");
        } else if (words != null) {
          access = java.util.EnumSet.noneOf(Profile.Landlock.Access.class);
          for (Str w : words) {
            access.add(
                Profile.Landlock.Access.valueOf(w.value().toUpperCase(java.util.Locale.ROOT)));
          }
        }
      }
      if (path == null || access == null) {
        ok = false;
      } else {
        out.add(new Draft.Rule(path, access));
      }
    }
    return ok ? out : null;
  }

  private List<Integer> ports(Node v, String what) {
    SequenceNode seq = sequence(v, "a list of TCP port numbers", what);
    if (seq == null) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      Integer port = integer(item, "a TCP port in " + what, 0, 65535);
      if (port == null) {
        ok = false;
      } else {
        out.add(port);
      }
    }
    return ok ? out : null;
  }

  // ---- filesystem ----

  private List<Draft.Fs> filesystem(Node v) {
    SequenceNode seq = sequence(v, "a list of entries", "'filesystem'");
    if (seq == null) {
      return null;
    }
    List<Draft.Fs> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      MappingNode m =
          mapping(item, "a mapping such as '{bind: /path}'", "a filesystem entry");
      if (m != null) {
        Draft.Fs fs = fsEntry(m);
        if (fs != null) {
          out.add(fs);
        }
      }
    }
    return out;
  }

  private Draft.Fs fsEntry(MappingNode m) {
    String kind = null;
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (FS_KEYS.containsKey(key)) {
        if (kind != null) {
          error(
              src.at(t.getKeyNode()),
              "a filesystem entry has exactly one kind; this one has both '"
                  + kind
                  + "' and '"
                  + key
                  + "'");
          return null;
        }
        kind = key;
      }
    }
    if (kind == null) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode) {
          String key = ((ScalarNode) t.getKeyNode()).getValue();
          String hint = Text.suggest(key, FS_KEYS.keySet());
          if (hint != null) {
            error(
                src.at(t.getKeyNode()),
                "unknown key " + Text.quote(key) + " (did you mean '" + hint + "'?)");
            return null;
          }
        }
      }
      error(
          src.at(m),
          "a filesystem entry needs one kind key: " + Text.list(FS_KEYS.keySet()));
      return null;
    }
    List<String> allowed = new ArrayList<>();
    allowed.add(kind);
    allowed.addAll(FS_KEYS.get(kind));
    Map<String, NodeTuple> k = keys(m, "a " + kind + " entry", allowed);
    int before = problems.size();
    Str path = varString(k.get(kind).getValueNode(), "'" + kind + "'");
    switch (kind) {
      case "bind":
        {
          Str to = k.containsKey("to") ? varString(k.get("to").getValueNode(), "'to'") : null;
          boolean writable = flag(k, "writable");
          boolean device = flag(k, "device");
          boolean optional = flag(k, "optional");
          boolean ensure = flag(k, "ensure");
          if (optional && ensure) {
            error(
                src.at(k.get("ensure").getKeyNode()),
                "'optional' and 'ensure' cannot both be true: 'ensure' creates a missing source,"
                    + " 'optional' skips it");
          }
          return problems.size() > before
              ? null
              : new Draft.Bind(path, to, writable, device, optional, ensure);
        }
      case "tmpfs":
        {
          long size = k.containsKey("size") ? size(k.get("size").getValueNode()) : 0;
          int mode = mode(k, 0755);
          boolean readOnly = flag(k, "read-only");
          return problems.size() > before ? null : new Draft.Tmpfs(path, size, mode, readOnly);
        }
      case "overlay":
        return overlay(k, path, before);
      case "symlink":
        {
          Str to = null;
          if (!k.containsKey("points-to")) {
            error(src.at(m), "a symlink entry needs 'points-to'");
          } else {
            to = varString(k.get("points-to").getValueNode(), "'points-to'");
            if (to != null && to.value().isEmpty()) {
              error(to.pos(), "'points-to' must not be empty");
            }
          }
          boolean deref = flag(k, "dereference");
          return problems.size() > before ? null : new Draft.Symlink(path, to, deref);
        }
      case "file":
        {
          Str content = null;
          if (!k.containsKey("content")) {
            error(src.at(m), "a file entry needs 'content'");
          } else {
            content = stringOf(k.get("content").getValueNode(), "'content'", true, true);
          }
          int mode = mode(k, 0644);
          return problems.size() > before ? null : new Draft.File(path, content, mode);
        }
      case "mkdir":
        {
          int mode = mode(k, 0755);
          return problems.size() > before ? null : new Draft.Mkdir(path, mode);
        }
      case "remount":
        {
          boolean ro = flag(k, "read-only");
          boolean noexec = flag(k, "noexec");
          boolean nodev = flag(k, "nodev");
          return problems.size() > before ? null : new Draft.Remount(path, ro, noexec, nodev);
        }
      default:
        throw new IllegalStateException(kind);
    }
  }

  private Draft.Fs overlay(Map<String, NodeTuple> k, Str path, int before) {
    List<Str> lower = null;
    if (k.containsKey("lower")) {
      lower = strings(k.get("lower").getValueNode(), "'lower'", true);
      if (lower != null && lower.isEmpty()) {
        error(src.at(k.get("lower").getValueNode()), "'lower' must not be empty");
      }
    }
    Writes writes = Writes.EPHEMERAL;
    if (k.containsKey("writes")) {
      String w =
          choice(k.get("writes").getValueNode(), "'writes'", List.of("ephemeral", "persistent", "none"));
      writes = w == null ? null : Writes.valueOf(w.toUpperCase(java.util.Locale.ROOT));
    }
    Str upper = null;
    Str work = null;
    for (String key : List.of("upper", "work")) {
      if (!k.containsKey(key)) {
        continue;
      }
      NodeTuple t = k.get(key);
      if (writes != null && writes != Writes.PERSISTENT) {
        error(src.at(t.getKeyNode()), "'" + key + "' is only allowed with 'writes: persistent'");
        continue;
      }
      Str s = varString(t.getValueNode(), "'" + key + "'");
      if (key.equals("upper")) {
        upper = s;
      } else {
        work = s;
      }
    }
    if (writes == Writes.PERSISTENT && k.containsKey("upper") != k.containsKey("work")) {
      NodeTuple t = k.containsKey("upper") ? k.get("upper") : k.get("work");
      error(src.at(t.getKeyNode()), "'upper' and 'work' go together: give both or neither");
    }
    if (writes == Writes.NONE && (lower == null || lower.size() < 2)) {
      error(
          src.at(k.get("writes").getValueNode()),
          "'writes: none' needs at least two paths in 'lower'");
    }
    if (problems.size() > before || writes == null) {
      return null;
    }
    return new Draft.Overlay(path, lower, writes, upper, work);
  }

  // ---- desktop, service, limits ----

  private String desktopProblem(String s) {
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

  private void readService(Draft d, Node v) {
    MappingNode m = mapping(v, "a mapping with 'restart' and 'restart-sec'", "'service'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = keys(m, "'service'", SERVICE_KEYS);
    if (k.containsKey("restart")) {
      d.serviceRestart = choice(k.get("restart").getValueNode(), "'restart'", RESTART);
    }
    if (k.containsKey("restart-sec")) {
      d.serviceRestartSec = duration(k.get("restart-sec").getValueNode(), "'restart-sec'");
    }
  }

  /** {@code true}/{@code false}, or {@code {direct: BOOL}}. */
  private void readWayland(Draft d, Node v) {
    if (!(v instanceof MappingNode)) {
      Boolean b = bool(v, "'wayland'");
      if (b != null) {
        d.wayland = b;
        d.waylandDirect = false;
        d.waylandPos = src.at(v);
      }
      return;
    }
    MappingNode m = (MappingNode) v;
    Map<String, NodeTuple> k = keys(m, "'wayland'", List.of("direct"));
    boolean direct = false;
    if (k.containsKey("direct")) {
      Boolean b = bool(k.get("direct").getValueNode(), "'direct'");
      if (b == null) {
        return;
      }
      direct = b;
    }
    d.wayland = true;
    d.waylandDirect = direct;
    d.waylandPos = src.at(m);
  }

  // ---- dbus, audio ----

  private void readDbus(Draft d, Node v) {
    MappingNode m = mapping(v, "a mapping with 'session' and 'system'", "'dbus'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = keys(m, "'dbus'", DBUS_KEYS);
    if (k.containsKey("session")) {
      d.dbusSession = bus(k.get("session").getValueNode(), "'session'");
    }
    if (k.containsKey("system")) {
      d.dbusSystem = bus(k.get("system").getValueNode(), "'system'");
    }
  }

  /** {@code true}, {@code false} or a mapping of filter keys; null after a problem. */
  private Draft.Bus bus(Node v, String what) {
    Draft.Bus bus = new Draft.Bus();
    bus.pos = src.at(v);
    if (v instanceof ScalarNode && v.getTag().equals(Tag.BOOL)) {
      bus.on = bool(v, what);
      return bus;
    }
    if (!(v instanceof MappingNode)) {
      error(
          src.at(v),
          "expected true, false or a mapping with 'see', 'talk', 'own', 'call' and 'broadcast'"
              + " for "
              + what
              + ", got "
              + kind(v));
      return null;
    }
    bus.on = true;
    int before = problems.size();
    Map<String, NodeTuple> k = keys((MappingNode) v, what, BUS_KEYS);
    for (String key : List.of("see", "talk", "own")) {
      if (k.containsKey(key)) {
        List<Str> names = strings(k.get(key).getValueNode(), "'" + key + "'", false);
        if (names != null) {
          for (Str s : names) {
            if (checked(s, this::busNameProblem) != null) {
              (key.equals("see") ? bus.see : key.equals("talk") ? bus.talk : bus.own).add(s);
            }
          }
        }
      }
    }
    if (k.containsKey("call")) {
      rules(k.get("call").getValueNode(), "'call'", bus.call);
    }
    if (k.containsKey("broadcast")) {
      rules(k.get("broadcast").getValueNode(), "'broadcast'", bus.broadcast);
    }
    return problems.size() > before ? null : bus;
  }

  /** A mapping of bus names to lists of rules, into {@code out}. */
  private void rules(Node v, String what, Map<String, List<Str>> out) {
    MappingNode m =
        mapping(v, "a mapping of bus names to lists of rules like '[org.example.Iface.*@/org/example]'", what);
    if (m == null) {
      return;
    }
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      Str name = checked(string(t.getKeyNode(), "a bus name in " + what), this::busNameProblem);
      Node value = t.getValueNode();
      if (value instanceof ScalarNode && value.getTag().equals(Tag.STR)) {
        error(
            src.at(value),
            "expected a list of rules for "
                + Text.quote(((ScalarNode) t.getKeyNode()).getValue())
                + " in "
                + what
                + ", got a string (write it as a list: ["
                + ((ScalarNode) value).getValue()
                + "])");
        continue;
      }
      List<Str> list = strings(value, "the rules of a name in " + what, false);
      if (name == null || list == null) {
        continue;
      }
      List<Str> ok = new ArrayList<>();
      for (Str r : list) {
        if (checked(r, this::ruleProblem) != null) {
          ok.add(r);
        }
      }
      if (!out.containsKey(name.value())) {
        out.put(name.value(), ok);
      }
    }
  }

  private String busNameProblem(String s) {
    if (s.length() > MAX_BUS_NAME) {
      return "the D-Bus name is longer than " + MAX_BUS_NAME + " characters";
    }
    String base = s.endsWith(".*") ? s.substring(0, s.length() - 2) : s;
    if (BUS_NAME.matcher(base).matches()) {
      return null;
    }
    String hint;
    if (s.startsWith(":")) {
      hint = " (a unique name like ':1.42' changes with every connection; give the service's"
          + " well-known name)";
    } else if (s.contains("*")) {
      hint = " ('*' may only be the last element, as in 'org.example.*')";
    } else {
      hint = "";
    }
    return "invalid D-Bus name "
        + Text.quote(s)
        + ": expected a bus name like 'org.example.Service' (at least two elements of letters,"
        + " digits, '_' and '-' separated by '.', none starting with a digit), or one followed"
        + " by '.*' for it and every name below it"
        + hint;
  }

  private String ruleProblem(String r) {
    int at = r.indexOf('@');
    String method = at < 0 ? r : r.substring(0, at);
    String path = at < 0 ? null : r.substring(at + 1);
    boolean ok =
        !r.isEmpty()
            && (method.isEmpty() || DBUS_METHOD.matcher(method).matches())
            && (path == null || DBUS_PATH.matcher(path).matches());
    if (ok) {
      return null;
    }
    return "invalid D-Bus rule "
        + Text.quote(r)
        + ": expected [METHOD][@PATH], where METHOD is '*', an interface (optionally followed by"
        + " '.*') or interface.Method, and PATH an object path (optionally ending in '/*'), like"
        + " 'org.example.Iface.Method@/org/example/*'"
        + (r.isEmpty() ? " ('*' allows every call)" : "");
  }

  /**
   * {@code none}, {@code pulse}, a list of those, or {@code {pulse: {record: BOOL}}} (also {@code
   * {pulse: true}}). {@code pipewire} is refused with the reason: see {@link #PIPEWIRE_REFUSED}.
   */
  private void readAudio(Draft d, Node v) {
    List<Str> out = new ArrayList<>();
    boolean record = false;
    if (v instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        Str key = string(t.getKeyNode(), "an 'audio' key");
        if (key == null) {
          return;
        }
        if (key.value().equals("pipewire")) {
          error(key.pos(), PIPEWIRE_REFUSED);
          return;
        }
      }
      Map<String, NodeTuple> k = keys(m, "'audio'", List.of("pulse"));
      if (!k.containsKey("pulse")) {
        error(src.at(v), "expected 'pulse' in the 'audio' mapping");
        return;
      }
      Node pulse = k.get("pulse").getValueNode();
      if (pulse instanceof MappingNode pm) {
        record = flag(keys(pm, "'pulse'", List.of("record")), "record");
      } else if (!Boolean.TRUE.equals(bool(pulse, "'pulse' (true, or a mapping with 'record')"))) {
        return;
      }
      out.add(string(k.get("pulse").getKeyNode(), "'audio'"));
    } else if (v instanceof SequenceNode) {
      List<Str> list = strings(v, "'audio'", false);
      if (list == null) {
        return;
      }
      int before = problems.size();
      for (Str s : list) {
        if (s.value().equals("pipewire")) {
          error(s.pos(), PIPEWIRE_REFUSED);
        } else if (!AUDIO.contains(s.value())) {
          choiceError(s, "an 'audio' entry", AUDIO);
        } else if (out.isEmpty()) {
          out.add(s);
        }
      }
      if (problems.size() > before) {
        return;
      }
    } else {
      if (!isString(v)) {
        error(
            src.at(v),
            "expected 'none', 'pulse', a list of them or {pulse: {record: true}} for 'audio', got "
                + kind(v));
        return;
      }
      if ("pipewire".equals(((ScalarNode) v).getValue())) {
        error(src.at(v), PIPEWIRE_REFUSED);
        return;
      }
      String s = choice(v, "'audio'", List.of("none", "pulse"));
      if (s == null) {
        return;
      }
      if (!s.equals("none")) {
        out.add(string(v, "'audio'"));
      }
    }
    d.audio = out;
    d.audioRecord = record;
    d.audioPos = src.at(v);
  }

  private void readLimits(Draft d, Node v) {
    MappingNode m =
        mapping(v, "a mapping with 'memory', 'tasks' and 'cpu-weight'", "'limits'");
    if (m == null) {
      return;
    }
    d.limitsPos = src.at(m);
    Map<String, NodeTuple> k = keys(m, "'limits'", LIMITS_KEYS);
    if (k.containsKey("memory")) {
      long bytes = size(k.get("memory").getValueNode(), "'memory'");
      d.limitsMemory = bytes > 0 ? bytes : null;
    }
    if (k.containsKey("tasks")) {
      d.limitsTasks = integer(k.get("tasks").getValueNode(), "'tasks'", 1, MAX_TASKS);
    }
    if (k.containsKey("cpu-weight")) {
      d.limitsCpuWeight =
          integer(k.get("cpu-weight").getValueNode(), "'cpu-weight'", 1, MAX_CPU_WEIGHT);
    }
  }

  // ---- typed values ----

  private boolean flag(Map<String, NodeTuple> k, String key) {
    if (!k.containsKey(key)) {
      return false;
    }
    Boolean b = bool(k.get(key).getValueNode(), "'" + key + "'");
    return b != null && b;
  }

  private int mode(Map<String, NodeTuple> k, int fallback) {
    if (!k.containsKey("mode")) {
      return fallback;
    }
    Node v = k.get("mode").getValueNode();
    if (v instanceof ScalarNode && v.getTag().equals(Tag.INT)) {
      error(
          src.at(v),
          "expected a mode as a quoted string of octal digits for 'mode', got an integer (quote"
              + " it: \""
              + ((ScalarNode) v).getValue()
              + "\")");
      return fallback;
    }
    Str s = string(v, "'mode'");
    if (s == null) {
      return fallback;
    }
    if (!MODE.matcher(s.value()).matches()) {
      error(s.pos(), "invalid mode " + Text.quote(s.value()) + ": expected octal digits up to \"07777\", like \"0755\"");
      return fallback;
    }
    return Integer.parseInt(s.value(), 8);
  }

  private long size(Node v) {
    return size(v, "'size'");
  }

  /** A size in bytes for {@code what}; 0 after reporting a problem. */
  private long size(Node v, String what) {
    if (v instanceof ScalarNode && v.getTag().equals(Tag.INT)) {
      Integer n = integer(v, what, 1, MAX_SIZE_INT);
      return n == null ? 0 : n;
    }
    Str s = string(v, what);
    if (s == null) {
      return 0;
    }
    if (!SIZE.matcher(s.value()).matches()) {
      error(
          s.pos(),
          "invalid size "
              + Text.quote(s.value())
              + (what.equals("'size'") ? "" : " for " + what)
              + ": expected a positive number of at most 9 digits, optionally followed by k, M"
              + " or G, like \"64M\"");
      return 0;
    }
    String digits = s.value();
    long unit = 1;
    char last = digits.charAt(digits.length() - 1);
    if (last == 'k' || last == 'M' || last == 'G') {
      unit = last == 'k' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
      digits = digits.substring(0, digits.length() - 1);
    }
    return Long.parseLong(digits) * unit;
  }

  private Duration duration(Node v, String what) {
    if (!isString(v)) {
      error(
          src.at(v),
          "expected a duration like \"5s\" or \"500ms\" for " + what + ", got " + kind(v));
      return null;
    }
    Str s = string(v, what);
    var m = DURATION.matcher(s.value());
    if (!m.matches()) {
      error(
          s.pos(),
          "invalid duration "
              + Text.quote(s.value())
              + " for "
              + what
              + ": expected a whole number followed by 'ms' or 's', like \"5s\" or \"500ms\"");
      return null;
    }
    long n = Long.parseLong(m.group(1));
    long ms = m.group(2).equals("s") ? n * 1000 : n;
    if (ms > MAX_DURATION_MS) {
      error(s.pos(), "duration " + Text.quote(s.value()) + " for " + what + " is over the maximum of 300s");
      return null;
    }
    return Duration.ofMillis(ms);
  }

  private String choice(Node v, String what, List<String> allowed) {
    Str s = string(v, what);
    if (s == null) {
      return null;
    }
    if (allowed.contains(s.value())) {
      return s.value();
    }
    choiceError(s, what, allowed);
    return null;
  }

  private void choiceError(Str s, String what, List<String> allowed) {
    String hint = Text.suggest(s.value(), allowed);
    String alias = ALIASES.get(s.value().toLowerCase(java.util.Locale.ROOT));
    if (hint == null && alias != null && allowed.contains(alias)) {
      hint = alias;
    }
    error(
        s.pos(),
        "unknown value "
            + Text.quote(s.value())
            + " for "
            + what
            + (hint == null ? "" : " (did you mean '" + hint + "'?)")
            + "; expected one of: "
            + Text.list(allowed));
  }

  private Integer integer(Node v, String what, int min, int max) {
    if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.INT)) {
      error(src.at(v), "expected an integer for " + what + ", got " + kind(v));
      return null;
    }
    String text = ((ScalarNode) v).getValue().replace("_", "");
    long value;
    try {
      boolean negative = text.startsWith("-");
      String t = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
      java.math.BigInteger big;
      if (t.startsWith("0x")) {
        big = new java.math.BigInteger(t.substring(2), 16);
      } else if (t.startsWith("0o")) {
        big = new java.math.BigInteger(t.substring(2), 8);
      } else {
        big = new java.math.BigInteger(t);
      }
      if (negative) {
        big = big.negate();
      }
      value =
          big.bitLength() > 40 ? (big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : big.longValue();
    } catch (NumberFormatException e) {
      error(src.at(v), "invalid integer " + Text.quote(text) + " for " + what);
      return null;
    }
    if (value < min || value > max) {
      error(
          src.at(v),
          what + " must be between " + min + " and " + max + ", got " + Text.quote(text));
      return null;
    }
    return (int) value;
  }

  private Boolean bool(Node v, String what) {
    if (!(v instanceof ScalarNode) || !v.getTag().equals(Tag.BOOL)) {
      error(src.at(v), "expected true or false for " + what + ", got " + kind(v));
      return null;
    }
    return Boolean.parseBoolean(((ScalarNode) v).getValue().toLowerCase(java.util.Locale.ROOT));
  }

  private List<Str> names(Node v, String what, String dir) {
    List<Str> list = strings(v, what, false);
    if (list == null) {
      return null;
    }
    List<Str> out = new ArrayList<>();
    for (Str s : list) {
      String n = s.value();
      if (n.isEmpty() || n.contains("/") || n.equals(".") || n.equals("..")) {
        error(s.pos(), "invalid entry name " + Text.quote(n) + " in " + what + ": expected a single name in " + dir);
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** A list of strings; with {@code vars}, each is checked for ${VAR} references. */
  private List<Str> strings(Node v, String what, boolean vars) {
    SequenceNode seq = sequence(v, "a list of strings", what);
    if (seq == null) {
      return null;
    }
    List<Str> out = new ArrayList<>();
    boolean ok = true;
    for (Node item : seq.getValue()) {
      if (!isString(item)) {
        error(src.at(item), "expected a list of strings for " + what + ", got " + kind(item) + " in it" + quoteHint(item));
        ok = false;
        continue;
      }
      Str s = stringOf(item, what, vars, false);
      if (s == null) {
        ok = false;
      } else {
        out.add(s);
      }
    }
    return ok ? out : null;
  }

  private Str string(Node v, String what) {
    return stringOf(v, what, false, false);
  }

  private Str varString(Node v, String what) {
    return stringOf(v, what, true, false);
  }

  private Str stringOf(Node v, String what, boolean vars, boolean allowNul) {
    if (!isString(v)) {
      error(src.at(v), "expected a string for " + what + ", got " + kind(v) + quoteHint(v));
      return null;
    }
    ScalarNode s = (ScalarNode) v;
    Pos pos = src.at(v);
    String value = s.getValue();
    if (!allowNul && value.indexOf('\0') >= 0) {
      error(pos, what + " must not contain a NUL character");
      return null;
    }
    if (vars) {
      Vars.Problem p = Vars.check(value);
      if (p != null) {
        boolean exact = s.getScalarStyle() == ScalarStyle.PLAIN && value.indexOf('\n') < 0;
        error(exact ? pos.shifted(value.codePointCount(0, p.index())) : pos, p.message());
        return null;
      }
    }
    return new Str(value, pos);
  }

  private String quoteHint(Node v) {
    if (v instanceof ScalarNode && !v.getTag().equals(Tag.NULL)) {
      return " (quote it: \"" + ((ScalarNode) v).getValue() + "\")";
    }
    return "";
  }

  private Str checked(Str s, java.util.function.Function<String, String> problem) {
    if (s == null) {
      return null;
    }
    String p = problem.apply(s.value());
    if (p != null) {
      error(s.pos(), p);
      return null;
    }
    return s;
  }

  private String idProblem(String id) {
    if (id.length() > MAX_ID) {
      return "the id is longer than " + MAX_ID + " characters";
    }
    if (!ID.matcher(id).matches()) {
      return "invalid id "
          + Text.quote(id)
          + ": expected reverse-DNS like 'org.example.App' (letters, digits, '_' and '-', at least"
          + " two parts separated by '.', starting with a letter)";
    }
    return null;
  }

  private String hostnameProblem(String h) {
    if (h.length() > MAX_HOSTNAME) {
      return "the hostname is longer than " + MAX_HOSTNAME + " characters";
    }
    if (!HOSTNAME.matcher(h).matches()) {
      return "invalid hostname "
          + Text.quote(h)
          + ": expected labels of letters, digits and '-' separated by '.', each at most 63"
          + " characters and not starting or ending with '-'";
    }
    return null;
  }

  // ---- structure ----

  private MappingNode mapping(Node v, String expected, String what) {
    if (v instanceof MappingNode) {
      return (MappingNode) v;
    }
    error(src.at(v), "expected " + expected + (what == null ? "" : " for " + what) + ", got " + kind(v));
    return null;
  }

  private SequenceNode sequence(Node v, String expected, String what) {
    if (v instanceof SequenceNode) {
      return (SequenceNode) v;
    }
    error(src.at(v), "expected " + expected + " for " + what + ", got " + kind(v));
    return null;
  }

  /**
   * The keys of {@code m} in order; unknown keys are reported (with a suggestion) and left out.
   * Duplicates and non-string keys were reported by {@link #checkTree}; the first one wins.
   */
  private Map<String, NodeTuple> keys(MappingNode m, String where, List<String> allowed) {
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (allowed.contains(key)) {
        out.putIfAbsent(key, t);
        continue;
      }
      String in = where == null ? "" : " in " + where;
      String msg;
      if (key.equals("<<")) {
        msg = "merge keys ('<<') are not supported; use 'extends' or repeat the keys";
      } else if (where != null && where.endsWith(" entry") && otherKind(key) != null) {
        msg = "key " + Text.quote(key) + " is not valid" + in + "; valid keys: " + Text.list(allowed.subList(1, allowed.size()));
      } else {
        String hint = Text.suggest(key, allowed);
        msg =
            "unknown key "
                + Text.quote(key)
                + in
                + (hint != null
                    ? " (did you mean '" + hint + "'?)"
                    : "; expected one of: " + Text.list(allowed));
      }
      error(src.at(t.getKeyNode()), msg);
    }
    return out;
  }

  private static String otherKind(String key) {
    for (Map.Entry<String, List<String>> e : FS_KEYS.entrySet()) {
      if (e.getValue().contains(key)) {
        return e.getKey();
      }
    }
    return null;
  }

  private static boolean isString(Node v) {
    return v instanceof ScalarNode && v.getTag().equals(Tag.STR);
  }

  /** "a string", "a list", ... for "got ..." messages. */
  static String kind(Node v) {
    if (v instanceof MappingNode) {
      return "a mapping";
    }
    if (v instanceof SequenceNode) {
      return "a list";
    }
    Tag t = v.getTag();
    if (t.equals(Tag.STR)) {
      return "a string";
    }
    if (t.equals(Tag.INT)) {
      return "an integer";
    }
    if (t.equals(Tag.FLOAT)) {
      return "a number";
    }
    if (t.equals(Tag.BOOL)) {
      return "a boolean";
    }
    if (t.equals(Tag.NULL)) {
      return "an empty value";
    }
    return "a value tagged " + Text.quote(t.getValue());
  }

  private void error(Pos pos, String message) {
    problems.error(pos, message);
  }
}
