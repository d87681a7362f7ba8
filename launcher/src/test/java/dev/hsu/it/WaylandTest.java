package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code wayland:} against real compositors: sway 1.10 (Debian 13, run by
 * ../shared/tools/real-sway; it speaks security-context-v1) and weston 10 (Debian 12; it does not).
 * Inside, Debian's wayland-info is the client. Without the compositors the tests skip, or fail
 * under HSU_REQUIRE_ALL=1.
 */
class WaylandTest extends SandboxTestBase {
  /** Globals sway hides from clients with a security context (and lists on its raw socket). */
  static final List<String> PRIVILEGED =
      List.of(
          "wp_security_context_manager_v1",
          "zwlr_screencopy_manager_v1",
          "zwp_virtual_keyboard_manager_v1");

  static final String GLOBALS =
      "wayland-info 2>&1 | grep -o \"interface: .[a-z_0-9]*\" | cut -c13- | sort | tr '\\n' ' '";

  /** A compositor this test started: its socket's name in the runtime dir and how to stop it. */
  record Compositor(String display, Process process, long pid) {}

  static void need(boolean ok, String what) {
    if (ok) return;
    if ("1".equals(System.getenv("HSU_REQUIRE_ALL"))) {
      fail(what + " (HSU_REQUIRE_ALL=1 makes this a failure instead of a skip)");
    }
    Assumptions.abort(what);
  }

  static Path realSway() {
    return realSway(tree);
  }

  static Path realSway(HostSupport.Tree t) {
    String override = System.getenv("HSU_REAL_SWAY");
    if (override != null && !override.isEmpty()) return Path.of(override);
    return t.repo().resolve("../shared/tools/real-sway").normalize();
  }

  static boolean onPath(String program) {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      if (Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }

  static String run(List<String> cmd, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Compositor sway() {
    return sway(sb);
  }

  /** Starts real sway 1.10 headless with its socket in {@code sb}'s runtime dir. */
  static Compositor sway(Sandbox sb) {
    Path script = realSway(sb.tree);
    need(Files.isExecutable(script), "no " + script + " (the real-sway tool)");
    need(onPath("wayland-info"), "wayland-info is not installed (Debian package wayland-utils)");
    // chroot lives in /usr/sbin, which a normal user's PATH may lack.
    String out =
        run(
            List.of(script.toString(), "start", sb.runtimeDir.toString()),
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"));
    Matcher m = Pattern.compile("WAYLAND_DISPLAY=(\\S+) PID=(\\d+)").matcher(out);
    need(m.find(), "real-sway did not start: " + out.strip());
    return new Compositor(m.group(1), null, Long.parseLong(m.group(2)));
  }

  Compositor weston() {
    need(onPath("weston"), "weston is not installed");
    String name = "weston-it";
    ProcessBuilder pb =
        new ProcessBuilder("weston", "--backend=headless-backend.so", "--socket=" + name)
            .redirectOutput(sb.root.resolve("weston.log").toFile())
            .redirectErrorStream(true);
    pb.environment().put("XDG_RUNTIME_DIR", sb.runtimeDir.toString());
    try {
      Process p = pb.start();
      Path socket = sb.runtimeDir.resolve(name);
      for (int i = 0; i < 100 && !Files.exists(socket) && p.isAlive(); i++) Thread.sleep(100);
      need(Files.exists(socket), "weston did not start");
      return new Compositor(name, p, p.pid());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void stop(Compositor c) {
    stopCompositor(c, tree);
  }

  static void stopCompositor(Compositor c, HostSupport.Tree t) {
    if (c.process() != null) {
      c.process().destroy();
      try {
        c.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      c.process().destroyForcibly();
      return;
    }
    run(List.of(realSway(t).toString(), "stop", Long.toString(c.pid())), Map.of());
  }

  /** The globals a client sees on the host at {@code socket}. */
  TreeSet<String> hostGlobals(String socket) {
    String out =
        run(
            List.of("/bin/sh", "-c", GLOBALS),
            Map.of("XDG_RUNTIME_DIR", sb.runtimeDir.toString(), "WAYLAND_DISPLAY", socket));
    return new TreeSet<>(Arrays.asList(out.trim().split(" +")));
  }

  static TreeSet<String> words(String line) {
    return new TreeSet<>(Arrays.asList(line.trim().split(" +")));
  }

  @Test
  void aSecurityContextHidesThePrivilegedGlobals() {
    Compositor c = sway();
    try {
      TreeSet<String> raw = hostGlobals(c.display());
      assertTrue(raw.containsAll(PRIVILEGED), "sway's raw socket lists " + raw);
      sb.extraEnv.put("WAYLAND_DISPLAY", c.display());
      Result r =
          sb.profile()
              .yaml("wayland: true")
              .command(
                  "/bin/sh",
                  "-c",
                  GLOBALS
                      + "; echo; ls \"$XDG_RUNTIME_DIR\"; echo \"$WAYLAND_DISPLAY $XDG_SESSION_TYPE\"")
              .launch()
              .ok();
      List<String> lines = r.lines();
      TreeSet<String> inside = words(lines.get(0));
      assertTrue(inside.contains("wl_compositor"), () -> "inside: " + inside + "\n" + r.describe());
      for (String g : PRIVILEGED) {
        assertFalse(inside.contains(g), () -> g + " is visible inside: " + inside);
      }
      assertEquals(List.of("wayland-0", "wayland-0 wayland"), lines.subList(1, 3), r::describe);
      assertEquals(List.of(), sb.leftoverInstances());
    } finally {
      stop(c);
    }
  }

  @Test
  void theListenerStopsAcceptingWhenTheSandboxEnds() throws Exception {
    Compositor c = sway();
    try {
      sb.extraEnv.put("WAYLAND_DISPLAY", c.display());
      Sandbox.Profile p =
          sb.profile().yaml("wayland: true").command("/bin/sh", "-c", "echo ready; exec sleep 60");
      Path held = sb.root.resolve("held");
      try (Running run = p.start()) {
        run.awaitLine("ready"::equals, Duration.ofSeconds(30));
        List<String> ids = sb.leftoverInstances();
        assertEquals(1, ids.size(), ids::toString);
        Path dir = sb.runtimeDir.resolve("hsu").resolve(ids.get(0));
        assertEquals(Long.toString(run.pid()), Files.readString(dir.resolve("pid")).strip());
        // A hard link outlives the instance dir and shows whether the compositor still listens.
        Files.createLink(held, dir.resolve("wayland-0"));
        TreeSet<String> seen = hostGlobals(held.toString());
        assertTrue(
            seen.contains("wl_compositor") && !seen.contains("zwlr_screencopy_manager_v1"),
            seen::toString);
        run.process().destroy(); // SIGTERM to hsu-init, forwarded to the app
        run.await(Duration.ofSeconds(30));
      }
      assertEquals(List.of(), sb.leftoverInstances());
      boolean refused = false;
      for (int i = 0; i < 30 && !refused; i++) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          ch.connect(UnixDomainSocketAddress.of(held));
          Thread.sleep(100);
        } catch (ConnectException e) {
          refused = true;
        }
      }
      assertTrue(refused, "the compositor still accepts clients on the listener");
    } finally {
      stop(c);
    }
  }

  @Test
  void withoutTheKeyNothingWaylandIsReachable() {
    Compositor c = sway();
    try {
      sb.extraEnv.put("WAYLAND_DISPLAY", c.display());
      String host = sb.runtimeDir.resolve(c.display()).toString();
      Result r =
          sb.profile()
              .command(
                  "/bin/sh",
                  "-c",
                  "printenv WAYLAND_DISPLAY XDG_SESSION_TYPE || echo unset; ls -A \"$XDG_RUNTIME_DIR\";"
                      + " WAYLAND_DISPLAY="
                      + host
                      + " wayland-info >/dev/null 2>&1 || echo unreachable")
              .launch()
              .ok();
      assertEquals(List.of("unset", "unreachable"), r.lines(), r::describe);
    } finally {
      stop(c);
    }
  }

  @Test
  void directPassesTheRawSocket() {
    Compositor c = sway();
    try {
      sb.extraEnv.put("WAYLAND_DISPLAY", c.display());
      Result r =
          sb.profile()
              .yaml("wayland:\n  direct: true")
              .command("/bin/sh", "-c", GLOBALS)
              .launch()
              .ok();
      TreeSet<String> inside = words(r.line());
      assertTrue(inside.containsAll(PRIVILEGED), () -> "inside: " + inside);
      assertEquals(List.of(), sb.leftoverInstances());
    } finally {
      stop(c);
    }
  }

  @Test
  void westonWithoutTheProtocolIsAClearErrorUnlessDirect() {
    Compositor c = weston();
    try {
      sb.extraEnv.put("WAYLAND_DISPLAY", c.display());
      Result r = sb.profile().yaml("wayland: true").command("/bin/true").launch();
      assertEquals(125, r.exit(), r::describe);
      assertEquals(
          "hsu-init: the Wayland compositor at \""
              + sb.runtimeDir.resolve(c.display())
              + "\" does not offer wp_security_context_manager_v1 (set wayland: {direct: true} to"
              + " pass the raw socket)\n",
          r.stderr());
      assertEquals(List.of(), sb.leftoverInstances());
      need(onPath("wayland-info"), "wayland-info is not installed (Debian package wayland-utils)");
      r =
          sb.profile()
              .yaml("wayland: {direct: true}")
              .command("/bin/sh", "-c", GLOBALS)
              .launch()
              .ok();
      assertTrue(words(r.line()).contains("wl_compositor"), r::describe);
    } finally {
      stop(c);
    }
  }

  @Test
  void aMissingCompositorSocketIsOneSentence() {
    sb.extraEnv.put("WAYLAND_DISPLAY", "wayland-none");
    Result r = sb.profile().yaml("wayland: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertEquals(
        "hsu: the profile asks for Wayland, but there is no Wayland compositor socket at \""
            + sb.runtimeDir.resolve("wayland-none")
            + "\" (from WAYLAND_DISPLAY and XDG_RUNTIME_DIR)\n",
        r.stderr());
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void checkWarnsAboutDirect() {
    Path f = sb.profile().yaml("wayland: {direct: true}").write();
    Result r = sb.hsu("check", f.toString());
    assertEquals(0, r.exit(), r::describe);
    assertTrue(
        r.stderr()
            .contains("warning: 'wayland: {direct: true}' passes the compositor's raw" + " socket"),
        r::describe);
    Result compiled = sb.hsu("compile", sb.profile().yaml("wayland: true").write().toString());
    assertTrue(compiled.stdout().contains("wayland security context on "), compiled::describe);
  }

  @Test
  void aLaunchRemovesStaleInstanceDirsOnly() throws IOException {
    Path base = Files.createDirectories(sb.runtimeDir.resolve("hsu"));
    Path stale = Files.createDirectory(base.resolve("00000000000000aa"));
    Files.writeString(stale.resolve("pid"), "999999999\n"); // above any pid_max
    Path outside = Files.writeString(sb.root.resolve("outside"), "keep");
    Files.createSymbolicLink(stale.resolve("link"), outside);
    Files.createDirectory(stale.resolve("sub"));
    Path live = Files.createDirectory(base.resolve("00000000000000bb"));
    Files.writeString(live.resolve("pid"), ProcessHandle.current().pid() + "\n");
    Path elsewhere = Files.createDirectory(sb.root.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("pid"), "999999999\n");
    Files.createSymbolicLink(base.resolve("00000000000000cc"), elsewhere);
    Path other = Files.createDirectory(base.resolve("not-an-instance"));
    Files.writeString(other.resolve("pid"), "999999999\n");

    sb.profile().command("/bin/true").launch().ok();

    assertFalse(Files.exists(stale), "the stale instance dir is still there");
    assertEquals("keep", Files.readString(outside));
    assertTrue(Files.exists(live.resolve("pid")), "a live instance dir was removed");
    assertTrue(Files.isSymbolicLink(base.resolve("00000000000000cc")));
    assertTrue(Files.exists(elsewhere.resolve("pid")), "a symlink was followed");
    assertTrue(Files.exists(other.resolve("pid")));
    assertThrows(IOException.class, () -> Files.readString(stale.resolve("pid")));
    List<String> left = new ArrayList<>(sb.leftoverInstances());
    assertEquals(List.of("00000000000000bb", "00000000000000cc", "not-an-instance"), left);
  }
}
