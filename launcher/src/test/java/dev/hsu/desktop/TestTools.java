package dev.hsu.desktop;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Host tools the desktop and systemd tests run (validators, dbus-daemon), with the sandbox tests'
 * policy: a missing tool skips the test, except under {@code HSU_REQUIRE_ALL=1} (CI), where it
 * fails.
 */
public final class TestTools {
  private TestTools() {}

  /** The tool's path on PATH (or /usr/bin, /bin), or the test stops as the policy says. */
  public static Path require(String tool, String debianPackage) {
    String path = System.getenv("PATH");
    for (String dir : ((path == null ? "" : path) + ":/usr/bin:/bin:/usr/sbin").split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, tool);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    unavailable(tool + " is not installed (Debian package " + debianPackage + ")");
    return null;
  }

  /** Stops the calling test: a failure under HSU_REQUIRE_ALL=1, else a skip. */
  public static void unavailable(String why) {
    if ("1".equals(System.getenv("HSU_REQUIRE_ALL"))) {
      fail(why + " (HSU_REQUIRE_ALL=1 makes this a failure instead of a skip)");
    }
    Assumptions.abort(why);
  }

  /** Runs a command to completion: its exit status and its stdout and stderr together. */
  public static Run run(java.util.List<String> cmd, java.util.Map<String, String> env)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + cmd);
    }
    return new Run(p.exitValue(), out);
  }

  /** What {@link #run} saw. */
  public record Run(int exit, String output) {}
}
