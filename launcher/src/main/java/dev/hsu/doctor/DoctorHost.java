package dev.hsu.doctor;

import java.io.IOException;
import java.util.List;

/** What {@code hsu doctor} reads from the host: the one seam its tests fake. */
public interface DoctorHost {
  /** The outcome of running a small sandbox through hsu-init. */
  record Probe(Outcome outcome, String message) {
    public enum Outcome {
      OK,
      FAILED,
      NOT_RUN
    }

    public static Probe ok() {
      return new Probe(Outcome.OK, "");
    }

    public static Probe failed(String message) {
      return new Probe(Outcome.FAILED, message);
    }

    public static Probe notRun(String why) {
      return new Probe(Outcome.NOT_RUN, why);
    }

    /** True when hsu-init's message says the namespaces themselves could not be made. */
    boolean namespaceFailure() {
      return outcome == Outcome.FAILED
          && (message.contains("sandbox namespaces")
              || message.contains("uid_map")
              || message.contains("gid_map")
              || message.contains("setgroups"));
    }
  }

  /** The content of a small host file (a sysctl, /proc/self/status), or null when unreadable. */
  String read(String path);

  boolean isSocket(String path);

  boolean isExecutable(String path);

  /** landlock_create_ruleset's ABI version, or a negative errno. */
  int landlockAbi();

  /** The interface names the Wayland compositor at {@code socket} announces. */
  List<String> waylandGlobals(String socket) throws IOException;

  /** Runs a minimal sandbox through hsu-init (with an ephemeral overlay when asked). */
  Probe sandbox(boolean overlay);

  /**
   * What {@code front --portal-check} (hsu-launch) says of the desktop portals on the session bus
   * of {@code env}: null when they answer, else its notice.
   */
  String portalCheck(String front, java.util.Map<String, String> env);

  /** The real host; {@code sandbox} runs the test sandboxes (the CLI compiles them). */
  static DoctorHost system(java.util.function.Function<Boolean, Probe> sandbox) {
    return new DoctorHost() {
      @Override
      public String read(String path) {
        try {
          return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }

      @Override
      public boolean isSocket(String path) {
        try {
          int mode =
              (Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of(path), "unix:mode");
          return (mode & 0170000) == 0140000;
        } catch (IOException | RuntimeException e) {
          return false;
        }
      }

      @Override
      public boolean isExecutable(String path) {
        return java.nio.file.Files.isRegularFile(java.nio.file.Path.of(path))
            && java.nio.file.Files.isExecutable(java.nio.file.Path.of(path));
      }

      @Override
      public int landlockAbi() {
        return dev.hsu.sys.Sys.landlockAbi();
      }

      @Override
      public List<String> waylandGlobals(String socket) throws IOException {
        return WaylandRegistry.globals(socket, java.time.Duration.ofSeconds(2));
      }

      @Override
      public Probe sandbox(boolean overlay) {
        return sandbox.apply(overlay);
      }

      @Override
      public String portalCheck(String front, java.util.Map<String, String> env) {
        try {
          return dev.hsu.launch.PortalCheck.notice(front, env);
        } catch (IOException e) {
          return "cannot run " + front + ": " + e.getMessage();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
    };
  }
}
