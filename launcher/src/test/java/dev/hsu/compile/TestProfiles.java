package dev.hsu.compile;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A fixed fake host and environment, and a builder of profiles with the loader's defaults. */
public final class TestProfiles {
  public static final Profile.Host HOST =
      new Profile.Host(
          "user",
          1000,
          1000,
          AbsPath.of("/home/user"),
          AbsPath.of("/run/user/1000"),
          AbsPath.of("/home/user/.local/share"));

  /** The host environment the golden plans are compiled with. */
  public static final Map<String, String> ENV =
      Map.ofEntries(
          Map.entry("HOME", "/home/user"),
          Map.entry("USER", "user"),
          Map.entry("LOGNAME", "user"),
          Map.entry("PATH", "/home/user/bin:/usr/local/bin:/usr/bin:/bin"),
          Map.entry("TERM", "xterm-256color"),
          Map.entry("LANG", "C.UTF-8"),
          Map.entry("XDG_RUNTIME_DIR", "/run/user/1000"),
          Map.entry("WAYLAND_DISPLAY", "wayland-0"),
          Map.entry("DISPLAY", ":3.0"),
          Map.entry("SECRET_TOKEN", "hunter2"),
          Map.entry("LD_PRELOAD", "/tmp/evil.so"));

  /** The instance id the golden plans are compiled with. */
  public static final String INSTANCE_ID = "0123456789abcdef";

  private TestProfiles() {}

  public static Builder profile(String id, String... command) {
    return new Builder(id, List.of(command));
  }

  public static AbsPath p(String s) {
    return AbsPath.of(s);
  }

  /** Mutable builder; defaults as documented in docs/profiles.md. */
  public static final class Builder {
    Path source;
    String id;
    String name;
    List<String> command;
    AbsPath cwd = HOST.home();
    Map<String, String> set = new LinkedHashMap<>(Profile.Env.always(HOST));
    List<String> pass =
        new ArrayList<>(List.of("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "TZ"));
    String hostname = "hsu";
    Profile.Ids ids = new Profile.Ids(HOST.uid(), HOST.gid());
    Profile.Home home;
    Profile.Root root = new Profile.Root(true, List.of());
    Profile.Etc etc = new Profile.Etc(Profile.Etc.Kind.MIRROR, List.of());
    Profile.Network network = Profile.Network.NONE;
    List<Profile.Device> devices = new ArrayList<>();
    List<FsEntry> filesystem = new ArrayList<>();
    List<Profile.Daemon> daemons = new ArrayList<>();
    Duration waitDelay = Duration.ofSeconds(2);
    boolean dieWithParent;
    Profile.Seccomp seccomp = Profile.Seccomp.defaults();
    Profile.Landlock landlock = Profile.Landlock.defaults();
    Profile.Wayland wayland;
    Profile.Dbus dbus = Profile.Dbus.NONE;
    Set<Profile.Audio> audio = Set.of();
    boolean x11;
    boolean gpu;

    Builder(String id, List<String> command) {
      this.id = id;
      this.name = id;
      this.command = command;
      this.source = Path.of(id + ".yaml");
      this.home = new Profile.Home.Persistent(appData().resolve("home"));
    }

    public AbsPath appData() {
      return HOST.xdgDataHome().resolve("hsu/apps/" + id);
    }

    public Builder source(Path s) {
      source = s;
      return this;
    }

    public Builder cwd(String c) {
      cwd = p(c);
      return this;
    }

    public Builder set(String k, String v) {
      set.put(k, v);
      return this;
    }

    /** Replaces the default pass list, as a profile's own `env.pass` does. */
    public Builder pass(String... names) {
      pass = new ArrayList<>(List.of(names));
      return this;
    }

    public Builder hostname(String h) {
      hostname = h;
      return this;
    }

    public Builder ids(int uid, int gid) {
      ids = new Profile.Ids(uid, gid);
      return this;
    }

    public Builder home(Profile.Home h) {
      home = h;
      return this;
    }

    public Builder root(boolean mirror, String... exclude) {
      root = new Profile.Root(mirror, List.of(exclude));
      return this;
    }

    public Builder etc(Profile.Etc.Kind kind, String... only) {
      etc = new Profile.Etc(kind, List.of(only));
      return this;
    }

    public Builder network(Profile.Network n) {
      network = n;
      return this;
    }

    public Builder device(String path, boolean optional) {
      devices.add(new Profile.Device(p(path), optional));
      return this;
    }

    public Builder fs(FsEntry e) {
      filesystem.add(e);
      return this;
    }

    public Builder daemon(String program, List<String> args, String ready, Duration timeout) {
      daemons.add(new Profile.Daemon(p(program), args, p(ready), timeout));
      return this;
    }

    public Builder waitDelay(Duration d) {
      waitDelay = d;
      return this;
    }

    public Builder seccomp(Profile.Seccomp s) {
      seccomp = s;
      return this;
    }

    public Builder landlock(Profile.Landlock l) {
      landlock = l;
      return this;
    }

    public Builder wayland(Profile.Wayland w) {
      wayland = w;
      return this;
    }

    public Builder dbus(Profile.Dbus d) {
      dbus = d;
      return this;
    }

    public Builder audio(Profile.Audio... a) {
      audio = Set.of(a);
      return this;
    }

    public Builder x11(boolean on) {
      x11 = on;
      return this;
    }

    public Builder gpu(boolean on) {
      gpu = on;
      return this;
    }

    public Builder dieWithParent(boolean on) {
      dieWithParent = on;
      return this;
    }

    public Profile build() {
      return new Profile(
          source,
          id,
          name,
          command,
          cwd,
          new Profile.Env(set, pass),
          hostname,
          ids,
          home,
          root,
          etc,
          network,
          devices,
          filesystem,
          daemons,
          waitDelay,
          HOST,
          seccomp,
          landlock,
          null,
          Profile.Service.defaults(),
          null,
          wayland,
          dbus,
          audio,
          x11,
          gpu,
          dieWithParent);
    }
  }
}
