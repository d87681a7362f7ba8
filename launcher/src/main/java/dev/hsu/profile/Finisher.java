package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Turns a merged {@link Draft} into a {@link Profile}: variables, paths and defaults. */
final class Finisher {
  /** Keys that the profile or one of its bases must set. */
  static final List<String> REQUIRED = List.of("id", "command");

  /** The finished values, filled in by the sections: one field per component of {@link Profile}. */
  static final class Parts {
    String name;
    List<String> command;
    AbsPath cwd;
    Profile.Env env;
    String hostname;
    Profile.Ids ids;
    Profile.Home home;
    Profile.Root root;
    Profile.Etc etc;
    Profile.Network network;
    List<Profile.Device> devices;
    List<Profile.FsEntry> filesystem;
    List<Profile.Daemon> daemons;
    Duration waitDelay;
    Profile.Seccomp seccomp;
    Profile.Landlock landlock;
    String desktop;
    Profile.Service service;
    Profile.Limits limits;
    Profile.Wayland wayland;
    Profile.Dbus dbus;
    Set<Profile.Audio> audio;
    boolean x11;
    boolean gpu;
    boolean dieWithParent;
  }

  private final Profile.Host host;
  private final Problems problems;
  private final Problems missing;

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
    for (String key : REQUIRED) {
      if (!d.given.contains(key)) {
        missing.error(
            d.start, "missing '" + key + "': the profile or one of its bases must set it");
      }
    }
    Finishing f = new Finishing(host, d.app.idOrPlaceholder(), problems);
    int before = problems.size();
    Parts p = new Parts();
    for (Section<?> s : d.sections()) {
      s.finish(f, p);
    }
    CrossChecks.check(d, f, p);
    if (problems.size() > before || problems.hasErrors() || missing.hasErrors()) {
      return null;
    }
    for (Section<?> s : d.sections()) {
      s.warnings(f, p);
    }
    return new Profile(
        source,
        f.id(),
        p.name,
        p.command,
        p.cwd,
        p.env,
        p.hostname,
        p.ids,
        p.home,
        p.root,
        p.etc,
        p.network,
        p.devices,
        p.filesystem,
        p.daemons,
        p.waitDelay,
        host,
        p.seccomp,
        p.landlock,
        p.desktop,
        p.service,
        p.limits,
        p.wayland,
        p.dbus,
        p.audio,
        p.x11,
        p.gpu,
        p.dieWithParent);
  }
}
