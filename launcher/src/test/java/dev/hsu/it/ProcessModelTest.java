package dev.hsu.it;

import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Exit statuses, signals, arguments, and what stays running on the host. */
class ProcessModelTest extends SandboxTestBase {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 125, 126, 127, 255})
  void exitStatusPassesThrough(int status) {
    Result r = sb.profile().probe("exit", Integer.toString(status)).launch();
    assertEquals(status, r.exit(), r::describe);
  }

  @ParameterizedTest
  @CsvSource({"TERM, 143", "KILL, 137", "SEGV, 139", "ABRT, 134"})
  void signalDeathIs128PlusSignal(String signal, int expected) {
    Result r = sb.profile().probe("kill-self", signal).launch();
    assertEquals(expected, r.exit(), r::describe);
  }

  @Test
  void appKilledFromTheHostIs128PlusSignal() {
    String marker = marker();
    try (Running run = sb.profile().probe("sleep", "60", marker).start()) {
      run.awaitLine(l -> l.startsWith("sleeping"), WAIT);
      long app = onlyPid(marker, run);
      signal("KILL", app);
      Result r = run.await(WAIT);
      assertEquals(137, r.exit(), r::describe);
    }
  }

  @Test
  void commandNotFoundIs127WithASentence() {
    Result r = sb.profile().command("/run/hsu-it-no-such-program").launch();
    assertEquals(127, r.exit(), r::describe);
    assertTrue(r.stderr().contains("/run/hsu-it-no-such-program"), r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void bareCommandNotOnPathIs127() {
    Result r = sb.profile().command("hsu-it-no-such-program").launch();
    assertEquals(127, r.exit(), r::describe);
    assertTrue(r.stderr().contains("hsu-it-no-such-program"), r::describe);
    assertNoStackTrace(r);
  }

  @Test
  void commandNotExecutableIs126() throws IOException {
    Path script = sb.hostDir("bin").resolve("not-exec");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    Result r =
        sb.profile()
            .fs("{bind: " + q(script) + ", to: /run/not-exec}")
            .command("/run/not-exec")
            .launch();
    assertEquals(126, r.exit(), r::describe);
    assertTrue(r.stderr().contains("/run/not-exec"), r::describe);
    assertNoStackTrace(r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT", "HUP", "QUIT"})
  void signalToTheLaunchReachesTheApp(String signal) {
    try (Running run = sb.profile().probe("wait-signal", "30").start()) {
      run.awaitLine(l -> l.startsWith("ready"), WAIT);
      signal(signal, run.pid());
      Result r = run.await(WAIT);
      assertEquals(List.of("SIG" + signal), r.lines().subList(1, r.lines().size()), r::describe);
      assertEquals(0, r.exit(), r::describe);
    }
  }

  @Test
  void killingTheInitKillsTheApp() throws InterruptedException {
    String mounts = HostProcs.mountinfo();
    String marker = marker();
    try (Running run = sb.profile().probe("sleep", "60", marker).start()) {
      run.awaitLine(l -> l.startsWith("sleeping"), WAIT);
      long app = onlyPid(marker, run);
      run.process().destroyForcibly();
      assertTrue(run.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (HostProcs.alive(app) && System.nanoTime() < deadline) Thread.sleep(20);
      assertFalse(
          HostProcs.alive(app),
          "the app (pid " + app + ") survived SIGKILL of its hsu-init (" + run.pid() + ")");
      assertEquals(mounts, HostProcs.mountinfo(), "the host mount table changed");
      // The next launch works and cleans whatever record the killed one left.
      sb.profile().probe("exit", "0").launch().ok();
      assertEquals(List.of(), sb.leftoverInstances(), "stale instance records");
    }
  }

  @Test
  void noJvmStaysResident() {
    String marker = marker();
    try (Running run = sb.profile().probe("sleep", "60", marker).start()) {
      run.awaitLine(l -> l.startsWith("sleeping"), WAIT);
      long launch = run.pid();
      String comm = HostProcs.comm(launch).orElse("?");
      String exe = HostProcs.exe(launch).orElse("(unreadable)");
      assertEquals("hsu-init", comm, "the hsu launch process is " + comm + " (exe " + exe + ")");
      assertFalse(exe.endsWith("/java"), "the hsu launch process runs " + exe);
      ProcessHandle.of(launch)
          .orElseThrow()
          .descendants()
          .forEach(
              d -> {
                String c = HostProcs.comm(d.pid()).orElse("");
                String e = HostProcs.exe(d.pid()).orElse("");
                List<String> argv = HostProcs.argv(d.pid());
                String argv0 = argv.isEmpty() ? "" : argv.get(0);
                if (c.equals("java") || e.endsWith("/java") || argv0.endsWith("java")) {
                  fail("a JVM stays resident under hsu launch: pid " + d.pid() + " " + argv);
                }
              });
    }
  }

  @Test
  void argumentsAfterDoubleDashArriveVerbatim() {
    List<String> args =
        List.of(
            "plain",
            "with space",
            "",
            "-x",
            "--help",
            "--",
            "'single' \"double\"",
            "line1\nline2",
            "tab\there",
            "$HOME",
            "${HOME}",
            "$$",
            "*",
            ";rm -rf / #",
            "ünïcødé");
    Result r = sb.profile().probe("argv", "fixed arg").launch(args.toArray(String[]::new));
    List<String> expected = new java.util.ArrayList<>();
    expected.add("fixed arg");
    expected.addAll(args);
    assertEquals(expected, r.probeArgs(), r::describe);
  }

  @Test
  void appArgumentsMayThemselvesStartWithDoubleDash() {
    Result r = sb.profile().probe("argv").launch("--", "--", "-h");
    assertEquals(List.of("--", "--", "-h"), r.probeArgs(), r::describe);
  }

  @Test
  void lingeringProcessesDieAfterTheWaitDelay() throws InterruptedException {
    String marker = marker();
    Result r = sb.profile().yaml("wait-delay: 200ms").probe("spawn", "60", marker).launch();
    assertEquals(0, r.exit(), r::describe);
    assertTrue(r.line().startsWith("spawned"), r::describe);
    assertNoneAlive(marker, "a process the app left behind outlived its sandbox");
  }

  @Test
  void appStderrAndStatusPassThrough() {
    Result r = sb.profile().probe("no-such-probe-command").launch();
    assertEquals(2, r.exit(), r::describe);
    assertTrue(r.stderr().contains("unknown command"), r::describe);
  }

  @Test
  void stdinReachesTheApp() throws IOException {
    Path input = Files.writeString(sb.root.resolve("input.txt"), "from stdin\n");
    Result r = sb.profile().probe("stdin").launchWithStdin(input);
    assertEquals("from stdin\n", r.ok().stdout());
  }

  @Test
  void daemonRunsBeforeTheApp() {
    Result r =
        sb.profile()
            .yaml(
                """
                daemons:
                  - program: /run/probe
                    args: [write, /tmp/daemon-ready, up]
                    ready-path: /tmp/daemon-ready
                    timeout: 5s
                """)
            .probe("read", "/tmp/daemon-ready")
            .launch();
    // The daemon shares the app's stdout and prints its own "OK", in either order.
    assertEquals(List.of("OK", "up"), r.ok().lines().stream().sorted().toList(), r::describe);
  }

  @Test
  void daemonThatNeverGetsReadyIs125() throws InterruptedException {
    String marker = marker();
    Path out = sb.hostDir("out");
    Result r =
        sb.profile()
            .yaml(
                "daemons:\n"
                    + "  - program: /run/probe\n"
                    + "    args: [sleep, \"60\", "
                    + q(marker)
                    + "]\n"
                    + "    ready-path: /tmp/never-ready\n"
                    + "    timeout: 300ms\n")
            .fs("{bind: " + q(out) + ", to: /out, writable: true}")
            .probe("write", "/out/app-ran", "x")
            .launch();
    assertEquals(125, r.exit(), r::describe);
    assertFalse(Files.exists(out.resolve("app-ran")), () -> "the app ran\n" + r.describe());
    assertTrue(r.stderr().contains("/tmp/never-ready"), r::describe);
    assertNoStackTrace(r);
    assertNoneAlive(marker, "the daemon outlived its failed sandbox");
  }

  @Test
  void bareCommandIsLookedUpOnTheSandboxPath() {
    Result r =
        sb.profile()
            .yaml("env: {set: {PATH: /run/bin}}")
            .fs("{bind: " + q(tree.probe()) + ", to: /run/bin/hsu-probe}")
            .command("hsu-probe", "argv", "found")
            .launch();
    assertEquals(List.of("found"), r.probeArgs(), r::describe);
  }

  @Test
  void onlyTheStandardStreamsReachTheApp() {
    // A caller (and the JVM) may leave descriptors open; hsu-init closes all but 0, 1 and 2.
    sb.shellPrefix = "exec 7</dev/null 9>/dev/null";
    Result r = sb.profile().probe("fds").launch().ok();
    List<String> fds =
        Stream.of(r.line().split(" ")).map(s -> s.substring(0, s.indexOf(':'))).toList();
    assertEquals(List.of("0", "1", "2"), fds, r::describe);
  }

  @Test
  void signalMaskAndDispositionsAreReset() {
    // Ignored dispositions survive execve: a caller that ignores signals must not pass that on.
    sb.shellPrefix = "trap '' HUP INT QUIT PIPE USR1";
    Result r = sb.profile().probe("signals").launch();
    Map<String, String> f = r.fields();
    assertEquals("0000000000000000", f.get("SigBlk"), r::describe);
    assertEquals("0000000000000000", f.get("SigIgn"), r::describe);
  }

  @Test
  void signalIgnoredByTheCallerStillReachesTheApp() {
    sb.shellPrefix = "trap '' TERM";
    try (Running run = sb.profile().probe("wait-signal", "30").start()) {
      run.awaitLine(l -> l.startsWith("ready"), WAIT);
      signal("TERM", run.pid());
      Result r = run.await(WAIT);
      assertEquals(List.of("SIGTERM"), r.lines().subList(1, r.lines().size()), r::describe);
    }
  }

  @Test
  void instanceRecordsAreRemovedAfterExit() {
    sb.profile().probe("exit", "0").launch().ok();
    sb.profile().probe("exit", "3").launch();
    assertEquals(List.of(), sb.leftoverInstances());
  }

  /** Fails when a process tagged {@code marker} is still alive (allowing it time to be reaped). */
  static void assertNoneAlive(String marker, String message) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Long> alive;
    do {
      alive = HostProcs.withArgument(marker).stream().filter(HostProcs::alive).toList();
      if (alive.isEmpty()) return;
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    fail(message + ": " + alive);
  }

  static void assertNoStackTrace(Result r) {
    assertFalse(r.stderr().contains("\tat "), () -> "a stack trace\n" + r.describe());
    assertFalse(r.stderr().contains("Exception"), () -> "an exception\n" + r.describe());
  }

  static String marker() {
    return "hsu-it-" + UUID.randomUUID();
  }

  /** The host pid of the one process carrying {@code marker} in its argv. */
  static long onlyPid(String marker, Running run) {
    List<Long> pids = HostProcs.withArgument(marker);
    if (pids.size() != 1) fail("expected one process tagged " + marker + ", found " + pids);
    return pids.get(0);
  }

  /** Sends a signal by name from the host, through kill(1) of sh. */
  static void signal(String name, long pid) {
    try {
      Process k =
          new ProcessBuilder(
                  "/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "sh", name, Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      String out = new String(k.getInputStream().readAllBytes());
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        fail("kill -s " + name + " " + pid + " failed: " + out);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }
}
