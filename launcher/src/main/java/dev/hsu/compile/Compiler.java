package dev.hsu.compile;

import dev.hsu.plan.AbsPath;
import dev.hsu.plan.Op;
import dev.hsu.plan.Params;
import dev.hsu.plan.Plan;
import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a loaded {@link Profile} into a {@link Plan}: the fixed base ops, then the profile's. */
public final class Compiler {
  /** Sandbox PATH; `env.set` may override it. */
  public static final String PATH = "/usr/local/bin:/usr/bin:/bin";

  public static final String SHELL = "/bin/sh";

  /** The /etc entries hsu places itself instead of linking the host's. */
  public static final List<String> PLACED_ETC = List.of("passwd", "group", "hostname", "hosts");

  static final AbsPath ROOT = AbsPath.ROOT;
  static final AbsPath ETC = AbsPath.of("/etc");

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
    try {
      Params params = params(profile, hostEnv, extraArgs);
      return new Plan(params, ops(profile, params));
    } catch (IllegalArgumentException e) {
      throw new CompileException(profile.source() + ": cannot compile: " + e.getMessage(), e);
    }
  }

  static Params params(Profile p, Map<String, String> hostEnv, List<String> extraArgs) {
    List<String> argv = new ArrayList<>(p.command());
    argv.addAll(extraArgs);
    return new Params(
        p.ids().uid(),
        p.ids().gid(),
        p.network() == Profile.Network.HOST,
        false,
        p.hostname(),
        p.cwd(),
        argv,
        env(p, hostEnv),
        p.waitDelay());
  }

  /** Always-set variables, then the passed host variables, then `env.set`; sorted by name. */
  static TreeMap<String, String> env(Profile p, Map<String, String> hostEnv) {
    Profile.Host host = p.host();
    TreeMap<String, String> env = new TreeMap<>();
    env.put("HOME", host.home().value());
    env.put("USER", host.user());
    env.put("LOGNAME", host.user());
    env.put("PATH", PATH);
    env.put("XDG_RUNTIME_DIR", host.xdgRuntimeDir().value());
    env.put("SHELL", SHELL);
    for (String name : p.env().pass()) {
      String value = hostEnv.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(p.env().set());
    return env;
  }

  static List<Op> ops(Profile p, Params params) {
    Profile.Host host = p.host();
    List<Op> ops = new ArrayList<>();
    if (p.root().mirror()) {
      ops.add(new Op.AutoRoot(ROOT, false, false, p.root().exclude()));
    }
    switch (p.etc().kind()) {
      case MIRROR -> ops.add(new Op.AutoEtc(ETC, List.of(), PLACED_ETC));
      case ONLY -> ops.add(new Op.AutoEtc(ETC, p.etc().only(), PLACED_ETC));
      case NONE -> {}
    }
    String user = host.user();
    ops.add(place("/etc/passwd",
        user + ":x:" + params.uid() + ":" + params.gid() + ":" + user + ":" + host.home() + ":"
            + SHELL + "\n"));
    ops.add(place("/etc/group", user + ":x:" + params.gid() + ":\n"));
    ops.add(place("/etc/hostname", params.hostname() + "\n"));
    ops.add(place("/etc/hosts",
        "127.0.0.1 localhost " + params.hostname() + "\n::1 localhost " + params.hostname()
            + "\n"));
    ops.add(new Op.Proc(AbsPath.of("/proc")));
    ops.add(new Op.Dev(AbsPath.of("/dev"), false, false));
    ops.add(new Op.Tmpfs(AbsPath.of("/tmp"), 0, 01777, false));
    ops.add(new Op.Tmpfs(AbsPath.of("/run"), 0, 0755, false));
    ops.add(new Op.Tmpfs(host.xdgRuntimeDir(), 0, 0700, false));
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
      return new Op.Bind(b.source(), b.target(), b.writable(), b.device(), b.optional(), b.ensure());
    } else if (e instanceof FsEntry.Tmpfs t) {
      return new Op.Tmpfs(t.target(), t.sizeBytes(), t.mode(), t.readOnly());
    } else if (e instanceof FsEntry.Overlay o) {
      return switch (o.writes()) {
        case EPHEMERAL -> new Op.Overlay(o.target(), Op.Overlay.Writes.EPHEMERAL, null, null, o.lower());
        case PERSISTENT -> new Op.Overlay(
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

  private static Op place(String target, String content) {
    return new Op.Place(AbsPath.of(target), 0644, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Host directories that must exist before hsu-init runs and that hsu-init does not create
   * itself: the upper and work directories of persistent overlays. The launcher creates them
   * without following symlinks (they lie in the app-writable per-app directory).
   */
  public static List<AbsPath> hostDirsToCreate(Plan plan) {
    List<AbsPath> dirs = new ArrayList<>();
    for (Op op : plan.ops()) {
      if (op instanceof Op.Overlay o && o.writes() == Op.Overlay.Writes.PERSISTENT) {
        dirs.add(o.upper());
        dirs.add(o.work());
      } else if (op instanceof Op.Bind b && b.ensure()) {
        dirs.add(b.source());
      }
    }
    return dirs;
  }
}
