package dev.hsu.profile;

import dev.hsu.profile.Draft.Str;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * {@code dbus}: the session and system bus, each off, on, or a filter for xdg-dbus-proxy; and
 * {@code portals}, the desktop portals on the session bus.
 */
final class DbusSection implements Section<DbusSection> {
  static final List<String> DBUS_KEYS = List.of("session", "system");
  static final List<String> PORTALS_KEYS = List.of("files");

  /**
   * An app id xdg-desktop-portal accepts (its xdp_is_valid_app_id): at least two elements of
   * letters, digits and '_', '-' only in the last one.
   */
  static final Pattern PORTAL_APP_ID =
      Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*\\.[A-Za-z0-9_-]+");

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

  /**
   * Bus names whose services run code on the host or change the session for any caller
   * (docs/security.md item 5): talking to them, or owning them, is a warning.
   */
  static final List<String> HOST_CODE_NAMES =
      List.of(
          "org.freedesktop.systemd1",
          "org.freedesktop.Flatpak",
          "org.freedesktop.portal.Flatpak",
          "org.freedesktop.impl.portal.PermissionStore",
          "ca.desrt.dconf",
          "org.gnome.Shell",
          "org.gnome.SessionManager",
          "org.gnome.Terminal",
          "org.kde.konsole",
          "org.kde.KLauncher",
          "org.kde.klauncher5",
          "org.freedesktop.FileManager1",
          "org.gnome.Nautilus");

  /**
   * One bus under {@code dbus} as written: {@code on} false when turned off ({@code false}), else
   * granted with the lists given so far (concatenated over files, bases first).
   */
  static final class Bus {
    boolean on;
    Pos pos;
    final List<Str> see = new ArrayList<>();
    final List<Str> talk = new ArrayList<>();
    final List<Str> own = new ArrayList<>();
    final Map<String, List<Str>> call = new LinkedHashMap<>();
    final Map<String, List<Str>> broadcast = new LinkedHashMap<>();

    /** This bus with {@code later} applied on top: off replaces, on adds its lists. */
    static Bus merge(Bus earlier, Bus later) {
      if (later == null) {
        return earlier;
      }
      Bus out = new Bus();
      out.on = later.on;
      out.pos = later.pos;
      if (later.on && earlier != null && earlier.on) {
        out.addAll(earlier);
      }
      if (later.on) {
        out.addAll(later);
      }
      return out;
    }

    private void addAll(Bus b) {
      see.addAll(b.see);
      talk.addAll(b.talk);
      own.addAll(b.own);
      b.call.forEach((k, v) -> call.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
      b.broadcast.forEach((k, v) -> broadcast.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
    }
  }

  /** {@code dbus.session} and {@code dbus.system}: null when not given. */
  Bus session;

  Bus system;

  /** {@code portals}: null when not given, else on or off and how files handed over are shared. */
  Boolean portals;

  Pos portalsPos;
  Boolean writableFiles;

  @Override
  public List<String> keys() {
    return List.of("dbus", "portals");
  }

  @Override
  public void read(String key, Node v, YamlValues in) {
    if (key.equals("portals")) {
      readPortals(v, in);
      return;
    }
    MappingNode m = in.mapping(v, "a mapping with 'session' and 'system'", "'dbus'");
    if (m == null) {
      return;
    }
    Map<String, NodeTuple> k = in.keys(m, "'dbus'", DBUS_KEYS);
    if (k.containsKey("session")) {
      session = bus(k.get("session").getValueNode(), "'session'", in);
    }
    if (k.containsKey("system")) {
      system = bus(k.get("system").getValueNode(), "'system'", in);
    }
  }

  /** {@code true}, {@code false} or a mapping with {@code files: read-only|read-write}. */
  private void readPortals(Node v, YamlValues in) {
    portalsPos = in.at(v);
    if (v instanceof ScalarNode && v.getTag().equals(Tag.BOOL)) {
      portals = in.bool(v, "'portals'");
      return;
    }
    MappingNode m =
        in.mapping(
            v, "true, false or a mapping with 'files' (read-only or read-write)", "'portals'");
    if (m == null) {
      return;
    }
    portals = true;
    Map<String, NodeTuple> k = in.keys(m, "'portals'", PORTALS_KEYS);
    if (k.containsKey("files")) {
      Str files = in.string(k.get("files").getValueNode(), "'files'");
      if (files != null) {
        switch (files.value()) {
          case "read-only" -> writableFiles = false;
          case "read-write" -> writableFiles = true;
          default ->
              in.error(
                  files.pos(),
                  "expected read-only or read-write for 'files', got " + Text.quote(files.value()));
        }
      }
    }
  }

  /** {@code true}, {@code false} or a mapping of filter keys; null after a problem. */
  private static Bus bus(Node v, String what, YamlValues in) {
    Bus bus = new Bus();
    bus.pos = in.at(v);
    if (v instanceof ScalarNode && v.getTag().equals(Tag.BOOL)) {
      bus.on = in.bool(v, what);
      return bus;
    }
    if (!(v instanceof MappingNode)) {
      in.error(
          in.at(v),
          "expected true, false or a mapping with 'see', 'talk', 'own', 'call' and 'broadcast'"
              + " for "
              + what
              + ", got "
              + YamlValues.kind(v));
      return null;
    }
    bus.on = true;
    int before = in.errors();
    Map<String, NodeTuple> k = in.keys((MappingNode) v, what, BUS_KEYS);
    for (String key : List.of("see", "talk", "own")) {
      if (k.containsKey(key)) {
        List<Str> names = in.strings(k.get(key).getValueNode(), "'" + key + "'", false);
        if (names != null) {
          for (Str s : names) {
            if (in.checked(s, DbusSection::busNameProblem) != null) {
              (key.equals("see") ? bus.see : key.equals("talk") ? bus.talk : bus.own).add(s);
            }
          }
        }
      }
    }
    if (k.containsKey("call")) {
      rules(k.get("call").getValueNode(), "'call'", bus.call, in);
    }
    if (k.containsKey("broadcast")) {
      rules(k.get("broadcast").getValueNode(), "'broadcast'", bus.broadcast, in);
    }
    return in.errors() > before ? null : bus;
  }

  /** A mapping of bus names to lists of rules, into {@code out}. */
  private static void rules(Node v, String what, Map<String, List<Str>> out, YamlValues in) {
    MappingNode m =
        in.mapping(
            v,
            "a mapping of bus names to lists of rules like '[org.example.Iface.*@/org/example]'",
            what);
    if (m == null) {
      return;
    }
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode)) {
        continue;
      }
      Str name =
          in.checked(
              in.string(t.getKeyNode(), "a bus name in " + what), DbusSection::busNameProblem);
      Node value = t.getValueNode();
      if (value instanceof ScalarNode && value.getTag().equals(Tag.STR)) {
        in.error(
            in.at(value),
            "expected a list of rules for "
                + Text.quote(((ScalarNode) t.getKeyNode()).getValue())
                + " in "
                + what
                + ", got a string (write it as a list: ["
                + ((ScalarNode) value).getValue()
                + "])");
        continue;
      }
      List<Str> list = in.strings(value, "the rules of a name in " + what, false);
      if (name == null || list == null) {
        continue;
      }
      List<Str> ok = new ArrayList<>();
      for (Str r : list) {
        if (in.checked(r, DbusSection::ruleProblem) != null) {
          ok.add(r);
        }
      }
      if (!out.containsKey(name.value())) {
        out.put(name.value(), ok);
      }
    }
  }

  private static String busNameProblem(String s) {
    if (s.length() > MAX_BUS_NAME) {
      return "the D-Bus name is longer than " + MAX_BUS_NAME + " characters";
    }
    String base = s.endsWith(".*") ? s.substring(0, s.length() - 2) : s;
    if (BUS_NAME.matcher(base).matches()) {
      return null;
    }
    String hint;
    if (s.startsWith(":")) {
      hint =
          " (a unique name like ':1.42' changes with every connection; give the service's"
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

  private static String ruleProblem(String r) {
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

  @Override
  public void mergeFrom(DbusSection later) {
    session = Bus.merge(session, later.session);
    system = Bus.merge(system, later.system);
    if (later.portals != null) {
      portals = later.portals;
      portalsPos = later.portalsPos;
      writableFiles = later.writableFiles != null ? later.writableFiles : writableFiles;
    }
  }

  /**
   * Each granted bus's filter; the session bus may always own the app's id and below it. Portals
   * need the session bus (granted with the default filter when not given) and an id
   * xdg-desktop-portal accepts.
   */
  @Override
  public void finish(Finishing f, Finisher.Parts out) {
    Profile.Portals portalsGrant = null;
    if (Boolean.TRUE.equals(portals)) {
      if (session != null && !session.on) {
        f.error(
            portalsPos,
            "'portals' need the session bus, which 'dbus: {session: false}' (line "
                + session.pos.line()
                + ") turns off");
      } else if (!PORTAL_APP_ID.matcher(f.id()).matches()) {
        f.error(
            portalsPos,
            "'portals' know the app by its id, and xdg-desktop-portal refuses "
                + Text.quote(f.id())
                + ": an id of letters, digits and '_' in at least two elements separated by '.',"
                + " with '-' only in the last one, like 'org.example.My-App'");
      } else {
        if (session == null) {
          session = new Bus();
          session.on = true;
          session.pos = portalsPos;
        }
        portalsGrant = new Profile.Portals(Boolean.TRUE.equals(writableFiles));
      }
    }
    Profile.Bus sessionBus = null;
    if (session != null && session.on) {
      List<Str> own = new ArrayList<>();
      own.add(new Str(f.id(), session.pos));
      own.add(new Str(f.id() + ".*", session.pos));
      own.addAll(session.own);
      sessionBus = bus(session, own);
    }
    Profile.Bus systemBus = system != null && system.on ? bus(system, system.own) : null;
    out.dbus = new Profile.Dbus(sessionBus, systemBus, portalsGrant);
  }

  private static Profile.Bus bus(Bus b, List<Str> own) {
    return new Profile.Bus(
        Finishing.distinct(b.see),
        Finishing.distinct(b.talk),
        Finishing.distinct(own),
        rules(b.call),
        rules(b.broadcast));
  }

  private static Map<String, List<String>> rules(Map<String, List<Str>> m) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((name, list) -> out.put(name, Finishing.distinct(list)));
    return out;
  }

  @Override
  public void warnings(Finishing f, Finisher.Parts done) {
    if (session != null && session.on) {
      warnings(session, true, f);
    }
    if (system != null && system.on) {
      warnings(system, false, f);
    }
  }

  /** The portals' names, which 'portals: true' grants by interface. */
  static final List<String> PORTAL_NAMES =
      List.of("org.freedesktop.portal.Desktop", "org.freedesktop.portal.Documents");

  /** Grants on one bus that reach services able to run host code. */
  private static void warnings(Bus bus, boolean sessionBus, Finishing f) {
    for (Str s : sessionBus ? bus.talk : List.<Str>of()) {
      for (String portal : PORTAL_NAMES) {
        if (covers(s.value(), portal)) {
          f.warning(
              s.pos(),
              "D-Bus 'talk' to "
                  + Text.quote(s.value())
                  + " reaches every interface of "
                  + Text.quote(portal)
                  + ", the host registry where a caller names its own app id included; 'portals:"
                  + " true' grants the portals by interface (docs/portals.md)");
          break;
        }
      }
    }
    for (Str s : bus.talk) {
      String reached = hostCodeName(s.value());
      if (reached != null) {
        f.warning(
            s.pos(),
            "D-Bus 'talk' to "
                + Text.quote(s.value())
                + (reached.equals(s.value()) ? "" : ", which covers " + Text.quote(reached))
                + ": that service can run programs or change settings outside the sandbox");
      }
    }
    for (Str s : bus.own) {
      String reached = hostCodeName(s.value());
      if (reached != null) {
        f.warning(
            s.pos(),
            "D-Bus 'own' of "
                + Text.quote(s.value())
                + ": the app can pose as "
                + Text.quote(reached)
                + " to other programs of your session");
      }
    }
    for (Map.Entry<String, List<Str>> e : bus.call.entrySet()) {
      String reached = hostCodeName(e.getKey());
      if (reached != null && !e.getValue().isEmpty()) {
        f.warning(
            e.getValue().get(0).pos(),
            "D-Bus 'call' rules for "
                + Text.quote(e.getKey())
                + ": that service can run programs or change settings outside the sandbox");
      }
    }
  }

  /** The first host-code name that {@code name} (a name or {@code prefix.*}) covers, or null. */
  static String hostCodeName(String name) {
    for (String h : HOST_CODE_NAMES) {
      if (covers(name, h)) {
        return h;
      }
    }
    return null;
  }

  private static boolean covers(String pattern, String name) {
    if (pattern.endsWith(".*")) {
      String prefix = pattern.substring(0, pattern.length() - 2);
      return name.equals(prefix) || name.startsWith(prefix + ".");
    }
    return pattern.equals(name);
  }
}
