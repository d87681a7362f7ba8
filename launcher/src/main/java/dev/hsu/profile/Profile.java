package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fully loaded profile: merged with its bases, validated, variables expanded and every default
 * filled in. Produced only by {@link Loader}; consumed by the compiler.
 */
public record Profile(
    Path source,
    String id,
    String name,
    List<String> command,
    AbsPath cwd,
    Env env,
    String hostname,
    Ids ids,
    Home home,
    Root root,
    Etc etc,
    Network network,
    List<Device> devices,
    List<FsEntry> filesystem,
    List<Daemon> daemons,
    Duration waitDelay,
    Host host,
    Seccomp seccomp,
    Landlock landlock,
    String desktop,
    Service service,
    Limits limits,
    Wayland wayland,
    Dbus dbus,
    Set<Audio> audio,
    boolean x11,
    boolean gpu,
    boolean dieWithParent) {

  public Profile {
    if (seccomp == null || landlock == null || service == null || dbus == null) {
      throw new IllegalArgumentException(
          "seccomp, landlock, service and dbus settings are required");
    }
    audio = enumSet(Audio.class, audio);
    command = List.copyOf(command);
    devices = List.copyOf(devices);
    filesystem = List.copyOf(filesystem);
    daemons = List.copyOf(daemons);
  }

  /**
   * Wayland access ({@code wayland:} in the profile; null when not granted): a security context
   * from the compositor (security-context-v1), or with {@code direct} its raw socket.
   */
  public record Wayland(boolean direct) {}

  /**
   * D-Bus access ({@code dbus:} in the profile): each bus is null when not granted, else the filter
   * of the xdg-dbus-proxy in front of it.
   */
  public record Dbus(Bus session, Bus system, Portals portals) {
    /** Neither bus. */
    public static final Dbus NONE = new Dbus(null, null);

    /** The buses without portals. */
    public Dbus(Bus session, Bus system) {
      this(session, system, null);
    }

    public boolean any() {
      return session != null || system != null;
    }
  }

  /**
   * The desktop portals ({@code portals:} in the profile; null when not granted):
   * xdg-desktop-portal and the document portal on the session bus, which know the app by its id;
   * files handed to the app at launch are exported to it read-only, or read-write with {@code
   * writableFiles}.
   */
  public record Portals(boolean writableFiles) {}

  /**
   * One bus's filter, in xdg-dbus-proxy's terms: names the app may see, talk to and own (a bus
   * name, or {@code prefix.*} for the prefix and every name below it), and per name the rules
   * ({@code [METHOD][@PATH]}) of the calls it may make and the broadcasts it may receive. Lists are
   * in profile order without duplicates; for the session bus {@code own} starts with the defaults
   * {@code <id>} and {@code <id>.*}.
   */
  public record Bus(
      List<String> see,
      List<String> talk,
      List<String> own,
      Map<String, List<String>> call,
      Map<String, List<String>> broadcast) {
    public Bus {
      see = List.copyOf(see);
      talk = List.copyOf(talk);
      own = List.copyOf(own);
      call = rules(call);
      broadcast = rules(broadcast);
    }

    private static Map<String, List<String>> rules(Map<String, List<String>> m) {
      Map<String, List<String>> out = new java.util.LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, List.copyOf(v)));
      return Collections.unmodifiableMap(out);
    }
  }

  /**
   * Sound ({@code audio:} in the profile): PulseAudio through hsu's filter, which lets the app play
   * and, with {@code PULSE_RECORD}, record; never more of the server.
   */
  public enum Audio {
    PULSE,
    PULSE_RECORD
  }

  /**
   * How {@code hsu systemd install} sets up the unit: systemd's {@code Restart=} value and {@code
   * RestartSec=}; null means the key is not written (systemd's default applies).
   */
  public record Service(String restart, Duration restartSec) {
    public static Service defaults() {
      return new Service(null, null);
    }
  }

  /**
   * Resource limits for the sandbox's systemd scope; a null field is not limited. A profile with a
   * {@code limits} block (even an empty one) needs a user manager to launch.
   */
  public record Limits(Long memoryMax, Integer tasksMax, Integer cpuWeight) {}

  /**
   * The caller's facts that variables expand to, and the host paths a grant should not hand out
   * unnoticed; read once from the host environment.
   */
  public record Host(
      String user,
      int uid,
      int gid,
      AbsPath home,
      AbsPath xdgRuntimeDir,
      AbsPath xdgDataHome,
      List<Guarded> guarded) {
    public Host {
      guarded = List.copyOf(guarded);
    }

    /** The facts with the guarded paths at their defaults (no environment consulted). */
    public Host(
        String user, int uid, int gid, AbsPath home, AbsPath xdgRuntimeDir, AbsPath xdgDataHome) {
      this(
          user,
          uid,
          gid,
          home,
          xdgRuntimeDir,
          xdgDataHome,
          Guarded.defaults(home.resolve(".config"), xdgRuntimeDir, xdgDataHome, Map.of()));
    }
  }

  /**
   * A host path that a grant exposes when it names it or a directory above it: the runtime
   * directory, the sockets of the session's services, and (with {@code noWrite}) what the sandbox
   * must not be able to change, hsu's own configuration, menu entries and user units.
   */
  public record Guarded(String what, AbsPath path, boolean noWrite) {
    /**
     * The guarded paths of a session: the sockets where the environment names them (as the grants
     * find them), else where they are by default.
     */
    public static List<Guarded> defaults(
        AbsPath configHome, AbsPath runtimeDir, AbsPath dataHome, Map<String, String> env) {
      AbsPath wayland = runtimeDir.resolve("wayland-0");
      String display = env.get("WAYLAND_DISPLAY");
      if (display != null && !display.isEmpty() && !display.contains("\0")) {
        wayland =
            display.startsWith("/")
                ? absOr(display, wayland)
                : display.contains("/") ? wayland : runtimeDir.resolve(display);
      }
      AbsPath pulse = runtimeDir.resolve("pulse/native");
      String server = env.get("PULSE_SERVER");
      if (server != null && server.startsWith("unix:/")) {
        pulse = absOr(server.substring(5), pulse);
      }
      return List.of(
          new Guarded("your runtime directory, with every socket in it", runtimeDir, false),
          new Guarded(
              "the D-Bus session bus socket (unfiltered)",
              busPath(env.get("DBUS_SESSION_BUS_ADDRESS"), runtimeDir.resolve("bus")),
              false),
          new Guarded(
              "the D-Bus system bus socket (unfiltered)",
              busPath(
                  env.get("DBUS_SYSTEM_BUS_ADDRESS"), AbsPath.of("/run/dbus/system_bus_socket")),
              false),
          new Guarded("the Wayland compositor's raw socket", wayland, false),
          new Guarded("the X11 display sockets", AbsPath.of("/tmp/.X11-unix"), false),
          new Guarded("the PulseAudio socket (unfiltered)", pulse, false),
          new Guarded("the PipeWire socket", runtimeDir.resolve("pipewire-0"), false),
          new Guarded("hsu's configuration and your profiles", configHome.resolve("hsu"), true),
          new Guarded("your menu entries", dataHome.resolve("applications"), true),
          new Guarded("your systemd user units", configHome.resolve("systemd/user"), true));
    }

    /** The path of the first address when it is {@code unix:path=}, else {@code fallback}. */
    private static AbsPath busPath(String address, AbsPath fallback) {
      if (address == null || address.isEmpty()) {
        return fallback;
      }
      String first = address.split(";", 2)[0];
      if (!first.startsWith("unix:")) {
        return fallback;
      }
      for (String kv : first.substring(5).split(",")) {
        if (kv.startsWith("path=")) {
          String v = kv.substring(5);
          return v.contains("%") ? fallback : absOr(v, fallback);
        }
      }
      return fallback;
    }

    private static AbsPath absOr(String value, AbsPath fallback) {
      return AbsPath.problem(value) == null ? AbsPath.of(value) : fallback;
    }
  }

  /**
   * Environment inside: explicit values, and host variables passed through by name. {@code set}
   * already holds HOME, USER, LOGNAME, PATH, XDG_RUNTIME_DIR and SHELL unless the profile overrode
   * them.
   */
  public record Env(Map<String, String> set, List<String> pass) {
    /** The sandbox's PATH unless the profile sets one. */
    public static final String PATH = "/usr/local/bin:/usr/bin:/bin";

    /** The shell a sandbox names in SHELL unless the profile sets one. */
    public static final String SHELL = "/bin/sh";

    public Env {
      set = Map.copyOf(set);
      pass = List.copyOf(pass);
    }

    /** The variables every sandbox gets, before the profile's own {@code set}. */
    public static Map<String, String> always(Host host) {
      Map<String, String> m = new java.util.LinkedHashMap<>();
      m.put("HOME", host.home().value());
      m.put("USER", host.user());
      m.put("LOGNAME", host.user());
      m.put("PATH", PATH);
      m.put("XDG_RUNTIME_DIR", host.xdgRuntimeDir().value());
      m.put("SHELL", SHELL);
      return m;
    }
  }

  /** The single uid and gid mapped inside the sandbox. */
  public record Ids(int uid, int gid) {}

  /** What is mounted at ${HOME}. */
  public sealed interface Home {
    /** ${APP_DATA}/home, created on first launch. */
    record Persistent(AbsPath dir) implements Home {}

    /** A private tmpfs. */
    record Ephemeral() implements Home {}

    /** An explicit host directory. */
    record HostDir(AbsPath dir) implements Home {}
  }

  /** Auto-root settings. */
  public record Root(boolean mirror, List<String> exclude) {
    public Root {
      exclude = List.copyOf(exclude);
    }
  }

  /** /etc: mirror all, none, or only the listed entries. */
  public record Etc(Kind kind, List<String> only) {
    public enum Kind {
      MIRROR,
      NONE,
      ONLY
    }

    public Etc {
      only = List.copyOf(only);
    }
  }

  public enum Network {
    NONE,
    HOST
  }

  /** An extra device path bound with device access. */
  public record Device(AbsPath path, boolean optional) {}

  /** A program started inside before the app. */
  public record Daemon(AbsPath program, List<String> args, AbsPath readyPath, Duration timeout) {
    public Daemon {
      args = List.copyOf(args);
    }
  }

  /** One entry of the profile's `filesystem` list. */
  public sealed interface FsEntry {
    record Bind(
        AbsPath source,
        AbsPath target,
        boolean writable,
        boolean device,
        boolean optional,
        boolean ensure)
        implements FsEntry {}

    /** sizeBytes 0 means no size was given: the kernel default (half of RAM). */
    record Tmpfs(AbsPath target, long sizeBytes, int mode, boolean readOnly) implements FsEntry {}

    /** upper and work are null unless writes is PERSISTENT. */
    record Overlay(AbsPath target, List<AbsPath> lower, Writes writes, AbsPath upper, AbsPath work)
        implements FsEntry {
      public enum Writes {
        EPHEMERAL,
        PERSISTENT,
        NONE
      }

      public Overlay {
        lower = List.copyOf(lower);
      }
    }

    record Symlink(AbsPath target, String pointsTo, boolean dereference) implements FsEntry {}

    record File(AbsPath target, String content, int mode) implements FsEntry {}

    record Mkdir(AbsPath target, int mode) implements FsEntry {}

    record Remount(AbsPath target, boolean readOnly, boolean noexec, boolean nodev)
        implements FsEntry {}
  }

  /**
   * The syscall filter: the presets that apply, what they relax, extra syscalls denied and extra
   * socket families (AF_* numbers) allowed besides unix, inet, inet6 and netlink.
   */
  public record Seccomp(
      Set<Preset> presets, Set<Relax> relax, List<Deny> deny, List<Integer> socketFamilies) {
    public enum Preset {
      COMMON,
      EXT,
      DENY_NS,
      DENY_TTY,
      DENY_DEVEL
    }

    public enum Relax {
      ALLOW_PTRACE,
      ALLOW_USERNS,
      /** Keep the terminal's session (no setsid); TIOCSTI stays denied. */
      TTY,
      MULTIARCH
    }

    /** A syscall denied with {@code errno} (a number). */
    public record Deny(String syscall, int errno) {}

    public Seccomp {
      presets = enumSet(Preset.class, presets);
      relax = enumSet(Relax.class, relax);
      deny = List.copyOf(deny);
      socketFamilies = List.copyOf(socketFamilies);
    }

    /** Every preset, nothing relaxed, nothing added. */
    public static Seccomp defaults() {
      return new Seccomp(EnumSet.allOf(Preset.class), Set.of(), List.of(), List.of());
    }
  }

  /**
   * Landlock: whether a kernel lacking a needed feature is fatal, the scopes, whether filesystem
   * rules are derived from the grants ({@code autoFilesystem}; otherwise the filesystem is not
   * restricted by Landlock), the extra rules, and the TCP ports (null: TCP not restricted).
   */
  public record Landlock(
      boolean required,
      boolean scopeAbstractUnix,
      boolean scopeSignal,
      boolean autoFilesystem,
      List<Rule> rules,
      Network network) {
    public enum Access {
      READ,
      WRITE,
      EXECUTE
    }

    /** Extra access beneath {@code path} (inside the sandbox). */
    public record Rule(AbsPath path, Set<Access> access) {
      public Rule {
        access = enumSet(Access.class, access);
      }
    }

    /** TCP ports the app may bind and connect to (with the host network). */
    public record Network(List<Integer> bind, List<Integer> connect) {
      public Network {
        bind = List.copyOf(bind);
        connect = List.copyOf(connect);
      }
    }

    public Landlock {
      rules = List.copyOf(rules);
    }

    /** Required, both scopes, rules derived from the grants, nothing extra. */
    public static Landlock defaults() {
      return new Landlock(true, true, true, true, List.of(), null);
    }
  }

  /** An unmodifiable copy that iterates in declaration order. */
  private static <E extends Enum<E>> Set<E> enumSet(Class<E> type, Set<E> items) {
    EnumSet<E> set = EnumSet.noneOf(type);
    set.addAll(items);
    return Collections.unmodifiableSet(set);
  }
}
