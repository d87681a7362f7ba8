package dev.hsu.it;

import static dev.hsu.it.WaylandTest.need;
import static dev.hsu.it.WaylandTest.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code audio:}, {@code x11:} and {@code gpu:} (through the shipped base fragments) against real
 * peers started by the test as the same non-root user: pulseaudio with a null sink (pactl inside),
 * pipewire with a small config (pw-cli inside), Xvfb with an Xauthority cookie (xdpyinfo and
 * xauth inside). Each grant is shown to work, and its absence to leave the peer unreachable.
 * Without the peers' packages the tests skip, or fail under HSU_REQUIRE_ALL=1.
 */
class DesktopGrantsTest extends SandboxTestBase {
  static final String COOKIE_A = "0123456789abcdef0123456789abcdef";
  static final String COOKIE_B = "fedcba9876543210fedcba9876543210";

  /** A PipeWire daemon needs no devices with only these modules (module-access grants clients). */
  static final String PIPEWIRE_CONF =
      "context.properties = { core.daemon = true core.name = pipewire-0 }\n"
          + "context.spa-libs = { support.* = support/libspa-support }\n"
          + "context.modules = [\n"
          + "  { name = libpipewire-module-protocol-native }\n"
          + "  { name = libpipewire-module-access }\n"
          + "  { name = libpipewire-module-client-node }\n"
          + "  { name = libpipewire-module-adapter }\n"
          + "]\n";

  private final List<Process> peers = new ArrayList<>();

  @AfterEach
  void stopPeers() {
    for (Process p : peers) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts {@code cmd} with this world's HOME and runtime dir and waits for {@code socket}. */
  Process peer(List<String> cmd, Path socket, String log) {
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(sb.root.resolve(log).toFile())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(sb.baseEnv());
    try {
      Process p = pb.start();
      peers.add(p);
      for (int i = 0; i < 150 && !Files.exists(socket) && p.isAlive(); i++) Thread.sleep(100);
      need(Files.exists(socket), cmd.get(0) + " did not start: " + readLog(log));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String readLog(String log) {
    try {
      return Files.readString(sb.root.resolve(log));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  Path pulseaudio() {
    need(onPath("pulseaudio") && onPath("pactl"),
        "pulseaudio or pactl is not installed (Debian packages pulseaudio, pulseaudio-utils)");
    Path socket = sb.runtimeDir.resolve("pulse/native");
    try {
      Files.createDirectories(socket.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    peer(List.of("pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n",
        "--use-pid-file=no", "--disallow-exit=yes", "--log-target=stderr",
        "--load=module-native-protocol-unix auth-anonymous=0 socket=" + socket,
        "--load=module-null-sink"), socket, "pulseaudio.log");
    return socket;
  }

  Path pipewire() {
    need(onPath("pipewire") && onPath("pw-cli"),
        "pipewire or pw-cli is not installed (Debian packages pipewire, pipewire-bin)");
    Path conf = sb.root.resolve("pipewire.conf");
    try {
      Files.writeString(conf, PIPEWIRE_CONF);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path socket = sb.runtimeDir.resolve("pipewire-0");
    peer(List.of("pipewire", "-c", conf.toString()), socket, "pipewire.log");
    return socket;
  }

  /** A running Xvfb: its display number and the host Xauthority file (cookies for N and N+1). */
  record X(int display, Path xauthority) {}

  X xvfb() {
    need(onPath("Xvfb") && onPath("xdpyinfo") && onPath("xauth"),
        "Xvfb, xdpyinfo or xauth is not installed (Debian packages xvfb, x11-utils, xauth)");
    int n = 61;
    while (n < 200 && (Files.exists(Path.of("/tmp/.X11-unix/X" + n))
        || Files.exists(Path.of("/tmp/.X" + n + "-lock")))) {
      n++;
    }
    Path auth = sb.root.resolve("Xauthority");
    WaylandTest.run(List.of("xauth", "-f", auth.toString(), "add", ":" + n, ".", COOKIE_A),
        Map.of());
    WaylandTest.run(List.of("xauth", "-f", auth.toString(), "add", ":" + (n + 1), ".", COOKIE_B),
        Map.of());
    need(Files.exists(auth), "xauth did not write " + auth);
    peer(List.of("Xvfb", ":" + n, "-nolisten", "tcp", "-auth", auth.toString()),
        Path.of("/tmp/.X11-unix/X" + n), "xvfb.log");
    sb.extraEnv.put("DISPLAY", ":" + n);
    sb.extraEnv.put("XAUTHORITY", auth.toString());
    return new X(n, auth);
  }

  // ---- PulseAudio ----

  @Test
  void pulseGrantReachesTheServerWithItsCookie() throws IOException {
    pulseaudio();
    Path cookie = sb.configHome.resolve("pulse/cookie");
    assertTrue(Files.isRegularFile(cookie), "pulseaudio wrote its cookie");
    String rt = sb.runtimeDir.toString();
    Result r = sb.profile().yaml("extends: [pulseaudio]")
        .command("/bin/sh", "-c",
            "pactl info | grep -c '^Server Name: pulseaudio'; echo \"$PULSE_SERVER $PULSE_COOKIE\";"
                + " od -An -tx1 \"$PULSE_COOKIE\" | tr -d ' \\n' | head -c 16; echo;"
                + " ls -A \"$XDG_RUNTIME_DIR\" | tr '\\n' ' '; echo;"
                + " ls -A \"$XDG_RUNTIME_DIR/pulse\" | tr '\\n' ' '")
        .launch()
        .ok();
    List<String> lines = r.lines();
    assertEquals("1", lines.get(0), r::describe);
    assertEquals("unix:" + rt + "/pulse/native " + rt + "/pulse/cookie", lines.get(1), r::describe);
    byte[] host = Files.readAllBytes(cookie);
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < 8; i++) hex.append(String.format("%02x", host[i] & 0xff));
    assertEquals(hex.toString(), lines.get(2), "the host's cookie is inside");
    assertEquals(List.of("pulse ", "cookie native "), lines.subList(3, 5), r::describe);
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void withoutThePulseGrantTheServerIsUnreachable() {
    Path socket = pulseaudio();
    // No autospawn of a server inside, so a failure can only mean "not reachable".
    Result r = sb.profile()
        .yaml("env:\n  set:\n    PULSE_CLIENTCONFIG: /tmp/client.conf")
        .fs("{file: /tmp/client.conf, content: \"autospawn = no\\n\"}")
        .command("/bin/sh", "-c",
            "printenv PULSE_SERVER PULSE_COOKIE || echo unset;"
                + " pactl info >/dev/null 2>&1 && echo reached || echo unreachable;"
                + " PULSE_SERVER=unix:" + socket + " pactl info >/dev/null 2>&1 && echo reached"
                + " || echo unreachable")
        .launch()
        .ok();
    assertEquals(List.of("unset", "unreachable", "unreachable"), r.lines(), r::describe);
  }

  @Test
  void aMissingPulseSocketIsOneSentence() {
    Result r = sb.profile().yaml("audio: pulse").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertEquals("hsu: the profile asks for PulseAudio, but there is no PulseAudio socket at \""
        + sb.runtimeDir.resolve("pulse/native") + "\" (from PULSE_SERVER and XDG_RUNTIME_DIR)\n",
        r.stderr());
  }

  // ---- PipeWire ----

  @Test
  void pipewireGrantReachesTheDaemon() {
    pipewire();
    Result r = sb.profile().yaml("extends: [pipewire]")
        .command("/bin/sh", "-c",
            "timeout 20 pw-cli info 0 | grep -c 'type: PipeWire:Interface:Core'; echo \"$PIPEWIRE_REMOTE\"")
        .launch()
        .ok();
    assertEquals(List.of("1", "pipewire-0"), r.lines(), r::describe);
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void withoutThePipewireGrantTheDaemonIsUnreachable() {
    Path socket = pipewire();
    Result r = sb.profile()
        .command("/bin/sh", "-c",
            "printenv PIPEWIRE_REMOTE || echo unset; ls -A \"$XDG_RUNTIME_DIR\";"
                + " timeout 20 pw-cli info 0 >/dev/null 2>&1 && echo reached || echo unreachable;"
                + " PIPEWIRE_REMOTE=" + socket + " timeout 20 pw-cli info 0 >/dev/null 2>&1"
                + " && echo reached || echo unreachable")
        .launch()
        .ok();
    assertEquals(List.of("unset", "unreachable", "unreachable"), r.lines(), r::describe);
  }

  @Test
  void aMissingPipewireSocketIsOneSentence() {
    Result r = sb.profile().yaml("audio: [pulse, pipewire]").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(r.stderr().startsWith("hsu: the profile asks for PulseAudio, but there is no"),
        r::describe);
    pipewire();
    pulseaudio();
    r = sb.profile().yaml("audio: [pulse, pipewire]").command("/bin/sh", "-c",
        "ls -A \"$XDG_RUNTIME_DIR\" | tr '\\n' ' '").launch().ok();
    assertEquals("pipewire-0 pulse ", r.line(), r::describe);
  }

  // ---- X11 ----

  @Test
  void x11GrantReachesTheServerWithOnlyItsCookie() {
    X x = xvfb();
    Result r = sb.profile().yaml("extends: [x11]")
        .command("/bin/sh", "-c",
            "xdpyinfo | grep '^name of display'; echo \"$DISPLAY $XAUTHORITY\"; xauth list;"
                + " ls -A /tmp/.X11-unix")
        .launch()
        .ok();
    List<String> lines = r.lines();
    assertEquals("name of display:    :" + x.display(), lines.get(0), r::describe);
    assertEquals(":" + x.display() + " " + sb.runtimeDir + "/Xauthority", lines.get(1),
        r::describe);
    // One entry, for any host (FamilyWild), this display, its cookie; not the other display's.
    assertEquals(List.of("#ffff##:" + x.display() + "  MIT-MAGIC-COOKIE-1  " + COOKIE_A),
        lines.subList(2, lines.size() - 1), r::describe);
    assertEquals("X" + x.display(), lines.get(lines.size() - 1), r::describe);
    assertFalse(r.stdout().contains(COOKIE_B));
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void withoutTheX11GrantTheServerIsUnreachable() {
    X x = xvfb();
    Result r = sb.profile().yaml("x11: false")
        .command("/bin/sh", "-c",
            "printenv DISPLAY XAUTHORITY || echo unset; ls -A /tmp/.X11-unix 2>/dev/null;"
                + " xdpyinfo >/dev/null 2>&1 && echo reached || echo unreachable")
        .launch()
        .ok();
    assertEquals(List.of("unset", "unreachable"), r.lines(), r::describe);
  }

  /**
   * DISPLAY and the full host cookie file passed by hand, without the grant: only the abstract
   * socket {@code @/tmp/.X11-unix/XN} is left to try, and it is out of reach (own network
   * namespace; with the host network, the Landlock abstract-unix scope). Turning the scope off
   * with the host network reaches it, which shows the test can tell. The host's hostname inside
   * lets the host's own (FamilyLocal) cookie match.
   */
  @Test
  void onlyTheAbstractSocketIsLeftAndItIsUnreachable() throws IOException {
    X x = xvfb();
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    String byHand = "hostname: " + Sandbox.q(hostname) + "\nenv:\n  set:\n    DISPLAY: \":"
        + x.display() + "\"\n    XAUTHORITY: /tmp/xauth";
    String bind = "{bind: " + Sandbox.q(x.xauthority()) + ", to: /tmp/xauth}";
    String cmd = "ls -A /tmp/.X11-unix 2>&1 | head -c 0; xdpyinfo >/dev/null 2>&1 && echo reached"
        + " || echo unreachable";
    Result r = sb.profile().yaml(byHand).fs(bind).command("/bin/sh", "-c", cmd).launch().ok();
    assertEquals("unreachable", r.line(), r::describe);
    r = sb.profile().yaml(byHand + "\nnetwork: host").fs(bind).command("/bin/sh", "-c", cmd)
        .launch().ok();
    assertEquals("unreachable", r.line(), r::describe);
    r = sb.profile().yaml(byHand + "\nnetwork: host\nlandlock:\n  scopes: {abstract-unix: false}")
        .fs(bind).command("/bin/sh", "-c", cmd).launch().ok();
    assertEquals("reached", r.line(), "with the host network and no scope, the abstract socket"
        + " works: " + r.describe());
  }

  @Test
  void aTcpDisplayIsRefused() {
    sb.extraEnv.put("DISPLAY", "localhost:10.0");
    Result r = sb.profile().yaml("x11: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(r.stderr().contains("the profile asks for X11, but DISPLAY \"localhost:10.0\" is not"
        + " a local display (':N', ':N.S' or 'unix:N'): hsu passes only a local X server's socket,"
        + " never a TCP connection"), r::describe);
    sb.extraEnv.remove("DISPLAY");
    r = sb.profile().yaml("x11: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertEquals("hsu: the profile asks for X11, but DISPLAY is not set\n", r.stderr());
  }

  @Test
  void checkWarnsAboutX11AndMoreWithTheHostNetwork() {
    Result r = sb.hsu("check", sb.profile().yaml("x11: true").write().toString());
    assertEquals(0, r.exit(), r::describe);
    assertTrue(r.stderr().contains("warning: 'x11: true' connects the app to your X server"),
        r::describe);
    assertFalse(r.stderr().contains("with 'network: host'"), r::describe);
    r = sb.hsu("check", sb.profile().yaml("x11: true\nnetwork: host").write().toString());
    assertTrue(r.stderr().contains("; with 'network: host' it shares the host's network too"),
        r::describe);
  }

  // ---- GPU, network, desktop ----

  @Test
  void gpuBindsDriWhenPresentAndLaunchesWithout() {
    boolean host = Files.exists(Path.of("/dev/dri"));
    Result r = sb.profile().yaml("extends: [gpu]")
        .command("/bin/sh", "-c", "test -e /dev/dri && echo dri || echo none; ls /sys/dev/char"
            + " | head -c 0; test -d /sys/devices && echo sys")
        .launch()
        .ok();
    assertEquals(List.of(host ? "dri" : "none", "sys"), r.lines(), r::describe);
    Result compiled = sb.hsu("compile", sb.profile().yaml("gpu: true").write().toString());
    assertEquals(0, compiled.exit(), compiled::describe);
    assertTrue(compiled.stdout().contains(
        "bind \"/dev/dri\" on \"/dev/dri\" (read-only, devices allowed, skipped if missing)"),
        compiled::describe);
    assertTrue(compiled.stdout().contains(
        "landlock allow read, write-file, ioctl-dev beneath \"/dev/dri\""), compiled::describe);
    r = sb.profile().command("/bin/sh", "-c", "test -e /dev/dri && echo dri || echo none")
        .launch().ok();
    assertEquals("none", r.line(), "no gpu: no /dev/dri");
  }

  @Test
  void networkFragmentResolvesNames() throws IOException {
    Path resolv = Path.of("/etc/resolv.conf");
    need(Files.isReadable(resolv), "the host has no readable /etc/resolv.conf");
    Result r = sb.profile().yaml("extends: [network]")
        .command("/bin/sh", "-c", "cat /etc/resolv.conf").launch().ok();
    assertEquals(Files.readString(resolv), r.stdout(), r::describe);
  }

  @Test
  void desktopFragmentCompilesToTheUsualSet() {
    sb.extraEnv.put("WAYLAND_DISPLAY", "wayland-7");
    Result r = sb.hsu("compile", sb.profile().yaml("extends: [desktop]").write().toString());
    assertEquals(0, r.exit(), r::describe);
    String rt = sb.runtimeDir.toString();
    for (String expected : List.of(
        "wayland security context on \"" + rt + "/wayland-7\"",
        "bind \"" + rt + "/pulse/native\" on \"" + rt + "/pulse/native\"",
        "env PULSE_SERVER=\"unix:" + rt + "/pulse/native\"",
        "bind \"/dev/dri\" on \"/dev/dri\"")) {
      assertTrue(r.stdout().contains(expected), () -> expected + "\n" + r.describe());
    }
    assertNotEquals(-1, r.stdout().indexOf("WAYLAND_DISPLAY=\"wayland-0\""), r::describe);
    assertEquals("", r.stderr(), "no warnings for the usual set");
  }
}
