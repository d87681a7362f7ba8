package dev.hsu.it;

import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The control plane against real sandboxes (docs/instances.md): hsu ps lists what runs, enter joins
 * a sandbox with its app's confinement, stop ends it, wait returns its status, and a record that
 * does not match its processes is refused.
 */
@SuppressWarnings("try") // a running sandbox is a resource the test only needs to exist
class InstancesTest extends SandboxTestBase {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String A = "dev.hsu.it.Alpha";
  private static final String B = "dev.hsu.it.Beta";

  // ---- helpers ----

  /** {@code hsu ps --json}'s instances. */
  private List<Map<String, Object>> ps() {
    Result r = sb.hsu("ps", "--json").ok();
    Object root = new Load(LoadSettings.builder().build()).loadFromString(r.stdout());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list =
        (List<Map<String, Object>>) ((Map<String, Object>) root).get("instances");
    return list;
  }

  /** Polls hsu ps until it lists {@code n} instances (an app runs before its record is written). */
  private List<Map<String, Object>> awaitListed(int n) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Map<String, Object>> l = ps();
    while (l.size() != n && System.nanoTime() < deadline) {
      sleep(200);
      l = ps();
    }
    assertEquals(n, l.size(), () -> "hsu ps did not list " + n + " sandboxes: " + ps());
    return l;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  private static long pid(Map<String, Object> m) {
    return ((Number) m.get("pid")).longValue();
  }

  /** A sandbox whose app writes {@code marker} into its /tmp/marker, then sleeps. */
  private Running startWithMarker(String id, String marker) {
    return sb.profile()
        .id(id)
        .command(
            "/bin/sh",
            "-c",
            "/run/probe write /tmp/marker \"$0\" >/dev/null && exec /run/probe sleep 120",
            marker)
        .start();
  }

  private Result enter(String id, String... cmd) {
    List<String> args = new ArrayList<>(List.of("enter", id, "--"));
    args.addAll(List.of(cmd));
    return sb.hsu(args.toArray(String[]::new));
  }

  // ---- ps ----

  @Test
  void psListsExactlyTheRunningSandboxesAndDropsOneThatEnded() {
    try (Running a1 = sb.profile().id(A).probe("sleep", "120").start();
        Running b = sb.profile().id(B).probe("sleep", "120").start();
        Running a2 = sb.profile().id(A).probe("sleep", "120").start()) {
      List<Map<String, Object>> l = awaitListed(3);
      Map<Long, String> byPid = new java.util.HashMap<>();
      for (Map<String, Object> m : l) byPid.put(pid(m), (String) m.get("app_id"));
      assertEquals(Map.of(a1.pid(), A, b.pid(), B, a2.pid(), A), byPid, l::toString);
      for (Map<String, Object> m : l) {
        assertEquals(List.of(), m.get("grants"), m::toString);
        assertTrue(((Number) m.get("rss_kib")).longValue() > 0, m::toString);
        assertTrue(((String) m.get("id")).startsWith((String) m.get("short_id")), m::toString);
      }
      Result text = sb.hsu("ps").ok();
      assertEquals(4, text.lines().size(), text::describe);
      for (Running r : List.of(a1, b, a2)) {
        assertTrue(
            text.lines().stream().anyMatch(x -> x.matches(".*\\s" + r.pid() + "\\s.*")),
            text::describe);
      }

      b.process().destroy(); // SIGTERM to the supervisor, forwarded to the app
      assertEquals(143, b.await(WAIT).exit());
      // The supervisor removes the instance before it exits: gone at once, not eventually.
      List<Map<String, Object>> after = ps();
      Set<Long> pids = new HashSet<>();
      after.forEach(m -> pids.add(pid(m)));
      assertEquals(Set.of(a1.pid(), a2.pid()), pids, after::toString);
    }
  }

  @Test
  void psWithNothingRunningIsAHeaderAndAnEmptyList() {
    assertEquals(List.of(), ps());
    assertEquals(List.of("ID  APP ID  NAME  PID  UPTIME  RSS  GRANTS"), sb.hsu("ps").ok().lines());
  }

  // ---- enter ----

  @Test
  void enterSeesTheSandboxFromInsideWithTheAppsConfinement() throws IOException {
    String marker = "marker-" + UUID.randomUUID();
    try (Running app = startWithMarker(A, marker)) {
      awaitListed(1);
      Result cat = enter(A, "/bin/cat", "/tmp/marker").ok();
      assertEquals(marker, cat.stdout(), cat::describe);

      Result host = enter(A, "/run/probe", "hostname").ok();
      assertEquals("hsu", host.line(), host::describe); // the sandbox's, not the host's
      // The sandbox's pid namespace: its PID 1 and the app (2), and the entered process
      Map<String, String> pids = enter(A, "/run/probe", "pids").fields();
      List<String> seen = List.of(pids.get("pids").split(","));
      assertTrue(seen.contains("1") && seen.contains("2"), pids::toString);
      assertTrue(seen.contains(pids.get("self")) && Integer.parseInt(pids.get("self")) > 2);

      Result status = enter(A, "/bin/cat", "/proc/self/status").ok();
      Map<String, String> f = new java.util.HashMap<>();
      for (String l : status.lines()) {
        int c = l.indexOf(':');
        if (c > 0) f.put(l.substring(0, c), l.substring(c + 1).strip());
      }
      assertEquals("1", f.get("NoNewPrivs"), status::describe);
      assertEquals("2", f.get("Seccomp"), status::describe);
      assertEquals("0000000000000000", f.get("CapEff"), status::describe);
      assertEquals("0000000000000000", f.get("CapBnd"), status::describe);
      // The sandbox's /proc: one pid namespace deep, and not the first processes of it.
      String[] nspid = f.get("NSpid").split("\\s+");
      assertEquals(1, nspid.length, status::describe);
      assertTrue(Integer.parseInt(nspid[0]) > 2, status::describe);

      // stdin in, exit status out
      Path in = Files.writeString(sb.root.resolve("stdin.txt"), "through stdin\n");
      try (Running r = sb.start(List.of("enter", A, "--", "/bin/sh", "-c", "cat; exit 7"), in)) {
        Result e = r.await(WAIT);
        assertEquals(7, e.exit(), e::describe);
        assertEquals("through stdin\n", e.stdout(), e::describe);
      }
      assertEquals(127, enter(A, "/no/such/program").exit());
    }
  }

  @Test
  void theDefaultCommandIsTheSandboxShell() {
    try (Running app = sb.profile().id(A).probe("sleep", "120").start()) {
      awaitListed(1);
      Path in = Files.writeString(sb.root.resolve("sh.txt"), "echo shell:$0; exit 3\n");
      try (Running r = sb.start(List.of("enter", A), in)) {
        Result e = r.await(WAIT);
        assertEquals(3, e.exit(), e::describe);
        assertEquals("shell:/bin/sh", e.line(), e::describe);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the app itself gets for an escape attempt, and what enter gets: the same. */
  @ParameterizedTest
  @CsvSource({
    "unshare user",
    "clone user",
    "mount-tmpfs /tmp",
    "setns /proc/1/ns/mnt",
    "write /usr/hsu-it-x x",
    "keyctl",
    "bpf",
    "socket packet raw",
    "ptrace-attach 1",
    "kill 1 TERM",
    "chroot /tmp"
  })
  void anAttemptTheAppCannotMakeFailsTheSameWayFromEnter(String attempt) {
    String[] probe = attempt.split(" ");
    Result asApp = sb.profile().id(B).probe(probe).launch();
    assertEquals(1, asApp.exit(), asApp::describe);
    assertTrue(asApp.line().startsWith("ERR "), asApp::describe);
    try (Running app = sb.profile().id(A).probe("sleep", "120").start()) {
      awaitListed(1);
      List<String> cmd = new ArrayList<>(List.of("/run/probe"));
      cmd.addAll(List.of(probe));
      Result entered = enter(A, cmd.toArray(String[]::new));
      assertEquals(1, entered.exit(), entered::describe);
      assertEquals(
          asApp.line().split(" ")[1], entered.line().split(" ")[1], () -> entered.describe());
    }
  }

  @Test
  void enterNamingSeveralSandboxesListsThemAndRunsNothing() {
    try (Running a1 = sb.profile().id(A).probe("sleep", "120").start();
        Running a2 = sb.profile().id(A).probe("sleep", "120").start()) {
      List<Map<String, Object>> l = awaitListed(2);
      Result r = enter(A, "/bin/true");
      assertEquals(125, r.exit(), r::describe);
      for (Map<String, Object> m : l) {
        assertTrue(r.stderr().contains((String) m.get("id")), r::describe);
      }
      assertTrue(r.stderr().contains("matches 2 running sandboxes"), r::describe);
      Result byId = enter((String) l.get(0).get("short_id"), "/bin/true");
      assertEquals(0, byId.exit(), byId::describe);
    }
  }

  @Test
  void theEnteredProcessDiesWithTheSandbox() {
    try (Running app = sb.profile().id(A).probe("sleep", "120").start()) {
      awaitListed(1);
      try (Running entered = sb.start(List.of("enter", A, "--", "/run/probe", "sleep", "120"))) {
        entered.awaitLine(l -> l.startsWith("sleeping"), WAIT);
        assertEquals(0, sb.hsu("stop", A).exit());
        Result e = entered.await(WAIT);
        assertEquals(137, e.exit(), e::describe); // killed with the pid namespace
      }
    }
  }

  // ---- stop ----

  @Test
  void stopEndsAnAppThatIgnoresSigtermAndLeavesNothingBehind() throws IOException {
    Set<String> mountsBefore = new HashSet<>(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    try (Running app =
        sb.profile()
            .id(A)
            .command("/bin/sh", "-c", "trap '' TERM; exec /run/probe sleep 120")
            .start()) {
      Map<String, Object> m = awaitListed(1).get(0);
      Result info = sb.hsu("info", A, "--json").ok();
      List<Long> inside = hostPids(info.stdout());
      assertTrue(inside.size() >= 2, info::describe); // PID 1 and the app

      Result stop = sb.hsu("stop", A, "--timeout", "1s");
      assertEquals(0, stop.exit(), stop::describe);
      assertEquals("stopped " + m.get("id") + " (" + A + ")", stop.line(), stop::describe);
      Result launched = app.await(WAIT);
      assertEquals(137, launched.exit(), launched::describe); // SIGTERM ignored: killed
      for (long pid : inside) {
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " is left");
      }
      assertEquals(List.of(), sb.leftoverInstances());
      Set<String> mountsAfter = new HashSet<>(Files.readAllLines(Path.of("/proc/self/mountinfo")));
      assertEquals(mountsBefore, mountsAfter);
      assertEquals(List.of(), ps());
    }
  }

  @Test
  void stoppingAnOrdinaryAppGivesLaunch143() {
    try (Running app = sb.profile().id(A).probe("sleep", "120").start()) {
      awaitListed(1);
      assertEquals(0, sb.hsu("stop", A).exit());
      assertEquals(143, app.await(WAIT).exit());
    }
  }

  @Test
  void stopAllStopsEverySandbox() {
    try (Running a = sb.profile().id(A).probe("sleep", "120").start();
        Running b = sb.profile().id(B).probe("sleep", "120").start()) {
      awaitListed(2);
      Result r = sb.hsu("stop", "--all");
      assertEquals(0, r.exit(), r::describe);
      assertEquals(2, r.lines().size(), r::describe);
      assertEquals(143, a.await(WAIT).exit());
      assertEquals(143, b.await(WAIT).exit());
      assertEquals(List.of(), sb.leftoverInstances());
    }
  }

  @Test
  void noSuchSandboxAndBadUsageHaveTheirExitCodes() {
    for (String cmd : List.of("info", "stop", "wait")) {
      Result r = sb.hsu(cmd, "dev.hsu.it.Nothing");
      assertEquals(1, r.exit(), r::describe);
      assertTrue(r.stderr().startsWith("hsu: no running sandbox is"), r::describe);
    }
    assertEquals(2, sb.hsu("stop").exit());
    assertEquals(2, sb.hsu("stop", "--timeout", "soon", "x").exit());
    assertEquals(2, sb.hsu("info").exit());
  }

  // ---- wait ----

  @Test
  void waitReturnsTheSandboxesExitStatus() {
    try (Running app =
        sb.profile()
            .id(A)
            .command(
                "/bin/sh",
                "-c",
                "while [ ! -e /tmp/go ]; do /run/probe sleep 0 >/dev/null; done; exit 7")
            .start()) {
      Map<String, Object> m = awaitListed(1).get(0);
      try (Running waiting = sb.start(List.of("wait", A))) {
        awaitHolding(waiting, m); // wait finds the sandbox only while it runs
        // The app may end (and the sandbox with it) before the entered writer does: its own
        // status is 0 or 137, what counts is that it wrote.
        Result go = enter(A, "/run/probe", "write", "/tmp/go", "now");
        assertEquals("OK", go.line(), go::describe);
        Result w = waiting.await(WAIT);
        assertEquals(7, w.exit(), w::describe);
        assertEquals("7", w.line(), w::describe);
      }
      assertEquals(7, app.await(WAIT).exit());
    }
  }

  @Test
  void waitReturns143AfterStop() {
    try (Running app = sb.profile().id(A).probe("sleep", "120").start()) {
      Map<String, Object> m = awaitListed(1).get(0);
      try (Running waiting = sb.start(List.of("wait", A))) {
        awaitHolding(waiting, m);
        assertEquals(0, sb.hsu("stop", A).exit());
        Result w = waiting.await(WAIT);
        assertEquals(143, w.exit(), w::describe);
        assertEquals("143", w.line(), w::describe);
      }
    }
  }

  // ---- identity ----

  @ParameterizedTest
  @CsvSource({"init, false", "init, true", "supervisor, true"})
  void aRecordPointingAtAnotherProcessIsRefusedAndThatProcessIsNotSignalled(
      String which, boolean forgeStartTime) throws Exception {
    Process other = new ProcessBuilder("sleep", "120").start();
    try (Running app = sb.profile().id(A).probe("sleep", "120").start()) {
      Map<String, Object> m = awaitListed(1).get(0);
      Path record = Path.of((String) m.get("dir")).resolve("record");
      String json = Files.readString(record);
      long real = "init".equals(which) ? ((Number) m.get("init_pid")).longValue() : pid(m);
      String start = startTime(real);
      String forged =
          json.replace(
              "\"" + which + "\": {\"pid\": " + real + ", \"start\": " + start + "}",
              "\""
                  + which
                  + "\": {\"pid\": "
                  + other.pid()
                  + ", \"start\": "
                  + (forgeStartTime ? startTime(other.pid()) : start)
                  + "}");
      assertFalse(forged.equals(json), json);
      Files.writeString(record, forged);

      for (String cmd : List.of("stop", "info", "wait")) {
        Result r = sb.hsu(cmd, A);
        assertEquals(1, r.exit(), r::describe);
        assertTrue(r.stderr().contains("is refused"), r::describe);
      }
      Result e = enter(A, "/bin/true");
      assertEquals(125, e.exit(), e::describe);
      Result all = sb.hsu("stop", "--all");
      assertTrue(all.stderr().contains("is refused"), all::describe);
      Result list = sb.hsu("ps", "--json");
      assertEquals(0, list.exit(), list::describe);
      assertTrue(list.stderr().contains("is refused"), list::describe);
      assertEquals(List.of(), ps());
      assertTrue(other.isAlive(), "the process the forged record names was signalled");
      assertFalse(other.waitFor(300, TimeUnit.MILLISECONDS), "it ended");
      assertTrue(app.process().isAlive(), "the sandbox itself was stopped");
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void theSandboxCannotReachAnyRecord() {
    try (Running first = sb.profile().id(A).probe("sleep", "120").start()) {
      Map<String, Object> m = awaitListed(1).get(0);
      assertTrue(Files.exists(Path.of((String) m.get("dir")).resolve("record")));
      // Its own runtime dir is a private tmpfs; one bound from the host shows an empty hsu/.
      Result own = sb.profile().id(B).probe("ls", "/run/user").launch();
      assertFalse(own.stdout().contains("hsu"), own::describe);
      Result bound =
          sb.profile()
              .id(B)
              .fs("{bind: " + q(sb.runtimeDir) + ", to: /mnt/rt}")
              .fs("{bind: " + q(sb.root) + ", to: /mnt/top}")
              .command(
                  "/bin/sh",
                  "-c",
                  "ls -A /mnt/rt/hsu; ls -A /mnt/top/run/hsu; echo end; cat /mnt/rt/hsu/*/record")
              .launch();
      assertEquals(List.of("end"), bound.lines(), bound::describe);
      assertTrue(bound.stderr().contains("No such file"), bound::describe);
    }
  }

  /** Until {@code hsu wait} holds the instance's exit file open: then it is waiting. */
  private static void awaitHolding(Running waiting, Map<String, Object> instance) {
    Path exit = Path.of((String) instance.get("dir")).resolve("exit");
    Path fds = Path.of("/proc/" + waiting.pid() + "/fd");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline && waiting.process().isAlive()) {
      try (var s = Files.list(fds)) {
        for (Path fd : (Iterable<Path>) s::iterator) {
          try {
            if (Files.readSymbolicLink(fd).equals(exit)) return;
          } catch (IOException e) {
            // closed meanwhile
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      sleep(50);
    }
    fail("hsu wait never held " + exit + " open\n" + waiting.snapshot().describe());
  }

  private static String startTime(long pid) throws IOException {
    String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return s.substring(s.lastIndexOf(')') + 2).split(" ")[22 - 3];
  }

  @SuppressWarnings("unchecked")
  private static List<Long> hostPids(String infoJson) {
    Map<String, Object> root =
        (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(infoJson);
    List<Long> out = new ArrayList<>();
    for (Object p : (List<Object>) root.get("processes")) {
      out.add(((Number) ((Map<String, Object>) p).get("host_pid")).longValue());
    }
    return out;
  }
}
