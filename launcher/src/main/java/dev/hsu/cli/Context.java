package dev.hsu.cli;

import dev.hsu.launch.LaunchHost;
import dev.hsu.profile.Loader;
import dev.hsu.profile.Profile;
import dev.hsu.sys.Sys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the CLI takes from the outside world: the environment, where hsu's parts are, the caller's
 * ids, the profile loader and the host side of a launch. Tests pass fakes; {@link #system()} is the
 * real thing.
 */
record Context(
    Map<String, String> env, Layout layout, Ids ids, Loading loading, LaunchHost launchHost) {

  /** Loads a profile file; normally {@link Loader#load}. */
  interface Loading {
    Loader.Result load(Profile.Host host, List<Path> baseDirs, Path file);
  }

  /** The caller's real uid and gid. */
  interface Ids {
    int uid();

    int gid();
  }

  Context {
    env = env instanceof dev.hsu.cache.RecordingEnv ? env : Map.copyOf(env);
    layout = layout == null ? Layout.NONE : layout;
  }

  static Context system() {
    return new Context(
        System.getenv(),
        Layout.fromProperties(System.getProperty("hsu.home"), System.getProperty("hsu.prefix")),
        new Ids() {
          @Override
          public int uid() {
            return Sys.getuid();
          }

          @Override
          public int gid() {
            return Sys.getgid();
          }
        },
        (host, baseDirs, file) -> new Loader(host, baseDirs).load(file),
        LaunchHost.system());
  }

  boolean debug() {
    return "1".equals(env.get("HSU_DEBUG"));
  }

  Profile.Host host() throws HsuException {
    try {
      // Without $USER (cron, runuser -u), the JVM's user.name comes from the passwd entry.
      String name = env.containsKey("USER") ? null : System.getProperty("user.name");
      if (name != null) {
        dev.hsu.cache.Consulted.notCacheable("USER is unset");
      }
      return dev.hsu.profile.HostFacts.fromEnvironment(env, ids.uid(), ids.gid(), name);
    } catch (IllegalArgumentException e) {
      throw new HsuException(HsuException.Kind.FAILURE, e.getMessage(), e);
    }
  }

  /** Directories searched for bare `extends` names. */
  List<Path> baseDirs() {
    return layout.baseProfiles() == null ? List.of() : List.of(layout.baseProfiles());
  }

  /**
   * The environment a compile reads: the host's, with {@code HSU_PULSE_FILTER} and {@code
   * HSU_PORTAL} naming the programs beside hsu-init (built in the checkout, or installed) unless
   * the host set them.
   */
  Map<String, String> compileEnv() {
    Map<String, String> out = env;
    out = withDefault(out, dev.hsu.compile.PulseFilter.PROGRAM_VAR, layout.pulseFilter());
    return withDefault(out, dev.hsu.compile.Portals.PROGRAM_VAR, layout.portal());
  }

  private static Map<String, String> withDefault(Map<String, String> env, String name, Path p) {
    if (env.containsKey(name) || p == null) {
      return env;
    }
    if (env instanceof dev.hsu.cache.RecordingEnv r) {
      return r.with(name, p.toString());
    }
    Map<String, String> out = new java.util.HashMap<>(env);
    out.put(name, p.toString());
    return Map.copyOf(out);
  }

  /** hsu-init: $HSU_INIT, else the one of hsu's layout (built in the checkout, or installed). */
  String initPath() throws HsuException {
    String explicit = env.get("HSU_INIT");
    if (explicit != null && !explicit.isEmpty()) {
      return explicit;
    }
    if (layout.init() == null) {
      throw new HsuException(
          HsuException.Kind.FAILURE,
          "cannot find hsu-init: set HSU_INIT, or run hsu through its launcher script");
    }
    return layout.init().toString();
  }
}
