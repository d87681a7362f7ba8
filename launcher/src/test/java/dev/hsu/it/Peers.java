package dev.hsu.it;

import static dev.hsu.it.WaylandTest.need;
import static dev.hsu.it.WaylandTest.onPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real desktop peers a test starts as the same non-root user in its {@link Sandbox} world, stopped
 * when the test ends: pulseaudio with a null sink, pipewire with a small config, Xvfb with an
 * Xauthority cookie. Without their packages the test skips, or fails under HSU_REQUIRE_ALL=1.
 */
final class Peers implements AutoCloseable {
  static final String COOKIE_A = DesktopGrantsTest.COOKIE_A;
  static final String COOKIE_B = DesktopGrantsTest.COOKIE_B;

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
  private final Sandbox sb;

  Peers(Sandbox sb) {
    this.sb = sb;
  }

  @Override
  public void close() {
    for (Process p : peers) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    endPortalServices(sb.runtimeDir);
  }

  /**
   * The document portal of this world's session bus started, as a desktop session has it (its FUSE
   * file system at RUNTIME_DIR/doc; a launch with portals would start it). Skips, or fails under
   * HSU_REQUIRE_ALL=1, when it cannot run here.
   */
  void documentPortal() {
    need(
        Files.isExecutable(Path.of("/usr/libexec/xdg-document-portal")) && onPath("fusermount3"),
        "xdg-document-portal or fusermount3 is not installed (Debian packages xdg-desktop-portal,"
            + " fuse3)");
    need(
        Files.isReadable(Path.of("/dev/fuse")) && Files.isWritable(Path.of("/dev/fuse")),
        "/dev/fuse is not usable by this user (udev makes it 0666; a container may not)");
    Map<String, String> env = new java.util.HashMap<>(sb.baseEnv());
    env.putAll(sb.extraEnv);
    WaylandTest.run(
        List.of(
            "gdbus",
            "call",
            "--session",
            "--dest",
            "org.freedesktop.portal.Documents",
            "--object-path",
            "/org/freedesktop/portal/documents",
            "--method",
            "org.freedesktop.portal.Documents.GetMountPoint"),
        env);
  }

  /**
   * Ends what a session bus of the world at {@code runtimeDir} D-Bus-activated (the portals and the
   * permission store outlive their bus) and unmounts the document portal's file system there.
   */
  static void endPortalServices(Path runtimeDir) {
    Path doc = runtimeDir.resolve("doc");
    if (HostProcs.mountinfo().contains(" " + doc + " ")) {
      try {
        new ProcessBuilder("fusermount3", "-u", doc.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(10, TimeUnit.SECONDS);
      } catch (IOException e) {
        // the kill below ends the file system's server, which unmounts it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String mark = "XDG_RUNTIME_DIR=" + runtimeDir;
    ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.startsWith("/usr/libexec/xdg-")).orElse(false))
        .filter(p -> environ(p.pid()).contains(mark))
        .forEach(ProcessHandle::destroyForcibly);
  }

  static List<String> environ(long pid) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
      return List.of(new String(b, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Starts {@code cmd} with this world's HOME and runtime dir and waits for {@code socket}. */
  Process peer(List<String> cmd, Path socket, String log) {
    return peer(cmd, socket, log, Map.of());
  }

  /** {@link #peer(List, Path, String)} with {@code env} added to the world's environment. */
  Process peer(List<String> cmd, Path socket, String log, Map<String, String> env) {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(sb.root.resolve(log).toFile())
            .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(sb.baseEnv());
    pb.environment().putAll(env);
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
    need(
        onPath("pulseaudio") && onPath("pactl"),
        "pulseaudio or pactl is not installed (Debian packages pulseaudio, pulseaudio-utils)");
    Path socket = sb.runtimeDir.resolve("pulse/native");
    try {
      Files.createDirectories(socket.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    peer(
        List.of(
            "pulseaudio",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "-n",
            "--use-pid-file=no",
            "--disallow-exit=yes",
            "--log-target=stderr",
            "--load=module-native-protocol-unix auth-anonymous=0 socket=" + socket,
            "--load=module-null-sink"),
        socket,
        "pulseaudio.log");
    return socket;
  }

  Path pipewire() {
    need(
        onPath("pipewire") && onPath("pw-cli"),
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

  /** A 0.5 s 440 Hz 16-bit mono WAV at {@code file}, for playing through the filter. */
  static Path toneWav(Path file) {
    int rate = 8000;
    int samples = rate / 2;
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(44 + 2 * samples).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + 2 * samples).put("WAVEfmt ".getBytes()).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate);
    b.putShort((short) 2).putShort((short) 16).put("data".getBytes()).putInt(2 * samples);
    for (int i = 0; i < samples; i++) {
      b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
    }
    try {
      return Files.write(file, b.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops one peer this object started (the others keep running). */
  void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    peers.remove(p);
  }

  /** A session bus: dbus-daemon at RUNTIME_DIR/bus, named in the world's launches. */
  Path dbus() {
    need(onPath("dbus-daemon"), "dbus-daemon is not installed (Debian package dbus)");
    Path socket = sb.runtimeDir.resolve("bus");
    peer(
        List.of("dbus-daemon", "--session", "--nofork", "--address=unix:path=" + socket),
        socket,
        "dbus.log");
    sb.extraEnv.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + socket);
    return socket;
  }

  /** A running X server and how to stop it. */
  record XServer(X x, Process process) {}

  /**
   * Debian's Xwayland, rootful: one X screen shown as a window of the Wayland compositor {@code
   * waylandDisplay}, so X apps appear on that desktop (and in its screenshots).
   */
  XServer xwayland(String waylandDisplay) {
    need(
        onPath("Xwayland") && onPath("xwininfo") && onPath("xauth"),
        "Xwayland, xwininfo or xauth is not installed (Debian packages xwayland, x11-utils, xauth)");
    int n = freeDisplay();
    Path auth = sb.root.resolve("Xauthority-" + n);
    WaylandTest.run(
        List.of("xauth", "-f", auth.toString(), "add", ":" + n, ".", COOKIE_A), Map.of());
    need(Files.exists(auth), "xauth did not write " + auth);
    Process p =
        peer(
            List.of("Xwayland", ":" + n, "-nolisten", "tcp", "-auth", auth.toString()),
            Path.of("/tmp/.X11-unix/X" + n),
            "xwayland.log",
            Map.of("WAYLAND_DISPLAY", waylandDisplay));
    return new XServer(new X(n, auth), p);
  }

  private static int freeDisplay() {
    int n = 61;
    while (n < 200
        && (Files.exists(Path.of("/tmp/.X11-unix/X" + n))
            || Files.exists(Path.of("/tmp/.X" + n + "-lock")))) {
      n++;
    }
    return n;
  }

  X xvfb() {
    need(
        onPath("Xvfb") && onPath("xdpyinfo") && onPath("xauth"),
        "Xvfb, xdpyinfo or xauth is not installed (Debian packages xvfb, x11-utils, xauth)");
    int n = freeDisplay();
    Path auth = sb.root.resolve("Xauthority");
    WaylandTest.run(
        List.of("xauth", "-f", auth.toString(), "add", ":" + n, ".", COOKIE_A), Map.of());
    WaylandTest.run(
        List.of("xauth", "-f", auth.toString(), "add", ":" + (n + 1), ".", COOKIE_B), Map.of());
    need(Files.exists(auth), "xauth did not write " + auth);
    peer(
        List.of("Xvfb", ":" + n, "-nolisten", "tcp", "-auth", auth.toString()),
        Path.of("/tmp/.X11-unix/X" + n),
        "xvfb.log");
    sb.extraEnv.put("DISPLAY", ":" + n);
    sb.extraEnv.put("XAUTHORITY", auth.toString());
    return new X(n, auth);
  }
}
