package dev.hsu.it;

import static dev.hsu.it.ProcessModelTest.assertNoStackTrace;
import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** hsu's own failures: one sentence, exit 125, and nothing left behind on the host. */
class FailureTest extends SandboxTestBase {

  private Result launchFile(String name, String text) throws IOException {
    Path p = Files.writeString(sb.root.resolve(name), text);
    return sb.hsu("launch", p.toString());
  }

  private static void assertDiagnostic(Result r, String file, int line, int col) {
    assertEquals(125, r.exit(), r::describe);
    Pattern diag =
        Pattern.compile(
            "(?m)^(.*/)?" + Pattern.quote(file) + ":" + line + ":" + col + ": error: \\S");
    assertTrue(
        diag.matcher(r.stderr()).find(),
        () -> "no " + file + ":" + line + ":" + col + ": error: diagnostic\n" + r.describe());
    assertNoStackTrace(r);
  }

  @Test
  void unknownKeyIs125WithFileLineColumn() throws IOException {
    Result r =
        launchFile(
            "bad.yaml", "id: dev.hsu.it.Bad\ncommand: [/run/probe, exit, \"0\"]\nhostnme: box\n");
    assertDiagnostic(r, "bad.yaml", 3, 1);
    assertTrue(r.stderr().contains("hostnme"), r::describe);
  }

  @Test
  void wrongValueIs125WithFileLineColumn() throws IOException {
    Result r =
        launchFile("badvalue.yaml", "id: dev.hsu.it.Bad\ncommand: [/run/probe]\nnetwork: bridge\n");
    assertDiagnostic(r, "badvalue.yaml", 3, 10);
  }

  @Test
  void yamlSyntaxErrorIs125WithFileLine() throws IOException {
    Result r = launchFile("syntax.yaml", "id: dev.hsu.it.Bad\ncommand: [/run/probe\n");
    assertEquals(125, r.exit(), r::describe);
    assertTrue(
        Pattern.compile("(?m)^(.*/)?syntax\\.yaml:\\d+:\\d+: error: ").matcher(r.stderr()).find(),
        r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void missingProfileIs125() {
    Result r = sb.hsu("launch", sb.root.resolve("no-such-profile.yaml").toString());
    assertEquals(125, r.exit(), r::describe);
    assertTrue(r.stderr().contains("no-such-profile.yaml"), r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void missingBindSourceIs125NamingThePathAndLeavesNothingMounted() {
    String before = HostProcs.mountinfo();
    Path missing = sb.root.resolve("host/does-not-exist");
    Result r =
        sb.profile()
            .fs("{bind: " + q(missing) + ", to: /data}")
            .probe("write", "/run/hsu-it-ran", "x")
            .launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(r.stderr().contains(missing.toString()), r::describe);
    assertTrue(r.stdout().isEmpty(), () -> "the app ran\n" + r.describe());
    assertNoStackTrace(r);
    assertEquals(before, HostProcs.mountinfo(), "the host mount table changed");
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void optionalMissingBindIsSkipped() {
    Path missing = sb.root.resolve("host/does-not-exist");
    sb.profile()
        .fs("{bind: " + q(missing) + ", to: /data, optional: true}")
        .probe("stat", "/data")
        .launch()
        .assertErrno("ENOENT");
  }

  @Test
  void hostMountTableIsUnchangedByALaunch() throws IOException {
    String before = HostProcs.mountinfo();
    Path rw = sb.hostDir("rw");
    Path lower = sb.hostDir("lower");
    sb.profile()
        .fs("{bind: " + q(rw) + ", to: /data, writable: true}")
        .fs("{overlay: /ov, lower: [" + q(lower) + "], writes: persistent}")
        .fs("{tmpfs: /scratch}")
        .probe("mountinfo")
        .launch()
        .ok();
    assertEquals(before, HostProcs.mountinfo(), "the host mount table changed");
  }

  @Test
  void sandboxMountTableIsNotTheHosts() {
    Result r = sb.profile().probe("mountinfo").launch().ok();
    assertTrue(!r.stdout().equals(HostProcs.mountinfo()), r::describe);
    for (String line : r.lines()) {
      // Every mount inside carries nosuid (per-mount options, field 6).
      String[] f = line.split(" ");
      assertTrue(
          List.of(f[5].split(",")).contains("nosuid"), () -> "a mount without nosuid: " + line);
    }
  }

  @Test
  void bindTargetThatCannotBeCreatedIs125NamingIt() throws IOException {
    String before = HostProcs.mountinfo();
    Path dir = sb.hostDir("src");
    Result r =
        sb.profile()
            .fs("{bind: " + q(dir) + ", to: /usr/hsu-it-cannot-exist}")
            .probe("write", "/run/hsu-it-ran", "x")
            .launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(r.stdout().isEmpty(), () -> "the app ran\n" + r.describe());
    assertTrue(r.stderr().contains("/usr/hsu-it-cannot-exist"), r::describe);
    assertNoStackTrace(r);
    assertEquals(before, HostProcs.mountinfo(), "the host mount table changed");
  }
}
