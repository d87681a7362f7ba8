package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code die-with-parent} (the profile key and {@code hsu launch --die-with-parent}): a script runs
 * hsu launch and is killed with SIGKILL. The sandbox here has an instance directory and an
 * xdg-dbus-proxy, so "nothing left behind" covers them too.
 */
class DieWithParentTest extends SandboxTestBase {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** How long the whole sandbox may take to go after its parent died. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  /** Runs hsu as its child and waits for it, like a build script or an IDE would. */
  private static final String SCRIPT = "\"$@\" &\nwait";

  DbusTest.Bus session;

  @BeforeEach
  void bus() throws Exception {
    DbusTest.need(DbusTest.installed("dbus-daemon"), "dbus-daemon is not installed");
    DbusTest.need(DbusTest.installed("xdg-dbus-proxy"), "xdg-dbus-proxy is not installed");
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    session = new DbusTest.Bus(sb.root.resolve("bus"));
    sb.extraEnv.put("DBUS_SESSION_BUS_ADDRESS", session.address());
    sb.parentScript = SCRIPT;
  }

  @AfterEach
  void stopBus() {
    if (session != null) session.close();
  }

  /** Starts the sandbox under the script; returns it once the app runs. */
  private Running start(boolean key, boolean option, String marker) {
    Sandbox.Profile p = sb.profile().yaml("dbus:\n  session: true").probe("sleep", "60", marker);
    if (key) p.yaml("die-with-parent: true");
    Path file = p.write();
    List<String> args =
        option
            ? List.of("launch", "--die-with-parent", file.toString())
            : List.of("launch", file.toString());
    Running run = sb.start(args);
    run.awaitLine(l -> l.startsWith("sleeping"), WAIT);
    return run;
  }

  @ParameterizedTest
  @ValueSource(strings = {"profile key", "launch option"})
  void killingTheScriptEndsTheWholeSandboxAndLeavesNothingBehind(String how) throws Exception {
    String mounts = HostProcs.mountinfo();
    String marker = ProcessModelTest.marker();
    boolean key = how.equals("profile key");
    try (Running run = start(key, !key, marker)) {
      long app = ProcessModelTest.onlyPid(marker, run);
      List<Long> sandbox = run.process().descendants().map(ProcessHandle::pid).toList();
      assertTrue(sandbox.contains(app), "the app is not below the script: " + sandbox);
      assertEquals(1, sb.leftoverInstances().size(), "the running sandbox has no instance dir");
      assertTrue(
          sandbox.stream().anyMatch(p -> HostProcs.comm(p).orElse("").startsWith("xdg-dbus-pr")),
          "no xdg-dbus-proxy among " + sandbox);

      run.process().destroyForcibly(); // SIGKILL to the script
      assertTrue(run.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (sandbox.stream().anyMatch(HostProcs::alive) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<Long> alive = sandbox.stream().filter(HostProcs::alive).toList();
      assertEquals(List.of(), alive, "still running " + BOUND + " after the script died");
      assertEquals(List.of(), sb.leftoverInstances(), "instance directory left behind");
      assertEquals(mounts, HostProcs.mountinfo(), "the host mount table changed");
    }
  }

  @Test
  void withoutItTheSandboxOutlivesTheScript() throws Exception {
    String marker = ProcessModelTest.marker();
    try (Running run = start(false, false, marker)) {
      long app = ProcessModelTest.onlyPid(marker, run);
      long init = run.process().children().findFirst().orElseThrow().pid();
      run.process().destroyForcibly();
      assertTrue(run.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
      Thread.sleep(BOUND.toMillis());
      try {
        assertTrue(HostProcs.alive(app), "the app ended with the script");
        assertEquals(1, sb.leftoverInstances().size());
      } finally {
        // End it the ordinary way: SIGTERM to its hsu-init, which cleans up.
        ProcessModelTest.signal("TERM", init);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (HostProcs.alive(app) && System.nanoTime() < deadline) Thread.sleep(20);
      }
      assertFalse(HostProcs.alive(app));
    }
  }

  @Test
  void aScriptThatDiesWhileHsuStartsLeavesNoSandbox() throws Exception {
    // The script is gone long before hsu launch gets to set its parent-death signal (the JVM
    // alone takes longer to start): the launch must notice, not start an orphaned sandbox.
    sb.parentScript = "\"$@\" &\nsleep 0.2\nkill -KILL $$";
    String marker = ProcessModelTest.marker();
    String mounts = HostProcs.mountinfo();
    Path file =
        sb.profile()
            .yaml("dbus:\n  session: true\ndie-with-parent: true")
            .probe("sleep", "60", marker)
            .write();
    try (Running run = sb.start(List.of("launch", file.toString()))) {
      run.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
      // Give an orphaned launch all the time it would need to start the app.
      long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      while (HostProcs.withArgument(marker).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<Long> orphans = HostProcs.withArgument(marker);
      orphans.forEach(pid -> ProcessModelTest.signal("KILL", pid));
      assertEquals(List.of(), orphans, "the app started without a parent");
      assertEquals(List.of(), sb.leftoverInstances(), "instance directory left behind");
      assertEquals(mounts, HostProcs.mountinfo(), "the host mount table changed");
    }
  }
}
