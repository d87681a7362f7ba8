package dev.hsu.it;

import static dev.hsu.it.WaylandTest.need;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code audio:}, {@code x11:} and {@code gpu:} (through the shipped base fragments) against real
 * peers ({@link Peers}) started by the test as the same non-root user: pulseaudio with a null sink
 * (pactl and paplay inside, through hsu's filter), pipewire (refused; unreachable without a grant),
 * Xvfb with an Xauthority cookie (xdpyinfo and xauth inside). Each grant is shown to work, and its
 * absence to leave the peer unreachable; {@link SoundEscapeTest} attacks the sound grant. Without
 * the peers' packages the tests skip, or fail under HSU_REQUIRE_ALL=1.
 */
class DesktopGrantsTest extends SandboxTestBase {
  static final String COOKIE_A = "0123456789abcdef0123456789abcdef";
  static final String COOKIE_B = "fedcba9876543210fedcba9876543210";

  Peers peers;

  @BeforeEach
  void startPeers() {
    peers = new Peers(sb);
  }

  @AfterEach
  void stopPeers() {
    peers.close();
  }

  Path pulseaudio() {
    return peers.pulseaudio();
  }

  Path pipewire() {
    return peers.pipewire();
  }

  Peers.X xvfb() {
    return peers.xvfb();
  }

  // ---- PulseAudio, through hsu's filter ----

  @Test
  void pulseGrantPlaysThroughTheFilterWithoutTheServersCookie() throws IOException {
    pulseaudio();
    Path cookie = sb.configHome.resolve("pulse/cookie");
    assertTrue(Files.isRegularFile(cookie), "pulseaudio wrote its cookie");
    Path wav = Peers.toneWav(sb.root.resolve("tone.wav"));
    String rt = sb.runtimeDir.toString();
    Result r =
        sb.profile()
            .yaml("extends: [pulseaudio]")
            .fs("{bind: " + Sandbox.q(wav) + ", to: /tmp/tone.wav}")
            .command(
                "/bin/sh",
                "-c",
                "pactl info | grep -c '^Server Name: pulseaudio'; echo \"$PULSE_SERVER\";"
                    + " printenv PULSE_COOKIE || echo no-cookie;"
                    + " ls -A \"$XDG_RUNTIME_DIR/pulse\" | tr '\\n' ' '; echo;"
                    + " paplay /tmp/tone.wav && echo played")
            .launch()
            .ok();
    assertEquals(
        List.of("1", "unix:" + rt + "/pulse/native", "no-cookie", "native ", "played"),
        r.lines(),
        r::describe);
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void withoutThePulseGrantTheServerIsUnreachable() {
    Path socket = pulseaudio();
    // No autospawn of a server inside, so a failure can only mean "not reachable".
    Result r =
        sb.profile()
            .yaml("env:\n  set:\n    PULSE_CLIENTCONFIG: /tmp/client.conf")
            .fs("{file: /tmp/client.conf, content: \"autospawn = no\\n\"}")
            .command(
                "/bin/sh",
                "-c",
                "printenv PULSE_SERVER PULSE_COOKIE || echo unset;"
                    + " pactl info >/dev/null 2>&1 && echo reached || echo unreachable;"
                    + " PULSE_SERVER=unix:"
                    + socket
                    + " pactl info >/dev/null 2>&1 && echo reached"
                    + " || echo unreachable")
            .launch()
            .ok();
    assertEquals(List.of("unset", "unreachable", "unreachable"), r.lines(), r::describe);
  }

  @Test
  void aMissingPulseSocketIsOneSentence() {
    Result r = sb.profile().yaml("audio: pulse").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertEquals(
        "hsu: the profile asks for PulseAudio, but there is no PulseAudio socket at \""
            + sb.runtimeDir.resolve("pulse/native")
            + "\" (from PULSE_SERVER and XDG_RUNTIME_DIR)\n",
        r.stderr());
  }

  @Test
  void checkSaysWhatTheSoundGrantAllows() {
    Result r = sb.hsu("check", sb.profile().yaml("audio: pulse").write().toString());
    assertEquals(0, r.exit(), r::describe);
    assertTrue(
        r.stdout().contains("\n  audio: no recording (audio: {pulse: {record: true}} grants it)\n"),
        r::describe);
    assertTrue(
        r.stdout().contains("\n  audio: nothing else: no module loading, no defaults"),
        r::describe);
    r = sb.hsu("check", sb.profile().yaml("audio: {pulse: {record: true}}").write().toString());
    assertEquals(0, r.exit(), r::describe);
    assertTrue(
        r.stderr().contains("warning: 'audio: {pulse: {record: true}}' lets the app record"),
        r::describe);
  }

  // ---- PipeWire's native socket: refused ----

  @Test
  void pipewireIsRefusedWithTheReason() {
    pipewire();
    Path profile = sb.profile().yaml("audio: pipewire").command("/bin/true").write();
    Result check = sb.hsu("check", profile.toString());
    assertEquals(2, check.exit(), check::describe);
    assertTrue(
        check
            .stderr()
            .contains(
                "error: 'audio: pipewire' is refused: every client of"
                    + " PipeWire 0.3 may create nodes from factories that load a library"),
        check::describe);
    Result launch = sb.hsu("launch", profile.toString());
    assertEquals(125, launch.exit(), launch::describe);
    assertTrue(launch.stderr().contains("use 'audio: pulse' instead"), launch::describe);
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void withoutAGrantThePipewireDaemonIsUnreachable() {
    Path socket = pipewire();
    Result r =
        sb.profile()
            .command(
                "/bin/sh",
                "-c",
                "printenv PIPEWIRE_REMOTE || echo unset; ls -A \"$XDG_RUNTIME_DIR\";"
                    + " timeout 20 pw-cli info 0 >/dev/null 2>&1 && echo reached || echo unreachable;"
                    + " PIPEWIRE_REMOTE="
                    + socket
                    + " timeout 20 pw-cli info 0 >/dev/null 2>&1"
                    + " && echo reached || echo unreachable")
            .launch()
            .ok();
    assertEquals(List.of("unset", "unreachable", "unreachable"), r.lines(), r::describe);
  }

  // ---- X11 ----

  @Test
  void x11GrantReachesTheServerWithOnlyItsCookie() {
    Peers.X x = xvfb();
    Result r =
        sb.profile()
            .yaml("extends: [x11]")
            .command(
                "/bin/sh",
                "-c",
                "xdpyinfo | grep '^name of display'; echo \"$DISPLAY $XAUTHORITY\"; xauth list;"
                    + " ls -A /tmp/.X11-unix")
            .launch()
            .ok();
    List<String> lines = r.lines();
    assertEquals("name of display:    :" + x.display(), lines.get(0), r::describe);
    assertEquals(
        ":" + x.display() + " " + sb.runtimeDir + "/Xauthority", lines.get(1), r::describe);
    // One entry, for any host (FamilyWild), this display, its cookie; not the other display's.
    assertEquals(
        List.of("#ffff##:" + x.display() + "  MIT-MAGIC-COOKIE-1  " + COOKIE_A),
        lines.subList(2, lines.size() - 1),
        r::describe);
    assertEquals("X" + x.display(), lines.get(lines.size() - 1), r::describe);
    assertFalse(r.stdout().contains(COOKIE_B));
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void withoutTheX11GrantTheServerIsUnreachable() {
    Peers.X x = xvfb();
    Result r =
        sb.profile()
            .yaml("x11: false")
            .command(
                "/bin/sh",
                "-c",
                "printenv DISPLAY XAUTHORITY || echo unset; ls -A /tmp/.X11-unix 2>/dev/null;"
                    + " xdpyinfo >/dev/null 2>&1 && echo reached || echo unreachable")
            .launch()
            .ok();
    assertEquals(List.of("unset", "unreachable"), r.lines(), r::describe);
  }

  /**
   * DISPLAY and the full host cookie file passed by hand, without the grant: only the abstract
   * socket {@code @/tmp/.X11-unix/XN} is left to try, and it is out of reach (own network
   * namespace; with the host network, the Landlock abstract-unix scope). Turning the scope off with
   * the host network reaches it, which shows the test can tell. The host's hostname inside lets the
   * host's own (FamilyLocal) cookie match.
   */
  @Test
  void onlyTheAbstractSocketIsLeftAndItIsUnreachable() throws IOException {
    Peers.X x = xvfb();
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    String byHand =
        "hostname: "
            + Sandbox.q(hostname)
            + "\nenv:\n  set:\n    DISPLAY: \":"
            + x.display()
            + "\"\n    XAUTHORITY: /tmp/xauth";
    String bind = "{bind: " + Sandbox.q(x.xauthority()) + ", to: /tmp/xauth}";
    String cmd =
        "ls -A /tmp/.X11-unix 2>&1 | head -c 0; xdpyinfo >/dev/null 2>&1 && echo reached"
            + " || echo unreachable";
    Result r = sb.profile().yaml(byHand).fs(bind).command("/bin/sh", "-c", cmd).launch().ok();
    assertEquals("unreachable", r.line(), r::describe);
    r =
        sb.profile()
            .yaml(byHand + "\nnetwork: host")
            .fs(bind)
            .command("/bin/sh", "-c", cmd)
            .launch()
            .ok();
    assertEquals("unreachable", r.line(), r::describe);
    r =
        sb.profile()
            .yaml(byHand + "\nnetwork: host\nlandlock:\n  scopes: {abstract-unix: false}")
            .fs(bind)
            .command("/bin/sh", "-c", cmd)
            .launch()
            .ok();
    assertEquals(
        "reached",
        r.line(),
        "with the host network and no scope, the abstract socket" + " works: " + r.describe());
  }

  @Test
  void aTcpDisplayIsRefused() {
    sb.extraEnv.put("DISPLAY", "localhost:10.0");
    Result r = sb.profile().yaml("x11: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(
        r.stderr()
            .contains(
                "the profile asks for X11, but DISPLAY \"localhost:10.0\" is not"
                    + " a local display (':N', ':N.S' or 'unix:N'): hsu passes only a local X server's socket,"
                    + " never a TCP connection"),
        r::describe);
    sb.extraEnv.remove("DISPLAY");
    r = sb.profile().yaml("x11: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertEquals("hsu: the profile asks for X11, but DISPLAY is not set\n", r.stderr());
  }

  @Test
  void checkWarnsAboutX11AndMoreWithTheHostNetwork() {
    Result r = sb.hsu("check", sb.profile().yaml("x11: true").write().toString());
    assertEquals(0, r.exit(), r::describe);
    assertTrue(
        r.stderr().contains("warning: 'x11: true' connects the app to your X server"), r::describe);
    assertFalse(r.stderr().contains("with 'network: host'"), r::describe);
    r = sb.hsu("check", sb.profile().yaml("x11: true\nnetwork: host").write().toString());
    assertTrue(
        r.stderr().contains("; with 'network: host' it shares the host's network too"),
        r::describe);
  }

  // ---- GPU, network, desktop ----

  @Test
  void gpuBindsDriWhenPresentAndLaunchesWithout() {
    boolean host = Files.exists(Path.of("/dev/dri"));
    Result r =
        sb.profile()
            .yaml("extends: [gpu]")
            .command(
                "/bin/sh",
                "-c",
                "test -e /dev/dri && echo dri || echo none; ls /sys/dev/char"
                    + " | head -c 0; test -d /sys/devices && echo sys")
            .launch()
            .ok();
    assertEquals(List.of(host ? "dri" : "none", "sys"), r.lines(), r::describe);
    Result compiled = sb.hsu("compile", sb.profile().yaml("gpu: true").write().toString());
    assertEquals(0, compiled.exit(), compiled::describe);
    assertTrue(
        compiled
            .stdout()
            .contains(
                "bind \"/dev/dri\" on \"/dev/dri\" (read-only, devices allowed, skipped if missing)"),
        compiled::describe);
    assertTrue(
        compiled
            .stdout()
            .contains("landlock allow read, write-file, ioctl-dev beneath \"/dev/dri\""),
        compiled::describe);
    r =
        sb.profile()
            .command("/bin/sh", "-c", "test -e /dev/dri && echo dri || echo none")
            .launch()
            .ok();
    assertEquals("none", r.line(), "no gpu: no /dev/dri");
  }

  @Test
  void networkFragmentResolvesNames() throws IOException {
    Path resolv = Path.of("/etc/resolv.conf");
    need(Files.isReadable(resolv), "the host has no readable /etc/resolv.conf");
    Result r =
        sb.profile()
            .yaml("extends: [network]")
            .command("/bin/sh", "-c", "cat /etc/resolv.conf")
            .launch()
            .ok();
    assertEquals(Files.readString(resolv), r.stdout(), r::describe);
  }

  @Test
  void desktopFragmentCompilesToTheUsualSet() {
    sb.extraEnv.put("WAYLAND_DISPLAY", "wayland-7");
    Result r = sb.hsu("compile", sb.profile().yaml("extends: [desktop]").write().toString());
    assertEquals(0, r.exit(), r::describe);
    String rt = sb.runtimeDir.toString();
    for (String expected :
        List.of(
            "wayland security context on \"" + rt + "/wayland-7\"",
            "proxy \"/run/hsu-pulse/hsu-pulse-filter\" in its own sandbox",
            "| bind \"" + rt + "/pulse/native\" on \"/run/hsu-pulse/native\"",
            "env PULSE_SERVER=\"unix:" + rt + "/pulse/native\"",
            "bind \"/dev/dri\" on \"/dev/dri\"")) {
      assertTrue(r.stdout().contains(expected), () -> expected + "\n" + r.describe());
    }
    assertNotEquals(-1, r.stdout().indexOf("WAYLAND_DISPLAY=\"wayland-0\""), r::describe);
    assertEquals("", r.stderr(), "no warnings for the usual set");
  }
}
