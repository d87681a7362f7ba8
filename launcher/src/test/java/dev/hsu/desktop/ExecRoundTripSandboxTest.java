package dev.hsu.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end, as a menu would do it: {@code ./hsu desktop install} writes the entry, the entry
 * validates, its Exec line is read per the spec with a nasty file name substituted for %f, that
 * argv runs for real (no shell), and the probe inside the sandbox receives exactly that argument.
 * Runs after {@code package} (it needs ./hsu, hsu-init and the probe), as a normal user.
 */
final class ExecRoundTripSandboxTest {
  Path root;
  Path repo;

  @BeforeEach
  void setUp() throws IOException {
    String home = System.getProperty("hsu.home");
    if (home == null) {
      TestTools.unavailable("the system property hsu.home is not set");
    }
    repo = Path.of(home).toAbsolutePath().normalize();
    if (((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0) {
      TestTools.unavailable(
          "sandbox tests must run as a normal user, not root (e.g. runuser -u someone -- ./dev test)");
    }
    for (String p :
        List.of(
            "hsu", "launcher/target/hsu.jar", "init-c/build/hsu-init", "init-c/build/hsu-probe")) {
      if (!Files.exists(repo.resolve(p))) {
        TestTools.unavailable(repo.resolve(p) + " is not built (mvn package)");
      }
    }
    root = Files.createTempDirectory("hsu-desktop-").toRealPath();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (root != null) {
      try (Stream<Path> s = Files.walk(root)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path != null ? path : "/usr/local/bin:/usr/bin:/bin");
    for (String keep : List.of("JAVA_HOME", "HSU_JAVA", "LANG")) {
      if (System.getenv(keep) != null) {
        env.put(keep, System.getenv(keep));
      }
    }
    env.put("HOME", root.resolve("home").toString());
    env.put("USER", System.getProperty("user.name"));
    env.put("XDG_DATA_HOME", root.resolve("home/.local/share").toString());
    env.put("XDG_CONFIG_HOME", root.resolve("home/.config").toString());
    env.put("XDG_DATA_DIRS", root.resolve("share").toString());
    env.put("XDG_RUNTIME_DIR", root.resolve("run").toString());
    return env;
  }

  TestTools.Run run(List<String> argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(root.toFile());
    pb.environment().clear();
    pb.environment().putAll(env());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path stderr = root.resolve("stderr");
    pb.redirectError(stderr.toFile());
    Process p = pb.start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + argv);
    }
    String err = Files.readString(stderr);
    return new TestTools.Run(p.exitValue(), out + (err.isEmpty() ? "" : "stderr:\n" + err));
  }

  @Test
  void theAppReceivesExactlyTheFileTheMenuPassed() throws Exception {
    Path validate = TestTools.require("desktop-file-validate", "desktop-file-utils");
    Files.createDirectories(root.resolve("home"));
    Files.setPosixFilePermissions(
        root.resolve("home"), PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(root.resolve("run"));
    Files.setPosixFilePermissions(
        root.resolve("run"), PosixFilePermissions.fromString("rwx------"));
    Path apps = Files.createDirectories(root.resolve("share/applications"));
    Files.writeString(
        apps.resolve("probe-app.desktop"),
        "[Desktop Entry]\nType=Application\nName=Probe\nExec=probe-app %f\nTryExec=probe-app\n"
            + "MimeType=text/plain;\n");
    // The profile itself sits at a path that needs quoting in both Exec and ExecStart.
    Path dir = Files.createDirectories(root.resolve("my \"profiles\" $HOME 100%"));
    Path profile =
        Files.writeString(
            dir.resolve("probe app.yaml"),
            "id: dev.hsu.test.ProbeApp\nname: Probe\n"
                + "command: [/run/probe, argv]\n"
                + "desktop: probe-app.desktop\n"
                + "filesystem:\n  - {bind: \""
                + repo.resolve("init-c/build/hsu-probe")
                + "\", to: /run/probe}\n");

    TestTools.Run install =
        run(List.of(repo.resolve("hsu").toString(), "desktop", "install", profile.toString()));
    assertEquals(0, install.exit(), install.output());
    Path entry = root.resolve("home/.local/share/applications/hsu.dev.hsu.test.ProbeApp.desktop");
    TestTools.Run valid = TestTools.run(List.of(validate.toString(), entry.toString()), null);
    assertEquals(0, valid.exit(), valid.output());
    assertEquals("", valid.output().strip());

    String exec = SpecExec.values(Files.readString(entry), "Exec").get(0);
    List<String> names =
        List.of(
            root.resolve("-odd \"name\" 'q' $HOME \\ `x` %f 100%.txt").toString(), "-n", "--help");
    for (String file : names) {
      List<String> argv = SpecExec.argv(exec, List.of(file));
      assertEquals(repo.resolve("hsu").toString(), argv.get(0));
      assertEquals(file, argv.get(argv.size() - 1));
      TestTools.Run r = run(new ArrayList<>(argv));
      assertEquals(0, r.exit(), r.output());
      int len = file.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      assertEquals("argc=1\n" + len + ":" + file + "\n", r.output(), () -> "argv " + argv);
    }
    assertTrue(true);
  }
}
