package dev.hsu.systemd;

import dev.hsu.profile.Profile;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Whether and how {@code hsu launch} asks the user's systemd for a transient scope. This class
 * decides from the environment alone; D-Bus (and dbus-java's classes) are touched only when a user
 * manager is there to answer, so launches without one start as fast as before.
 */
public final class Scopes {
  /** How long to wait for the manager's JobRemoved before giving up. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** A scope to start: its unit name, description, the process to move, optional limits. */
  public record Request(String unit, String description, long pid, Profile.Limits limits) {
    /** A profile with {@code limits} cannot run without its scope. */
    public boolean required() {
      return limits != null;
    }
  }

  /** The scope was started (unit set), or not, with a notice to print (null: nothing to say). */
  public record Outcome(String unit, String notice) {
    static Outcome quiet() {
      return new Outcome(null, null);
    }
  }

  private Scopes() {}

  /** The request for profile {@code p}, for the current process. */
  public static Request request(Profile p, long pid) {
    return new Request(unitName(p.id(), pid), p.name() + " (hsu sandbox)", pid, p.limits());
  }

  /**
   * {@code app-hsu-<id>-<pid>.scope}, the name systemd's desktop conventions give app scopes: '-'
   * in the id escaped as {@code \x2d} (as systemd-escape does), the id shortened if the name would
   * exceed 255 characters.
   */
  public static String unitName(String id, long pid) {
    String escaped = id.replace("-", "\\x2d");
    String tail = "-" + pid + ".scope";
    int room = 255 - "app-hsu-".length() - tail.length();
    if (escaped.length() > room) {
      escaped = escaped.substring(0, room);
      int cut = escaped.lastIndexOf('\\');
      if (cut >= 0 && cut > room - 4) {
        escaped = escaped.substring(0, cut);
      }
    }
    return "app-hsu-" + escaped + tail;
  }

  /**
   * The session bus address: {@code DBUS_SESSION_BUS_ADDRESS}, else the systemd default socket
   * {@code $XDG_RUNTIME_DIR/bus} when it exists; null when there is no session bus.
   */
  public static String busAddress(Map<String, String> env) {
    String given = env.get("DBUS_SESSION_BUS_ADDRESS");
    if (given != null && !given.isBlank()) {
      return reachable(given) ? given : null;
    }
    Path runtime = runtimeDir(env);
    if (runtime != null && Files.exists(runtime.resolve("bus"))) {
      return "unix:path=" + runtime.resolve("bus");
    }
    return null;
  }

  /** False only when every address is a unix socket path that does not exist. */
  static boolean reachable(String addresses) {
    for (String a : addresses.split(";")) {
      if (!a.startsWith("unix:")) {
        return true;
      }
      String path = null;
      boolean other = false;
      for (String kv : a.substring(5).split(",")) {
        if (kv.startsWith("path=")) {
          path = URLDecoder.decode(kv.substring(5).replace("+", "%2B"), StandardCharsets.UTF_8);
        } else if (kv.startsWith("abstract=")
            || kv.startsWith("runtime=")
            || kv.startsWith("dir=")
            || kv.startsWith("tmpdir=")) {
          other = true;
        }
      }
      try {
        if (other || (path != null && Files.exists(Path.of(path)))) {
          return true;
        }
      } catch (InvalidPathException e) {
        // An unusable address: try the next.
      }
    }
    return false;
  }

  private static Path runtimeDir(Map<String, String> env) {
    String r = env.get("XDG_RUNTIME_DIR");
    try {
      return r != null && r.startsWith("/") ? Path.of(r) : null;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /**
   * Starts the scope when a user manager is there. Without a session bus it stays quiet; with a bus
   * but no manager it returns a notice; when the profile has limits both are errors.
   */
  public static Outcome start(Map<String, String> env, Request r, Duration timeout)
      throws ScopeException {
    String address = busAddress(env);
    if (address == null) {
      if (r.required()) {
        throw new ScopeException(
            "the profile sets 'limits', which needs the systemd user manager, but there is no"
                + " session bus (DBUS_SESSION_BUS_ADDRESS is unset or names a missing socket, and"
                + " $XDG_RUNTIME_DIR/bus does not exist)");
      }
      return Outcome.quiet();
    }
    Path runtime = runtimeDir(env);
    boolean manager = runtime != null && Files.exists(runtime.resolve("systemd/private"));
    if (!manager && !r.required()) {
      // systemd --user always has this socket; without it, asking over D-Bus would only cost time.
      return new Outcome(
          null,
          "no systemd user manager (no $XDG_RUNTIME_DIR/systemd/private);"
              + " the sandbox runs without its own scope");
    }
    try {
      dev.hsu.systemd.dbus.DbusScopes.start(address, r, timeout);
      return new Outcome(r.unit(), null);
    } catch (ScopeException e) {
      if (r.required()) {
        throw new ScopeException(
            "the profile sets 'limits', which needs its own systemd scope: " + e.getMessage(), e);
      }
      return new Outcome(null, e.getMessage() + "; the sandbox runs without its own scope");
    }
  }
}
