package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this host can run real sandboxes, and the one policy for when it cannot: a root user is a
 * failure; missing builds or user namespaces skip the tests, except under {@code HSU_REQUIRE_ALL=1}
 * (CI) where they fail.
 */
final class HostSupport {
  private static final String REQUIRE_ALL_VAR = "HSU_REQUIRE_ALL";

  private static Checked checked;

  private HostSupport() {}

  /** The checked-out tree and the built pieces the sandbox tests use. */
  record Tree(Path repo, Path hsu, Path hsuInit, Path probe, int uid, int gid) {}

  private record Checked(Tree tree, String rootProblem, List<String> missing) {}

  /** Returns the tree, or fails / aborts the calling test according to the policy. */
  static synchronized Tree require() {
    if (checked == null) checked = check();
    if (checked.rootProblem != null) fail(checked.rootProblem);
    if (!checked.missing.isEmpty()) {
      String why =
          "sandbox tests cannot run on this host: " + String.join("; ", checked.missing) + ".";
      if ("1".equals(System.getenv(REQUIRE_ALL_VAR))) {
        fail(why + " (" + REQUIRE_ALL_VAR + "=1 makes this a failure instead of a skip)");
      }
      Assumptions.abort(why);
    }
    return checked.tree;
  }

  private static Checked check() {
    int uid = unixId("unix:uid");
    int gid = unixId("unix:gid");
    if (uid == 0) {
      return new Checked(
          null,
          "the sandbox tests must run as a normal user, not root (user namespaces behave"
              + " differently for root); run them as an unprivileged user, e.g. `runuser -u"
              + " someone -- ./dev test`, as CI does",
          List.of());
    }
    List<String> missing = new ArrayList<>();
    String home = System.getProperty("hsu.home");
    if (home == null || home.isEmpty()) {
      missing.add("the system property hsu.home (the repository root) is not set");
      return new Checked(null, null, missing);
    }
    Path repo = Path.of(home).toAbsolutePath().normalize();
    Path hsu = repo.resolve("hsu");
    Path jar = repo.resolve("launcher/target/hsu.jar");
    Path init = repo.resolve("init-c/build/hsu-init");
    Path probe = repo.resolve("init-c/build/hsu-probe");
    if (!Files.isExecutable(hsu)) missing.add(hsu + " is missing or not executable");
    if (!Files.isRegularFile(jar)) missing.add(jar + " is not built (mvn package)");
    if (!Files.isExecutable(init)) missing.add(init + " is not built (make -C init-c all)");
    if (!Files.isExecutable(probe)) missing.add(probe + " is not built (make -C init-c all)");
    for (String tool : List.of("kernel-features", "bpf-eval")) {
      Path p = repo.resolve("init-c/build").resolve(tool);
      if (!Files.isExecutable(p)) missing.add(p + " is not built (make -C init-c all)");
    }
    String userns = userNamespaceProblem();
    if (userns != null) missing.add(userns);
    return new Checked(new Tree(repo, hsu, init, probe, uid, gid), null, missing);
  }

  private static int unixId(String attribute) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), attribute);
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot read " + attribute + " of /proc/self", e);
    }
  }

  private static String userNamespaceProblem() {
    if (readTrimmed("/proc/sys/user/max_user_namespaces").equals("0")) {
      return "user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0)";
    }
    if (readTrimmed("/proc/sys/kernel/unprivileged_userns_clone").equals("0")) {
      return "unprivileged user namespaces are disabled"
          + " (/proc/sys/kernel/unprivileged_userns_clone is 0)";
    }
    if (readTrimmed("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").equals("1")) {
      return "AppArmor restricts unprivileged user namespaces"
          + " (/proc/sys/kernel/apparmor_restrict_unprivileged_userns is 1)";
    }
    // The sysctls do not tell everything (seccomp in a container, LSMs): try one for real.
    for (String unshare : List.of("/usr/bin/unshare", "/bin/unshare")) {
      if (!Files.isExecutable(Path.of(unshare))) continue;
      try {
        Process p =
            new ProcessBuilder(unshare, "--user", "--map-root-user", "--mount", "true")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "unshare --user did not finish";
        }
        if (p.exitValue() != 0) return "cannot create a user namespace: " + out;
      } catch (IOException e) {
        return "cannot run " + unshare + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
      break;
    }
    return null;
  }

  private static String readTrimmed(String path) {
    try {
      return Files.readString(Path.of(path)).trim();
    } catch (IOException e) {
      return "";
    }
  }
}
