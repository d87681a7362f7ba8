package dev.hsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * hsu doctor on this very host, in-process with the checkout's layout: it runs, prints a line a
 * check, and exits 0 or says which check failed and the fix. (Each decision is tested on fake facts
 * in dev.hsu.doctor.DoctorTest.)
 */
final class DoctorCommandTest {
  String out;
  String err;

  int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    Context sys = Context.system();
    Context ctx =
        new Context(
            sys.env(),
            Layout.checkout(
                java.nio.file.Path.of(System.getProperty("hsu.home", ".."))
                    .toAbsolutePath()
                    .normalize()),
            sys.ids(),
            sys.loading(),
            sys.launchHost());
    int code =
        Main.run(
            args,
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            ctx);
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  @Test
  void runsOnThisHostAndPassesOrSaysWhy() {
    int code = run("doctor");
    List<String> lines = out.lines().toList();
    assertEquals("", err);
    assertEquals(15, lines.size(), out);
    for (String line : lines.subList(0, 14)) {
      assertTrue(line.matches("(ok  |warn|fail)  \\S.*"), line);
      assertTrue(
          line.startsWith("ok") || line.contains(" Fix: "), "a problem without a fix: " + line);
    }
    boolean failed = lines.stream().anyMatch(l -> l.startsWith("fail"));
    assertEquals(failed ? 1 : 0, code, out);
    assertTrue(
        lines.get(14).startsWith(failed ? "hsu cannot run sandboxes here" : "hsu can run"), out);
    // A build of this checkout has its runtime: the test sandbox names it, or why it failed.
    assertTrue(
        lines.get(0).contains("init-c/build/hsu-init") || lines.get(0).startsWith("fail"), out);
  }

  @Test
  void jsonHasTheSameChecks() {
    int code = run("doctor", "--json");
    assertTrue(
        out.startsWith("{\"ok\": " + (code == 0) + ", \"checks\": [{\"name\": \"sandbox\""), out);
    assertEquals(1, out.lines().count(), out);
  }

  @Test
  void hsuInitsLastLineWithoutItsPointerHere() {
    assertEquals(
        "cannot create the sandbox namespaces: No space left on device",
        DoctorCommand.lastLine(
            "hsu-init: cannot create the sandbox namespaces: No space left on device"
                + " (user namespaces are blocked on this host; 'hsu doctor' names the cause and the fix)\n",
            125));
    assertEquals(
        "Landlock ABI 6 is needed for x, the kernel has 5",
        DoctorCommand.lastLine(
            "warning: a\nhsu-init: Landlock ABI 6 is needed for x, the kernel has 5"
                + " (see 'hsu doctor')\n",
            125));
    assertEquals("hsu-init exited with status 125", DoctorCommand.lastLine("\n", 125));
  }

  @Test
  void theTestProfilesAreTheDefaultsWithNothingOnDisk() {
    assertTrue(DoctorCommand.probeProfile(false).contains("home: ephemeral\n"));
    assertTrue(DoctorCommand.probeProfile(true).endsWith("filesystem:\n  - overlay: /usr/share\n"));
  }
}
