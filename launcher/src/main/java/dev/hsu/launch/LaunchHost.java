package dev.hsu.launch;

import dev.hsu.base.AbsPath;
import dev.hsu.base.RuntimeDir;
import dev.hsu.sys.Sys;
import dev.hsu.sys.SysException;
import dev.hsu.systemd.ScopeException;
import dev.hsu.systemd.Scopes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a launch reads from or does to the host besides compiling: the one seam CLI tests fake
 * (no method has a default, so a fake never falls through to the real host).
 */
public interface LaunchHost {
  /** What is at a host path, following symlinks as a mount source would. */
  enum Kind {
    MISSING,
    FILE,
    DIRECTORY,
    SOCKET,
    OTHER
  }

  Kind kind(AbsPath path);

  boolean isExecutable(AbsPath path);

  /**
   * The value of the sysctl {@code name} (as under /proc/sys, with '/'), or null when unreadable.
   */
  String sysctl(String name);

  /** Makes hsu's runtime directory when it is the fallback, and checks it ({@link RuntimeDir}). */
  void prepareRuntimeDir(AbsPath runtimeDir, int uid) throws LaunchException;

  /** Removes the caller's stale instance directories below {@code runtimeDir}; quiet. */
  void removeStaleInstances(AbsPath runtimeDir, int uid);

  /** Creates {@code dir} below {@code trusted} without following symlinks below it. */
  void ensureDir(AbsPath trusted, AbsPath dir) throws SysException;

  /** Creates the empty file {@code file} below {@code trusted}, following no symlink below. */
  void ensureFile(AbsPath trusted, AbsPath file) throws SysException;

  /** Asks the user's systemd to put this process in a scope ({@link Scopes#start}). */
  Scopes.Outcome startScope(Map<String, String> env, Scopes.Request request) throws ScopeException;

  /**
   * From now on this process (and hsu-init after the execve) is killed when the process that ran
   * {@code hsu launch} ends; throws when that process is already gone.
   */
  void dieWithParent() throws LaunchException, SysException;

  /** Puts {@code plan} in an inherited memfd and execve()s hsu-init; returns only by throwing. */
  void exec(String init, byte[] plan, List<String> env) throws SysException;

  /** The real host. */
  static LaunchHost system() {
    final int S_IFMT = 0170000;
    final int S_IFSOCK = 0140000;
    final int S_IFREG = 0100000;
    final int S_IFDIR = 0040000;
    // The launcher script's $PPID is the earliest record of who ran hsu launch; without the
    // script, the parent when the JVM got here.
    final long parentAtStart = startingParent(System.getProperty("hsu.parent"));
    return new LaunchHost() {
      @Override
      public Kind kind(AbsPath path) {
        try {
          int type = (Integer) Files.getAttribute(Path.of(path.value()), "unix:mode") & S_IFMT;
          return switch (type) {
            case S_IFREG -> Kind.FILE;
            case S_IFDIR -> Kind.DIRECTORY;
            case S_IFSOCK -> Kind.SOCKET;
            default -> Kind.OTHER;
          };
        } catch (IOException | UnsupportedOperationException e) {
          return Files.exists(Path.of(path.value()), LinkOption.NOFOLLOW_LINKS)
              ? Kind.OTHER
              : Kind.MISSING;
        }
      }

      @Override
      public boolean isExecutable(AbsPath path) {
        return Files.isExecutable(Path.of(path.value()));
      }

      @Override
      public String sysctl(String name) {
        try {
          return Files.readString(Path.of("/proc/sys", name)).trim();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }

      @Override
      public void prepareRuntimeDir(AbsPath runtimeDir, int uid) throws LaunchException {
        try {
          RuntimeDir.check(runtimeDir, uid, true);
        } catch (IOException e) {
          throw new LaunchException(e.getMessage(), e);
        }
      }

      @Override
      public void removeStaleInstances(AbsPath runtimeDir, int uid) {
        StaleInstances.removeStale(runtimeDir, uid);
      }

      @Override
      public void ensureDir(AbsPath trusted, AbsPath dir) throws SysException {
        Sys.ensureDirBeneath(trusted.value(), dir.value());
      }

      @Override
      public void ensureFile(AbsPath trusted, AbsPath file) throws SysException {
        Sys.ensureFileBeneath(trusted.value(), file.value());
      }

      @Override
      public Scopes.Outcome startScope(Map<String, String> env, Scopes.Request request)
          throws ScopeException {
        return Scopes.start(env, request, Scopes.TIMEOUT);
      }

      @Override
      public void dieWithParent() throws LaunchException, SysException {
        Sys.killWhenParentDies();
        // A parent that died before the prctl has left us reparented: no signal will come.
        int now = Sys.getppid();
        if (now != parentAtStart) {
          throw new LaunchException(
              "the process that ran hsu launch (pid "
                  + parentAtStart
                  + ") is gone, so the sandbox does not start (die-with-parent)");
        }
      }

      @Override
      public void exec(String init, byte[] plan, List<String> env) throws SysException {
        int fd = Sys.memfdWithData("hsu-plan", plan);
        Sys.execve(init, List.of(init, "--plan-fd", Integer.toString(fd)), env);
      }
    };
  }

  /** The pid the launcher script recorded (its $PPID), else this process's parent now. */
  static long startingParent(String recorded) {
    if (recorded != null && recorded.matches("[1-9][0-9]{0,9}")) {
      return Long.parseLong(recorded);
    }
    return Sys.getppid();
  }
}
