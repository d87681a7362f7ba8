package dev.hsu.profile;

import dev.hsu.plan.AbsPath;
import dev.hsu.profile.Draft.Str;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a merged {@link Draft} into a {@link Profile}: variables, paths and defaults. */
final class Finisher {
  static final List<String> DEFAULT_PASS =
      List.of("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "TZ");
  static final String DEFAULT_HOSTNAME = "hsu";
  static final Duration DEFAULT_WAIT_DELAY = Duration.ofSeconds(2);
  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private final Profile.Host host;
  private final Problems problems;
  private final Problems missing;
  private Map<String, String> vars;

  /**
   * @param problems receives problems with values
   * @param missing receives missing required keys (reported after everything else)
   */
  Finisher(Profile.Host host, Problems problems, Problems missing) {
    this.host = host;
    this.problems = problems;
    this.missing = missing;
  }

  /** The finished profile, or null when this or an earlier step found an error. */
  Profile finish(Path source, Draft d) {
    if (!d.given.contains("id")) {
      missing.error(d.start, "missing 'id': the profile or one of its bases must set it");
    }
    if (!d.given.contains("command")) {
      missing.error(d.start, "missing 'command': the profile or one of its bases must set it");
    }
    String id = d.id != null ? d.id.value() : "invalid.id";
    vars = Vars.values(host, id);
    int before = problems.size();

    List<String> command = new ArrayList<>();
    if (d.command != null) {
      for (Str s : d.command) {
        command.add(expand(s));
      }
    }
    AbsPath cwd = d.cwd == null ? host.home() : path(d.cwd);

    Map<String, String> set = new LinkedHashMap<>();
    set.put("HOME", host.home().value());
    set.put("USER", host.user());
    set.put("LOGNAME", host.user());
    set.put("PATH", DEFAULT_PATH);
    set.put("XDG_RUNTIME_DIR", host.xdgRuntimeDir().value());
    set.put("SHELL", "/bin/sh");
    if (d.envSet != null) {
      d.envSet.forEach((k, v) -> set.put(k, expand(v)));
    }
    List<String> pass = d.envPass == null ? DEFAULT_PASS : distinct(d.envPass);

    Profile.Home home;
    if (d.home == null || d.home.value().equals("persistent")) {
      home = new Profile.Home.Persistent(AbsPath.of(Vars.appData(host, id)).resolve("home"));
    } else if (d.home.value().equals("ephemeral")) {
      home = new Profile.Home.Ephemeral();
    } else {
      AbsPath p = path(d.home);
      home = p == null ? null : new Profile.Home.HostDir(p);
    }

    Profile.Root root =
        new Profile.Root(
            d.rootMirror == null || d.rootMirror,
            d.rootExclude == null ? List.of() : distinct(d.rootExclude));
    Profile.Etc etc =
        d.etcKind == null
            ? new Profile.Etc(Profile.Etc.Kind.MIRROR, List.of())
            : new Profile.Etc(
                d.etcKind, d.etcOnly == null ? List.of() : distinct(d.etcOnly));

    List<Profile.Device> devices = new ArrayList<>();
    if (d.devices != null) {
      for (Draft.Device dev : d.devices) {
        AbsPath p = path(dev.path());
        if (p != null) {
          devices.add(new Profile.Device(p, dev.optional()));
        }
      }
    }

    List<FsEntry> fs = new ArrayList<>();
    Map<AbsPath, AbsPath> defaultUppers = new HashMap<>();
    if (d.filesystem != null) {
      for (Draft.Fs e : d.filesystem) {
        FsEntry entry = entry(e, id, defaultUppers);
        if (entry != null) {
          fs.add(entry);
        }
      }
    }

    List<Profile.Daemon> daemons = new ArrayList<>();
    if (d.daemons != null) {
      for (Draft.Daemon dm : d.daemons) {
        AbsPath program = path(dm.program());
        AbsPath ready = path(dm.readyPath());
        List<String> args = new ArrayList<>();
        for (Str a : dm.args()) {
          args.add(expand(a));
        }
        if (program != null && ready != null) {
          daemons.add(new Profile.Daemon(program, args, ready, dm.timeout()));
        }
      }
    }

    Profile.Network network = d.network == null ? Profile.Network.NONE : d.network;
    Profile.Seccomp seccomp = seccomp(d);
    Profile.Landlock landlock = landlock(d, network);
    Profile.Dbus dbus = dbus(d, id);

    if (problems.size() > before || problems.hasErrors() || missing.hasErrors()) {
      return null;
    }
    warnings(d, home, network);
    return new Profile(
        source,
        id,
        d.name == null ? id : d.name.value(),
        command,
        cwd,
        new Profile.Env(set, pass),
        d.hostname == null ? DEFAULT_HOSTNAME : d.hostname.value(),
        new Profile.Ids(
            d.uid == null ? host.uid() : d.uid, d.gid == null ? host.gid() : d.gid),
        home,
        root,
        etc,
        network,
        devices,
        fs,
        daemons,
        d.waitDelay == null ? DEFAULT_WAIT_DELAY : d.waitDelay,
        host,
        seccomp,
        landlock,
        d.desktop == null ? null : d.desktop.value(),
        new Profile.Service(d.serviceRestart, d.serviceRestartSec),
        d.limitsPos == null
            ? null
            : new Profile.Limits(d.limitsMemory, d.limitsTasks, d.limitsCpuWeight),
        Boolean.TRUE.equals(d.wayland) ? new Profile.Wayland(d.waylandDirect) : null,
        dbus,
        audio(d),
        Boolean.TRUE.equals(d.x11),
        Boolean.TRUE.equals(d.gpu));
  }

  /** Each granted bus's filter; the session bus may always own the app's id and below it. */
  private Profile.Dbus dbus(Draft d, String id) {
    Profile.Bus session = null;
    if (d.dbusSession != null && d.dbusSession.on) {
      if (!DraftReader.BUS_NAME.matcher(id).matches() && d.id != null) {
        problems.error(
            d.dbusSession.pos,
            "the session bus needs an id that is also a D-Bus name, so the app can own it: "
                + Text.quote(id)
                + " has an element starting with a digit (D-Bus names do not allow that)");
      }
      List<Str> own = new ArrayList<>();
      own.add(new Str(id, d.dbusSession.pos));
      own.add(new Str(id + ".*", d.dbusSession.pos));
      own.addAll(d.dbusSession.own);
      session = bus(d.dbusSession, own);
    }
    Profile.Bus system =
        d.dbusSystem != null && d.dbusSystem.on ? bus(d.dbusSystem, d.dbusSystem.own) : null;
    return new Profile.Dbus(session, system);
  }

  private static Profile.Bus bus(Draft.Bus b, List<Str> own) {
    return new Profile.Bus(
        distinct(b.see), distinct(b.talk), distinct(own), rules(b.call), rules(b.broadcast));
  }

  private static Map<String, List<String>> rules(Map<String, List<Str>> m) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((name, list) -> out.put(name, distinct(list)));
    return out;
  }

  private static Set<Profile.Audio> audio(Draft d) {
    Set<Profile.Audio> out = EnumSet.noneOf(Profile.Audio.class);
    if (d.audio != null && !d.audio.isEmpty()) {
      out.add(Profile.Audio.PULSE);
      if (d.audioRecord) {
        out.add(Profile.Audio.PULSE_RECORD);
      }
    }
    return out;
  }

  private static Profile.Seccomp seccomp(Draft d) {
    Set<Profile.Seccomp.Preset> presets = EnumSet.allOf(Profile.Seccomp.Preset.class);
    if (d.seccompPresets != null) {
      presets = EnumSet.noneOf(Profile.Seccomp.Preset.class);
      for (Str s : d.seccompPresets) {
        presets.add(Profile.Seccomp.Preset.valueOf(constant(s.value())));
      }
    }
    Set<Profile.Seccomp.Relax> relax = EnumSet.noneOf(Profile.Seccomp.Relax.class);
    if (d.seccompRelax != null) {
      for (Str s : d.seccompRelax) {
        relax.add(Profile.Seccomp.Relax.valueOf(constant(s.value())));
      }
    }
    // A later file may deny the same syscall again with another errno: the later one wins.
    Map<String, Integer> deny = new LinkedHashMap<>();
    if (d.seccompDeny != null) {
      for (Draft.Deny x : d.seccompDeny) {
        deny.put(x.syscall().value(), x.errno());
      }
    }
    List<Profile.Seccomp.Deny> denyList = new ArrayList<>();
    deny.forEach((name, errno) -> denyList.add(new Profile.Seccomp.Deny(name, errno)));
    Set<Integer> families = new LinkedHashSet<>();
    if (d.seccompFamilies != null) {
      for (Str s : d.seccompFamilies) {
        families.add(dev.hsu.plan.SocketFamily.number(s.value()));
      }
    }
    return new Profile.Seccomp(presets, relax, denyList, new ArrayList<>(families));
  }

  private Profile.Landlock landlock(Draft d, Profile.Network network) {
    boolean auto = d.landlockFilesystem == null || d.landlockFilesystem.value().equals("auto");
    List<Profile.Landlock.Rule> rules = new ArrayList<>();
    if (d.landlockRules != null) {
      if (!auto && !d.landlockRules.isEmpty()) {
        problems.error(
            d.landlockFilesystem.pos(),
            "landlock 'filesystem: none' leaves the filesystem to the mounts alone, so the"
                + " landlock 'rules' (the first at "
                + where(d.landlockRules.get(0).path().pos())
                + ") would do nothing; remove them or use 'filesystem: auto'");
      }
      for (Draft.Rule r : d.landlockRules) {
        AbsPath p = path(r.path());
        if (p != null) {
          rules.add(new Profile.Landlock.Rule(p, r.access()));
        }
      }
    }
    Profile.Landlock.Network net = null;
    if (d.landlockNetworkPos != null) {
      if (network != Profile.Network.HOST) {
        problems.error(
            d.landlockNetworkPos,
            "landlock 'network' limits the TCP ports of the host network; it needs"
                + " 'network: host' (without it the sandbox has its own network namespace with"
                + " only loopback)");
      }
      net =
          new Profile.Landlock.Network(
              new ArrayList<>(new LinkedHashSet<>(d.landlockBind)),
              new ArrayList<>(new LinkedHashSet<>(d.landlockConnect)));
    }
    return new Profile.Landlock(
        d.landlockRequired == null || d.landlockRequired,
        d.scopeAbstractUnix == null || d.scopeAbstractUnix,
        d.scopeSignal == null || d.scopeSignal,
        auto,
        rules,
        net);
  }

  /** The dangerous grants of a valid profile, each where it was written. */
  private void warnings(Draft d, Profile.Home home, Profile.Network network) {
    AbsPath realHome = host.home();
    if (home instanceof Profile.Home.HostDir h && realHome.startsWith(h.dir())) {
      problems.warning(
          d.home.pos(),
          "'home' gives the app "
              + (h.dir().equals(realHome)
                  ? "your own home directory"
                  : "a directory above your home directory")
              + " \""
              + h.dir()
              + "\" to write: it can change your shell startup files, autostart entries and hsu's"
              + " own profiles");
    }
    if (d.filesystem != null) {
      for (Draft.Fs e : d.filesystem) {
        if (e instanceof Draft.Bind b && (b.writable() || b.device())) {
          String src = expand(b.path());
          boolean valid = AbsPath.problem(src) == null;
          if (b.writable() && valid && realHome.startsWith(AbsPath.of(src))) {
            problems.warning(
                b.path().pos(),
                "writable bind of \""
                    + src
                    + "\", which holds your home directory: the app can change your shell"
                    + " startup files, autostart entries and hsu's own profiles");
          }
          if (b.device()) {
            problems.warning(
                b.path().pos(),
                "device access to \""
                    + src
                    + "\": the app talks to kernel drivers directly");
          }
        }
      }
    }
    if (Boolean.TRUE.equals(d.wayland) && d.waylandDirect) {
      problems.warning(
          d.waylandPos,
          "'wayland: {direct: true}' passes the compositor's raw socket: the app can use every"
              + " privileged protocol it offers (screen capture, virtual keyboards and pointers,"
              + " clipboard managers), which a security context hides");
    }
    if (d.audio != null && !d.audio.isEmpty() && d.audioRecord) {
      problems.warning(
          d.audioPos,
          "'audio: {pulse: {record: true}}' lets the app record from every source, the monitors"
              + " of what other apps play included");
    }
    if (Boolean.TRUE.equals(d.x11)) {
      problems.warning(
          d.x11Pos,
          "'x11: true' connects the app to your X server, which isolates no client from another:"
              + " the app can read every window's contents and keystrokes, inject input and"
              + " read the clipboard"
              + (network == Profile.Network.HOST
                  ? "; with 'network: host' it shares the host's network too, so it may also"
                      + " reach an X server listening on TCP or the abstract socket"
                      + " '@/tmp/.X11-unix/X<n>' of any display (not just the granted one)"
                  : ""));
    }
    if (d.dbusSession != null && d.dbusSession.on) {
      dbusWarnings(d.dbusSession);
    }
    if (d.dbusSystem != null && d.dbusSystem.on) {
      dbusWarnings(d.dbusSystem);
    }
    if (network == Profile.Network.HOST && d.networkPos != null) {
      problems.warning(
          d.networkPos,
          "'network: host' shares the host's network: the app can reach every service listening"
              + " on this machine and the whole network, and it sees the host's network interfaces"
              + " (in /sys and /proc/net)");
    }
    if (d.devices != null) {
      for (Draft.Device dev : d.devices) {
        problems.warning(
            dev.path().pos(),
            "device access to \""
                + expand(dev.path())
                + "\": the app talks to its kernel driver directly");
      }
    }
    if (d.seccompRelax != null) {
      Set<String> seen = new HashSet<>();
      for (Str r : d.seccompRelax) {
        if (seen.add(r.value())) {
          problems.warning(
              r.pos(),
              "seccomp relax " + Text.quote(r.value()) + " " + RELAX_RISK.get(r.value()));
        }
      }
    }
    if (d.seccompPresets != null) {
      List<String> left = new ArrayList<>();
      for (Profile.Seccomp.Preset p : Profile.Seccomp.Preset.values()) {
        String name = p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (d.seccompPresets.stream().noneMatch(s -> s.value().equals(name))) {
          left.add(name);
        }
      }
      if (!left.isEmpty()) {
        problems.warning(
            d.seccompPresetsPos,
            "seccomp 'presets' leaves out "
                + (left.size() == 1 ? "the default preset " : "the default presets ")
                + Text.list(left)
                + ": the syscall filter is weaker than the default");
      }
    }
    if (d.landlockRequired != null && !d.landlockRequired) {
      problems.warning(
          d.landlockRequiredPos,
          "landlock 'required: false': on a kernel without (all of) Landlock the app runs with"
              + " less protection, after a one-line warning");
    }
    if (d.landlockFilesystem != null && d.landlockFilesystem.value().equals("none")) {
      problems.warning(
          d.landlockFilesystem.pos(),
          "landlock 'filesystem: none': Landlock does not restrict the filesystem, only the mounts"
              + " do");
    }
  }

  /**
   * Bus names whose services run code on the host or change the session for any caller
   * (SECURITY.md item 5): talking to them, or owning them, is a warning.
   */
  static final List<String> HOST_CODE_NAMES =
      List.of(
          "org.freedesktop.systemd1",
          "org.freedesktop.Flatpak",
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

  /** Grants on one bus that reach services able to run host code. */
  private void dbusWarnings(Draft.Bus bus) {
    for (Str s : bus.talk) {
      String reached = hostCodeName(s.value());
      if (reached != null) {
        problems.warning(
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
        problems.warning(
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
        problems.warning(
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

  static final Map<String, String> RELAX_RISK =
      Map.of(
          "allow-ptrace",
          "lets the app ptrace the processes of its sandbox (read and change their memory)",
          "allow-userns",
          "lets the app create namespaces (unshare, clone, setns, chroot): a large kernel attack"
              + " surface",
          "tty",
          "keeps the terminal's session: the app shares your terminal's job control (TIOCSTI"
              + " stays denied)",
          "multiarch",
          "allows the x32 and i386 syscall ABIs, which syscall filters easily miss");

  private static String where(Pos p) {
    return p.file().getFileName() + ":" + p.line();
  }

  /** {@code deny-ns} -> {@code DENY_NS}. */
  private static String constant(String name) {
    return name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  private FsEntry entry(Draft.Fs e, String id, Map<AbsPath, AbsPath> defaultUppers) {
    AbsPath target = path(e.path());
    if (e instanceof Draft.Bind) {
      Draft.Bind b = (Draft.Bind) e;
      AbsPath to = b.to() == null ? target : path(b.to());
      return target == null || to == null
          ? null
          : new FsEntry.Bind(target, to, b.writable(), b.device(), b.optional(), b.ensure());
    }
    if (target == null) {
      return null;
    }
    if (e instanceof Draft.Tmpfs) {
      Draft.Tmpfs t = (Draft.Tmpfs) e;
      return new FsEntry.Tmpfs(target, t.size(), t.mode(), t.readOnly());
    }
    if (e instanceof Draft.Overlay) {
      return overlay((Draft.Overlay) e, target, id, defaultUppers);
    }
    if (e instanceof Draft.Symlink) {
      Draft.Symlink s = (Draft.Symlink) e;
      if (s.dereference()) {
        AbsPath p = path(s.pointsTo());
        return p == null ? null : new FsEntry.Symlink(target, p.value(), true);
      }
      return new FsEntry.Symlink(target, expand(s.pointsTo()), false);
    }
    if (e instanceof Draft.File) {
      Draft.File f = (Draft.File) e;
      return new FsEntry.File(target, expand(f.content()), f.mode());
    }
    if (e instanceof Draft.Mkdir) {
      return new FsEntry.Mkdir(target, ((Draft.Mkdir) e).mode());
    }
    Draft.Remount r = (Draft.Remount) e;
    return new FsEntry.Remount(target, r.readOnly(), r.noexec(), r.nodev());
  }

  private FsEntry overlay(
      Draft.Overlay o, AbsPath target, String id, Map<AbsPath, AbsPath> defaultUppers) {
    List<AbsPath> lower = new ArrayList<>();
    if (o.lower() == null) {
      lower.add(target);
    } else {
      for (Str s : o.lower()) {
        AbsPath p = path(s);
        if (p == null) {
          return null;
        }
        lower.add(p);
      }
    }
    AbsPath upper = null;
    AbsPath work = null;
    if (o.writes() == Writes.PERSISTENT) {
      if (o.upper() != null) {
        upper = path(o.upper());
        work = path(o.work());
        if (upper == null || work == null) {
          return null;
        }
      } else {
        String name = target.value().equals("/") ? "-" : target.value().substring(1).replace('/', '-');
        AbsPath dir = AbsPath.of(Vars.appData(host, id)).resolve("overlay/" + name);
        AbsPath other = defaultUppers.putIfAbsent(dir, target);
        if (other != null) {
          problems.error(
              o.path().pos(),
              "persistent overlays on \""
                  + other
                  + "\" and \""
                  + target
                  + "\" would share the directory \""
                  + dir
                  + "\"; give one of them 'upper' and 'work'");
          return null;
        }
        upper = dir.resolve("upper");
        work = dir.resolve("work");
      }
    }
    return new FsEntry.Overlay(target, lower, o.writes(), upper, work);
  }

  private String expand(Str s) {
    return Vars.expand(s.value(), vars);
  }

  private AbsPath path(Str s) {
    String value = expand(s);
    String problem = AbsPath.problem(value);
    if (problem != null) {
      problems.error(
          s.pos(),
          problem
              + (value.equals(s.value())
                  ? ""
                  : " (after expanding \"" + s.value() + "\")")
              + (value.startsWith("/") ? "" : "; an absolute path is needed here"));
      return null;
    }
    return AbsPath.of(value);
  }

  private static List<String> distinct(List<Str> items) {
    Set<String> out = new LinkedHashSet<>();
    for (Str s : items) {
      out.add(s.value());
    }
    return new ArrayList<>(out);
  }
}
