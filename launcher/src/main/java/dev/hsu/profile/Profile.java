package dev.hsu.profile;

import dev.hsu.plan.AbsPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
    Host host) {

  public Profile {
    command = List.copyOf(command);
    devices = List.copyOf(devices);
    filesystem = List.copyOf(filesystem);
    daemons = List.copyOf(daemons);
  }

  /** The caller's facts that variables expand to; read once from the host environment. */
  public record Host(
      String user, int uid, int gid, AbsPath home, AbsPath xdgRuntimeDir, AbsPath xdgDataHome) {}

  /**
   * Environment inside: explicit values, and host variables passed through by name. {@code set}
   * already holds HOME, USER, LOGNAME, PATH, XDG_RUNTIME_DIR and SHELL unless the profile overrode
   * them.
   */
  public record Env(Map<String, String> set, List<String> pass) {
    public Env {
      set = Map.copyOf(set);
      pass = List.copyOf(pass);
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
}
