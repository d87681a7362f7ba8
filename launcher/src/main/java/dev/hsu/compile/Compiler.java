package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.plan.Instance;
import dev.hsu.plan.Landlock;
import dev.hsu.plan.Op;
import dev.hsu.plan.Params;
import dev.hsu.plan.Plan;
import dev.hsu.plan.Seccomp;
import dev.hsu.plan.Wayland;
import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Turns a loaded {@link Profile} into a {@link Plan}: the fixed base ops, then the profile's. */
public final class Compiler {
  /** The /etc entries hsu places itself instead of linking the host's. */
  public static final List<String> PLACED_ETC = List.of("passwd", "group", "hostname", "hosts");

  /**
   * Host /etc entries that name host accounts or the host itself and that hsu neither links nor
   * replaces: backups of the account files, the shadow files (unreadable anyway, unless the user is
   * in their group), subordinate id ranges, the mail name and the pretty host name.
   */
  public static final List<String> HIDDEN_ETC =
      List.of(
          "passwd-",
          "group-",
          "shadow",
          "shadow-",
          "gshadow",
          "gshadow-",
          "subuid",
          "subuid-",
          "subgid",
          "subgid-",
          "mailname",
          "machine-info");

  /** Not linked into /etc, and their host originals hidden: what hsu places, then the rest. */
  static final List<String> SKIPPED_ETC = concat(PLACED_ETC, HIDDEN_ETC);

  static final AbsPath SYS = AbsPath.of("/sys");

  static final AbsPath ROOT = AbsPath.ROOT;
  static final AbsPath ETC = AbsPath.of("/etc");
  static final AbsPath RUN = AbsPath.of("/run");

  /** The Wayland socket's name inside the sandbox's runtime directory. */
  public static final String WAYLAND_SOCKET = "wayland-0";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Compiler() {}

  /** Same as {@link #compile(Profile, Map, List)} with no extra arguments. */
  public static Plan compile(Profile profile, Map<String, String> hostEnv) throws CompileException {
    return compile(profile, hostEnv, List.of());
  }

  /**
   * Compiles {@code profile}.
   *
   * @param hostEnv the host environment; only the names in the profile's `env.pass` are read
   * @param extraArgs appended to the profile's command (from {@code hsu launch P -- ARGS})
   * @throws CompileException when the result would break a limit or invariant of the plan format
   */
  public static Plan compile(Profile profile, Map<String, String> hostEnv, List<String> extraArgs)
      throws CompileException {
    return compile(profile, hostEnv, extraArgs, newInstanceId());
  }

  /**
   * Compiles {@code profile} for the instance {@code instanceId} (16 lowercase hex digits; tests
   * pass a fixed one, launches a random one).
   */
  public static Plan compile(
      Profile profile, Map<String, String> hostEnv, List<String> extraArgs, String instanceId)
      throws CompileException {
    try {
      // Every sandbox has an instance: its record is what hsu ps, enter, stop and wait find.
      Instance instance =
          Instance.under(profile.host().xdgRuntimeDir(), instanceId, profile.id())
              .with(profile.name() == null ? profile.id() : profile.name(), grants(profile));
      Wayland wayland = null;
      if (profile.wayland() != null) {
        Profile.Host host = profile.host();
        AbsPath compositor = waylandCompositor(host.xdgRuntimeDir(), hostEnv);
        boolean direct = profile.wayland().direct();
        wayland =
            new Wayland(
                direct,
                compositor,
                direct ? compositor : instance.dir().resolve(WAYLAND_SOCKET),
                profile.id());
      }
      DesktopGrants.Grants grants = DesktopGrants.of(profile, hostEnv);
      ProxyGrants dbus = dbus(profile, instance, hostEnv);
      ProxyGrants pulse =
          PulseFilter.of(profile, instance, profile.ids().uid(), profile.ids().gid(), hostEnv);
      Map<String, String> grantedEnv = new LinkedHashMap<>(grants.env());
      List<Op> grantedOps = new ArrayList<>(grants.ops());
      List<dev.hsu.plan.Proxy> proxies = new ArrayList<>();
      ProxyGrants portals = Portals.of(profile, instance, hostEnv);
      for (ProxyGrants helper : List.of(dbus, pulse, portals)) {
        grantedEnv.putAll(helper.env());
        grantedOps.addAll(helper.ops());
        if (helper.proxy() != null) {
          proxies.add(helper.proxy());
        }
      }
      Params params = params(profile, hostEnv, extraArgs, wayland != null, grantedEnv);
      List<Op> ops = ops(profile, params, wayland, grantedOps);
      return new Plan(
          params,
          seccomp(profile.seccomp()),
          landlock(profile, ops),
          instance,
          wayland,
          proxies,
          ops);
    } catch (IllegalArgumentException e) {
      throw new CompileException(profile.source() + ": cannot compile: " + e.getMessage(), e);
    }
  }

  /**
   * The D-Bus proxy and what the app gets of it. The bus authenticates a client by the uid it
   * claims, which the proxy passes on and the bus compares with the proxy's (the caller's): so the
   * sandbox keeps the caller's uid.
   */
  static ProxyGrants dbus(Profile profile, Instance instance, Map<String, String> hostEnv) {
    if (!profile.dbus().any()) {
      return ProxyGrants.NONE;
    }
    Profile.Ids ids = profile.ids();
    if (ids.uid() != profile.host().uid()) {
      throw new IllegalArgumentException(
          "the D-Bus bus checks the uid a client claims, so with dbus the sandbox keeps your uid "
              + profile.host().uid()
              + " (ids.uid is "
              + ids.uid()
              + ")");
    }
    return DbusProxy.of(profile, instance, ids.uid(), ids.gid(), hostEnv);
  }

  /** What the instance record lists as granted, for {@code hsu ps}. */
  static Set<Instance.Grant> grants(Profile p) {
    Set<Instance.Grant> g = EnumSet.noneOf(Instance.Grant.class);
    if (p.wayland() != null) {
      g.add(Instance.Grant.WAYLAND);
    }
    if (p.dbus().any()) {
      g.add(Instance.Grant.DBUS);
    }
    if (!p.audio().isEmpty()) {
      g.add(Instance.Grant.AUDIO);
    }
    if (p.x11()) {
      g.add(Instance.Grant.X11);
    }
    if (p.gpu()) {
      g.add(Instance.Grant.GPU);
    }
    if (p.network() == Profile.Network.HOST) {
      g.add(Instance.Grant.NETWORK);
    }
    if (p.dbus().portals() != null) {
      g.add(Instance.Grant.PORTALS);
    }
    return g;
  }

  /** A fresh instance id: 64 random bits as 16 lowercase hex digits. */
  public static String newInstanceId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * The host compositor's socket, as Wayland clients find it: {@code $WAYLAND_DISPLAY} when
   * absolute, else that name (default {@code wayland-0}) in the runtime directory.
   *
   * @throws IllegalArgumentException when the result is not a clean absolute path
   */
  public static AbsPath waylandCompositor(AbsPath runtimeDir, Map<String, String> hostEnv) {
    String display = hostEnv.get("WAYLAND_DISPLAY");
    if (display == null || display.isEmpty()) {
      display = "wayland-0";
    }
    String path = display.startsWith("/") ? display : runtimeDir.value() + "/" + display;
    String problem = AbsPath.problem(path);
    if (problem != null) {
      throw new IllegalArgumentException(
          "the Wayland socket " + dev.hsu.base.Quote.q(path) + " from WAYLAND_DISPLAY " + problem);
    }
    return AbsPath.of(path);
  }

  static Params params(
      Profile p,
      Map<String, String> hostEnv,
      List<String> extraArgs,
      boolean wayland,
      Map<String, String> granted) {
    List<String> argv = new ArrayList<>(p.command());
    argv.addAll(extraArgs);
    return new Params(
        p.ids().uid(),
        p.ids().gid(),
        p.network() == Profile.Network.HOST,
        p.seccomp().relax().contains(Profile.Seccomp.Relax.TTY),
        p.hostname(),
        p.cwd(),
        argv,
        env(p, hostEnv, wayland, granted),
        p.waitDelay(),
        p.dieWithParent());
  }

  /**
   * The passed host variables, then with {@code wayland} WAYLAND_DISPLAY and XDG_SESSION_TYPE and
   * the {@code granted} variables of the other grants (so a passed host value does not win), then
   * `env.set`, which holds the variables every sandbox gets ({@link Profile.Env#always}) unless the
   * profile changed them; sorted by name.
   */
  static TreeMap<String, String> env(
      Profile p, Map<String, String> hostEnv, boolean wayland, Map<String, String> granted) {
    TreeMap<String, String> env = new TreeMap<>();
    for (String name : p.env().pass()) {
      String value = hostEnv.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    if (wayland) {
      env.put("WAYLAND_DISPLAY", WAYLAND_SOCKET);
      env.put("XDG_SESSION_TYPE", "wayland");
    }
    env.putAll(granted);
    env.putAll(p.env().set());
    return env;
  }

  /** {@code granted}: the audio, X11 and GPU ops, after the runtime directory and /tmp. */
  static List<Op> ops(Profile p, Params params, Wayland wayland, List<Op> granted) {
    Profile.Host host = p.host();
    List<Op> ops = new ArrayList<>();
    // A sysfs of the sandbox's own shows its own network devices, not the host's, and none of
    // the host's mounts beneath /sys. The kernel mounts one only in a network namespace of ours.
    boolean newSysfs =
        p.root().mirror() && !p.root().exclude().contains("sys") && !params.hostNet();
    if (p.root().mirror()) {
      List<String> exclude = p.root().exclude();
      if (newSysfs) {
        exclude = concat(exclude, List.of("sys"));
      }
      ops.add(new Op.AutoRoot(ROOT, false, false, exclude));
    }
    switch (p.etc().kind()) {
      case MIRROR -> ops.add(new Op.AutoEtc(ETC, List.of(), SKIPPED_ETC));
      case ONLY -> ops.add(new Op.AutoEtc(ETC, p.etc().only(), SKIPPED_ETC));
      case NONE -> {}
    }
    String user = host.user();
    ops.add(
        place(
            "/etc/passwd",
            user
                + ":x:"
                + params.uid()
                + ":"
                + params.gid()
                + ":"
                + user
                + ":"
                + host.home()
                + ":"
                + Profile.Env.SHELL
                + "\n"));
    ops.add(place("/etc/group", user + ":x:" + params.gid() + ":\n"));
    ops.add(place("/etc/hostname", params.hostname() + "\n"));
    ops.add(
        place(
            "/etc/hosts",
            "127.0.0.1 localhost "
                + params.hostname()
                + "\n::1 localhost "
                + params.hostname()
                + "\n"));
    ops.add(new Op.Proc(AbsPath.of("/proc")));
    if (newSysfs) {
      ops.add(new Op.Sysfs(SYS));
    }
    ops.add(new Op.Dev(AbsPath.of("/dev"), false, false));
    ops.add(new Op.Tmpfs(AbsPath.of("/tmp"), 0, 01777, false));
    // Only mount points (the runtime directory, binds the profile adds) live in /run itself.
    ops.add(new Op.Tmpfs(RUN, 0, 0755, true));
    ops.add(new Op.Tmpfs(host.xdgRuntimeDir(), 0, 0700, false));
    if (wayland != null) {
      // Read-only is enough: connect(2) needs no write access to the mount.
      ops.add(
          new Op.Bind(
              wayland.socket(),
              host.xdgRuntimeDir().resolve(WAYLAND_SOCKET),
              false,
              false,
              false,
              false));
    }
    ops.addAll(granted);
    Profile.Home home = p.home();
    if (home instanceof Profile.Home.Persistent h) {
      ops.add(new Op.Bind(h.dir(), host.home(), true, false, false, true));
    } else if (home instanceof Profile.Home.Ephemeral) {
      ops.add(new Op.Tmpfs(host.home(), 0, 0700, false));
    } else if (home instanceof Profile.Home.HostDir h) {
      ops.add(new Op.Bind(h.dir(), host.home(), true, false, false, false));
    }
    for (Profile.Device d : p.devices()) {
      ops.add(new Op.Bind(d.path(), d.path(), false, true, d.optional(), false));
    }
    for (FsEntry e : p.filesystem()) {
      ops.add(entry(e));
    }
    List<String> env = params.envList();
    for (Profile.Daemon d : p.daemons()) {
      List<String> argv = new ArrayList<>();
      argv.add(d.program().value());
      argv.addAll(d.args());
      ops.add(new Op.Daemon(d.readyPath(), d.timeout(), argv, env));
    }
    return ops;
  }

  static Op entry(FsEntry e) {
    if (e instanceof FsEntry.Bind b) {
      return new Op.Bind(
          b.source(), b.target(), b.writable(), b.device(), b.optional(), b.ensure());
    } else if (e instanceof FsEntry.Tmpfs t) {
      return new Op.Tmpfs(t.target(), t.sizeBytes(), t.mode(), t.readOnly());
    } else if (e instanceof FsEntry.Overlay o) {
      return switch (o.writes()) {
        case EPHEMERAL ->
            new Op.Overlay(o.target(), Op.Overlay.Writes.EPHEMERAL, null, null, o.lower());
        case PERSISTENT ->
            new Op.Overlay(
                o.target(), Op.Overlay.Writes.PERSISTENT, o.upper(), o.work(), o.lower());
        case NONE -> new Op.Overlay(o.target(), Op.Overlay.Writes.READ_ONLY, null, null, o.lower());
      };
    } else if (e instanceof FsEntry.Symlink s) {
      return new Op.Symlink(s.target(), s.pointsTo(), s.dereference());
    } else if (e instanceof FsEntry.File f) {
      return new Op.Place(f.target(), f.mode(), f.content().getBytes(StandardCharsets.UTF_8));
    } else if (e instanceof FsEntry.Mkdir m) {
      return new Op.Mkdir(m.target(), m.mode());
    } else if (e instanceof FsEntry.Remount r) {
      return new Op.Remount(r.target(), r.readOnly(), r.noexec(), r.nodev());
    }
    throw new IllegalStateException("unknown filesystem entry " + e.getClass());
  }

  static Seccomp seccomp(Profile.Seccomp s) {
    Set<Seccomp.Preset> presets = EnumSet.noneOf(Seccomp.Preset.class);
    for (Profile.Seccomp.Preset p : s.presets()) {
      presets.add(Seccomp.Preset.valueOf(p.name()));
    }
    Set<Seccomp.Relax> relax = EnumSet.noneOf(Seccomp.Relax.class);
    for (Profile.Seccomp.Relax r : s.relax()) {
      switch (r) {
        case ALLOW_PTRACE -> relax.add(Seccomp.Relax.ALLOW_PTRACE);
        case ALLOW_USERNS -> relax.add(Seccomp.Relax.ALLOW_USERNS);
        case MULTIARCH -> relax.add(Seccomp.Relax.MULTIARCH);
        case TTY -> {} // not a filter setting: Params.keepSession
      }
    }
    List<Seccomp.Deny> deny = new ArrayList<>();
    for (Profile.Seccomp.Deny d : s.deny()) {
      deny.add(new Seccomp.Deny(d.syscall(), d.errno()));
    }
    return new Seccomp(presets, relax, s.socketFamilies(), deny);
  }

  /**
   * The Landlock record. With `filesystem: auto` the rules follow the grants of {@code ops}: read
   * and execute beneath `/`, read and write beneath every writable mount, device use where devices
   * are bound; then the profile's own rules. Rules for one path are merged.
   */
  static Landlock landlock(Profile p, List<Op> ops) {
    Profile.Landlock l = p.landlock();
    Map<AbsPath, Long> fs = new LinkedHashMap<>();
    if (l.autoFilesystem()) {
      fs.put(ROOT, Landlock.READ | Landlock.EXECUTE);
      for (Op op : ops) {
        derive(fs, op);
      }
      for (Profile.Landlock.Rule r : l.rules()) {
        long access = 0;
        for (Profile.Landlock.Access a : r.access()) {
          access |=
              switch (a) {
                case READ -> Landlock.READ;
                case WRITE -> Landlock.WRITE;
                case EXECUTE -> Landlock.EXECUTE;
              };
        }
        fs.merge(r.path(), access, Compiler::or);
      }
    }
    List<Landlock.FsRule> fsRules = new ArrayList<>();
    fs.forEach((path, access) -> fsRules.add(new Landlock.FsRule(path, access)));
    List<Landlock.NetRule> netRules = new ArrayList<>();
    if (l.network() != null) {
      TreeMap<Integer, Long> ports = new TreeMap<>();
      l.network().bind().forEach(port -> ports.merge(port, Landlock.BIND_TCP, Compiler::or));
      l.network().connect().forEach(port -> ports.merge(port, Landlock.CONNECT_TCP, Compiler::or));
      ports.forEach((port, access) -> netRules.add(new Landlock.NetRule(port, access)));
    }
    return new Landlock(
        l.required(),
        l.scopeAbstractUnix(),
        l.scopeSignal(),
        l.autoFilesystem(),
        l.network() != null,
        fsRules,
        netRules);
  }

  /** Adds the Landlock access the mount of {@code op} is meant to give. */
  private static void derive(Map<AbsPath, Long> fs, Op op) {
    long rw = Landlock.READ | Landlock.WRITE;
    if (op instanceof Op.Dev d) {
      // The device nodes (null, zero, tty, pts/*, ...) are written to and ioctl'd; shm and
      // mqueue are tmpfs-like directories apps create files in.
      fs.merge(d.target(), Landlock.READ | (d.writable() ? rw : Landlock.DEVICE), Compiler::or);
      fs.merge(d.target().resolve("shm"), rw, Compiler::or);
      if (d.mqueue()) {
        fs.merge(d.target().resolve("mqueue"), rw, Compiler::or);
      }
    } else if (op instanceof Op.Proc pr) {
      // Thread names, oom_score_adj, uid_map of nested sandboxes: files written with O_TRUNC.
      fs.merge(
          pr.target(),
          Landlock.READ | Landlock.Fs.WRITE_FILE.bit() | Landlock.Fs.TRUNCATE.bit(),
          Compiler::or);
    } else if (op instanceof Op.Tmpfs t) {
      if (!t.readOnly()) {
        fs.merge(t.target(), rw, Compiler::or);
      }
    } else if (op instanceof Op.Bind b) {
      long access = (b.writable() ? rw : 0) | (b.device() ? Landlock.READ | Landlock.DEVICE : 0);
      if (access != 0) {
        fs.merge(b.target(), access, Compiler::or);
      }
    } else if (op instanceof Op.Overlay o) {
      if (o.writes() != Op.Overlay.Writes.READ_ONLY) {
        fs.merge(o.target(), rw, Compiler::or);
      }
    } else if (op instanceof Op.AutoRoot a) {
      if (a.writable() || a.device()) {
        fs.merge(ROOT, (a.writable() ? rw : 0) | (a.device() ? Landlock.DEVICE : 0), Compiler::or);
      }
    }
    // AUTO_ETC, PLACE, SYMLINK, MKDIR, REMOUNT and DAEMON make nothing writable. A remount that
    // drops read-only does not add a rule: say so with a landlock rule.
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static long or(long a, long b) {
    return a | b;
  }

  private static Op place(String target, String content) {
    return new Op.Place(AbsPath.of(target), 0644, content.getBytes(StandardCharsets.UTF_8));
  }
}
