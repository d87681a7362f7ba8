package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.base.Quote;
import dev.hsu.plan.Instance;
import dev.hsu.plan.Landlock;
import dev.hsu.plan.Op;
import dev.hsu.plan.Params;
import dev.hsu.plan.Plan;
import dev.hsu.plan.Proxy;
import dev.hsu.plan.Seccomp;
import dev.hsu.profile.Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code dbus} grant: one xdg-dbus-proxy per instance for every granted bus, itself run in a
 * strict sandbox of its own (a nested plan: the host root read-only without home, /etc or /tmp, no
 * network, every seccomp preset, Landlock writes only in the instance directory), its filtered
 * sockets in the instance directory, bound where D-Bus clients look for the buses.
 */
public final class DbusProxy {
  public static final AbsPath PROGRAM = AbsPath.of("/usr/bin/xdg-dbus-proxy");

  /** Where the system bus is, inside as on most hosts. */
  public static final AbsPath SYSTEM_SOCKET = AbsPath.of("/run/dbus/system_bus_socket");

  /** The session bus socket's name in the runtime directory, inside. */
  public static final String SESSION_SOCKET = "bus";

  /** Where the proxy's own sandbox finds the host buses. */
  static final AbsPath HOST_BUSES = AbsPath.of("/run/host-bus");

  static final String HOSTNAME = "dbus-proxy";
  static final int SYNC_FD = 3;
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final Duration WAIT_DELAY = Duration.ofMillis(500);

  /** A bus of the profile: how it is named in sentences and files, and its variables. */
  enum Kind {
    SESSION("session", "DBUS_SESSION_BUS_ADDRESS", "bus"),
    SYSTEM("system", "DBUS_SYSTEM_BUS_ADDRESS", "system_bus_socket");

    final String word;
    final String variable;
    final String socketName; // in the instance directory

    Kind(String word, String variable, String socketName) {
      this.word = word;
      this.variable = variable;
      this.socketName = socketName;
    }
  }

  /**
   * A host bus address hsu can proxy: a socket path, or (with {@code path} null) an abstract
   * socket, which the proxy reaches only from the host's network namespace. {@code value} is the
   * address entry as the host gave it; {@code from} says where it came from, for sentences.
   */
  public record Address(String value, AbsPath path, String from) {
    public boolean isAbstract() {
      return path == null;
    }
  }

  private DbusProxy() {}

  /**
   * The grant of {@code p} for {@code instance}; the proxy runs with the app's ids and Landlock is
   * as required as the app's.
   *
   * @throws IllegalArgumentException when a bus address is one hsu does not handle
   */
  public static ProxyGrants of(
      Profile p, Instance instance, int uid, int gid, Map<String, String> hostEnv) {
    Profile.Dbus dbus = p.dbus();
    if (!dbus.any()) {
      return ProxyGrants.NONE;
    }
    AbsPath rt = p.host().xdgRuntimeDir();
    List<String> argv = new ArrayList<>(List.of(PROGRAM.value(), "--fd=" + SYNC_FD));
    List<String> grants = new ArrayList<>();
    List<Op> nestedBinds = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    boolean hostNet = false;
    AbsPath ready = null;
    for (Kind kind : Kind.values()) {
      Profile.Bus bus = kind == Kind.SESSION ? dbus.session() : dbus.system();
      if (bus == null) {
        continue;
      }
      Address a = address(kind, rt, hostEnv);
      AbsPath socket = instance.dir().resolve(kind.socketName);
      AbsPath inside = kind == Kind.SESSION ? rt.resolve(SESSION_SOCKET) : SYSTEM_SOCKET;
      String proxied;
      if (a.isAbstract()) {
        hostNet = true;
        proxied = a.value();
      } else {
        AbsPath bound = HOST_BUSES.resolve(kind.word);
        nestedBinds.add(new Op.Bind(a.path(), bound, false, false, false, false));
        proxied = "unix:path=" + bound.value();
      }
      argv.add(proxied);
      argv.add(socket.value());
      argv.add("--filter");
      argv.addAll(filterArgs(bus));
      if (kind == Kind.SESSION) {
        // The portals know a caller by its root's .flatpak-info: the proxy is the caller.
        nestedBinds.add(new Op.Place(Portals.FLATPAK_INFO, 0444, Portals.flatpakInfo(p, instance)));
        if (dbus.portals() != null) {
          argv.addAll(Portals.filterArgs());
        }
      }
      ready = socket;
      ops.add(new Op.Bind(socket, inside, false, false, false, false));
      env.put(kind.variable, "unix:path=" + inside.value());
      grants.add(
          "dbus "
              + kind.word
              + " bus "
              + Quote.q(a.value())
              + " (from "
              + a.from()
              + ")"
              + " filtered, inside at "
              + Quote.q(inside.value())
              + (a.isAbstract()
                  ? "; an abstract socket: the proxy shares the host network namespace"
                  : ""));
      grants.addAll(describe(kind, bus));
      if (kind == Kind.SESSION && dbus.portals() != null) {
        grants.addAll(Portals.describe(p));
      }
    }
    Plan nested =
        nestedPlan(
            HOSTNAME, argv, nestedBinds, instance, uid, gid, hostNet, p.landlock().required());
    return new ProxyGrants(new Proxy(SYNC_FD, ready, TIMEOUT, nested, grants), ops, env);
  }

  /**
   * A helper's own sandbox (the D-Bus proxy's, and the PulseAudio filter's): the host root
   * read-only without home, /etc, /tmp or /run, no network unless asked, every seccomp preset,
   * Landlock writes only in the instance directory.
   */
  static Plan nestedPlan(
      String hostname,
      List<String> argv,
      List<Op> busBinds,
      Instance instance,
      int uid,
      int gid,
      boolean hostNet,
      boolean landlockRequired) {
    List<Op> ops = new ArrayList<>();
    // No home, /etc, /tmp or /run of the host: the proxy needs its libraries and the buses.
    ops.add(new Op.AutoRoot(AbsPath.ROOT, false, false, List.of()));
    ops.add(new Op.Proc(AbsPath.of("/proc")));
    ops.add(new Op.Dev(AbsPath.of("/dev"), false, false));
    ops.addAll(busBinds);
    ops.add(new Op.Bind(instance.dir(), instance.dir(), true, false, false, false));
    Params params =
        new Params(
            uid, gid, hostNet, false, hostname, AbsPath.ROOT, argv, new TreeMap<>(), WAIT_DELAY);
    Seccomp seccomp =
        new Seccomp(
            EnumSet.allOf(Seccomp.Preset.class),
            EnumSet.noneOf(Seccomp.Relax.class),
            List.of(),
            List.of());
    List<Landlock.FsRule> fs =
        List.of(
            new Landlock.FsRule(AbsPath.ROOT, Landlock.READ | Landlock.EXECUTE),
            new Landlock.FsRule(AbsPath.of("/dev"), Landlock.READ | Landlock.DEVICE),
            new Landlock.FsRule(instance.dir(), Landlock.READ | Landlock.WRITE));
    // An abstract host bus needs the abstract scope off; TCP stays denied either way.
    Landlock landlock = new Landlock(landlockRequired, !hostNet, true, true, true, fs, List.of());
    return new Plan(params, seccomp, landlock, ops);
  }

  /** xdg-dbus-proxy's filter options for one bus (names and rules were checked by the loader). */
  static List<String> filterArgs(Profile.Bus bus) {
    List<String> args = new ArrayList<>();
    bus.see().forEach(n -> args.add("--see=" + n));
    bus.talk().forEach(n -> args.add("--talk=" + n));
    bus.own().forEach(n -> args.add("--own=" + n));
    bus.call().forEach((n, rules) -> rules.forEach(r -> args.add("--call=" + n + "=" + r)));
    bus.broadcast()
        .forEach((n, rules) -> rules.forEach(r -> args.add("--broadcast=" + n + "=" + r)));
    return args;
  }

  /** Lines for {@code hsu compile} that read like the grant. */
  static List<String> describe(Kind kind, Profile.Bus bus) {
    List<String> lines = new ArrayList<>();
    String prefix = "dbus " + kind.word + " ";
    if (!bus.own().isEmpty()) {
      lines.add(prefix + "own " + names(bus.own()));
    }
    if (!bus.talk().isEmpty()) {
      lines.add(prefix + "talk to " + names(bus.talk()));
    }
    if (!bus.see().isEmpty()) {
      lines.add(prefix + "see " + names(bus.see()));
    }
    bus.call()
        .forEach((n, rules) -> lines.add(prefix + "call on " + Quote.q(n) + ": " + names(rules)));
    bus.broadcast()
        .forEach(
            (n, rules) ->
                lines.add(prefix + "receive broadcasts from " + Quote.q(n) + ": " + names(rules)));
    lines.add(prefix + "nothing else (the bus itself, org.freedesktop.DBus, is always reachable)");
    return lines;
  }

  private static String names(List<String> names) {
    return String.join(", ", names.stream().map(Quote::q).toList());
  }

  /** The host sockets and the program a launch with D-Bus needs, to check before starting it. */
  public static List<DesktopGrants.Needed> needed(Profile p, Map<String, String> hostEnv) {
    List<DesktopGrants.Needed> out = new ArrayList<>();
    Profile.Dbus dbus = p.dbus();
    for (Kind kind : Kind.values()) {
      Profile.Bus bus = kind == Kind.SESSION ? dbus.session() : dbus.system();
      if (bus == null) {
        continue;
      }
      Address a = address(kind, p.host().xdgRuntimeDir(), hostEnv);
      if (!a.isAbstract()) {
        out.add(
            new DesktopGrants.Needed(
                a.path(),
                "the profile asks for the D-Bus "
                    + kind.word
                    + " bus, but there is no bus socket at "
                    + Quote.q(a.path().value())
                    + " (from "
                    + a.from()
                    + ")"));
      }
    }
    return out;
  }

  /**
   * The host address of a bus: {@code $DBUS_SESSION_BUS_ADDRESS} (default {@code
   * unix:path=$XDG_RUNTIME_DIR/bus}) or {@code $DBUS_SYSTEM_BUS_ADDRESS} (default {@code
   * unix:path=/run/dbus/system_bus_socket}); of several {@code ;}-separated entries, the first.
   *
   * @throws IllegalArgumentException for addresses other than {@code unix:path=} and {@code
   *     unix:abstract=}
   */
  static Address address(Kind kind, AbsPath runtimeDir, Map<String, String> hostEnv) {
    String value = hostEnv.get(kind.variable);
    String from = kind.variable;
    if (value == null || value.isEmpty()) {
      value =
          "unix:path="
              + (kind == Kind.SESSION ? runtimeDir.resolve(SESSION_SOCKET) : SYSTEM_SOCKET).value();
      from = kind == Kind.SESSION ? "XDG_RUNTIME_DIR" : "the default";
    }
    String entry = value.split(";", -1)[0];
    String unsupported =
        "the D-Bus "
            + kind.word
            + " bus address "
            + Quote.q(value)
            + " (from "
            + from
            + ") is not supported: hsu proxies unix:path= and unix:abstract= addresses";
    if (!entry.startsWith("unix:")) {
      throw new IllegalArgumentException(unsupported);
    }
    String path = null;
    String abstractName = null;
    for (String kv : entry.substring("unix:".length()).split(",", -1)) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? kv : kv.substring(0, eq);
      String v = eq < 0 ? null : unescape(kv.substring(eq + 1));
      switch (key) {
        case "path" -> path = v;
        case "abstract" -> abstractName = v;
        case "guid" -> {}
        default -> throw new IllegalArgumentException(unsupported);
      }
    }
    if ((path == null) == (abstractName == null)
        || (abstractName != null && abstractName.isEmpty())) {
      throw new IllegalArgumentException(unsupported);
    }
    if (abstractName != null) {
      return new Address(entry, null, from);
    }
    String problem = AbsPath.problem(path);
    if (problem != null) {
      throw new IllegalArgumentException(
          "the D-Bus "
              + kind.word
              + " bus socket "
              + Quote.q(path)
              + " (from "
              + from
              + ") "
              + problem);
    }
    return new Address(entry, AbsPath.of(path), from);
  }

  /** D-Bus address values escape bytes as %XX; a malformed escape yields null. */
  static String unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 3;
      } else {
        byte[] b = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
