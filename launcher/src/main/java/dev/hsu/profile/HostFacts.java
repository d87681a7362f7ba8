package dev.hsu.profile;

import dev.hsu.base.AbsPath;
import dev.hsu.base.RuntimeDir;
import java.nio.file.Path;
import java.util.Map;

/** Builds the {@link Profile.Host} facts that variables expand to from the caller's environment. */
public final class HostFacts {
  private HostFacts() {}

  /**
   * Reads HOME (required, absolute), XDG_RUNTIME_DIR (hsu's rule: {@link RuntimeDir}) and
   * XDG_DATA_HOME (default $HOME/.local/share) from {@code env}; relative or empty XDG values are
   * ignored, as the XDG spec says. {@code userName} falls back to $USER, then to the uid.
   *
   * @throws IllegalArgumentException with a user-facing sentence when HOME is unusable
   */
  public static Profile.Host fromEnvironment(
      Map<String, String> env, int uid, int gid, String userName) {
    String home = env.get("HOME");
    if (home == null || home.isEmpty()) {
      throw new IllegalArgumentException("HOME is not set");
    }
    if (!home.startsWith("/") || home.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "HOME is not an absolute path: \"" + Text.escape(home) + "\"");
    }
    AbsPath homePath = AbsPath.normalize(home);
    String user = userName;
    if (user == null || user.isEmpty()) {
      user = env.get("USER");
    }
    if (user == null || user.isEmpty()) {
      user = Integer.toString(uid);
    }
    AbsPath runtime = RuntimeDir.of(env, uid);
    if (absoluteOr(env.get("XDG_RUNTIME_DIR"), null) == null) {
      // Without $XDG_RUNTIME_DIR, the plan depends on whether the session's directory exists.
      dev.hsu.cache.Consulted.kind(Path.of("/run/user/" + uid));
    }
    AbsPath data = absoluteOr(env.get("XDG_DATA_HOME"), homePath.resolve(".local/share"));
    AbsPath config = absoluteOr(env.get("XDG_CONFIG_HOME"), homePath.resolve(".config"));
    return new Profile.Host(
        user,
        uid,
        gid,
        homePath,
        runtime,
        data,
        Profile.Guarded.defaults(config, runtime, data, env));
  }

  private static AbsPath absoluteOr(String value, AbsPath fallback) {
    if (value == null || !value.startsWith("/") || value.indexOf('\0') >= 0) {
      return fallback;
    }
    return AbsPath.normalize(value);
  }
}
