package dev.hsu.profile;

import dev.hsu.plan.AbsPath;
import dev.hsu.profile.Draft.Str;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

    if (problems.size() > before || problems.hasErrors() || missing.hasErrors()) {
      return null;
    }
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
        d.network == null ? Profile.Network.NONE : d.network,
        devices,
        fs,
        daemons,
        d.waitDelay == null ? DEFAULT_WAIT_DELAY : d.waitDelay,
        host);
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
