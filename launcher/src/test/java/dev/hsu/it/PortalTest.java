package dev.hsu.it;

import static dev.hsu.it.DbusTest.installed;
import static dev.hsu.it.DbusTest.need;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code portals:} against the real services of Debian 12: a private dbus-daemon that
 * D-Bus-activates xdg-desktop-portal 1.16, xdg-document-portal (a real FUSE mount in the test's
 * runtime dir; /dev/fuse must be usable, as udev leaves it) and xdg-permission-store, as a session
 * does. What the portals see of a caller is their own check of {@code /proc/PID/root/.flatpak-info}
 * of the message's sender, here hsu's D-Bus proxy. Without these services the tests skip, or fail
 * under HSU_REQUIRE_ALL=1.
 */
class PortalTest extends SandboxTestBase {
  static final String APP_A = "dev.hsu.it.Viewer";
  static final String APP_B = "dev.hsu.it.Other";
  static final Path LIBEXEC = Path.of("/usr/libexec");
  static final String TOOL = "/run/hsu-portal";
  static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(20);

  Process daemon;
  String address;
  Path portalTool;
  Peers peers;

  @BeforeEach
  void session() throws Exception {
    need(installed("dbus-daemon"), "dbus-daemon is not installed (Debian package dbus)");
    need(installed("xdg-dbus-proxy"), "xdg-dbus-proxy is not installed");
    need(installed("gdbus"), "gdbus is not installed (Debian package libglib2.0-bin)");
    for (String s : List.of("xdg-desktop-portal", "xdg-document-portal", "xdg-permission-store")) {
      need(
          Files.isExecutable(LIBEXEC.resolve(s)),
          s + " is not installed (Debian package xdg-desktop-portal)");
    }
    need(installed("fusermount3"), "fusermount3 is not installed (Debian package fuse3)");
    need(
        Files.isReadable(Path.of("/dev/fuse")) && Files.isWritable(Path.of("/dev/fuse")),
        "/dev/fuse is not usable by this user (udev makes it 0666; a container may not)");
    portalTool = sb.tree.repo().resolve("init-c/build/hsu-portal");
    need(Files.isExecutable(portalTool), "hsu-portal is not built (make -C init-c)");
    need(
        Files.isExecutable(LIBEXEC.resolve("xdg-desktop-portal-gtk")),
        "xdg-desktop-portal-gtk is not installed (Debian package xdg-desktop-portal-gtk)");
    // What a desktop session gives its services: the handler of the test scheme for OpenURI, and
    // GNOME as the desktop, whose portal backend (xdg-desktop-portal-gtk, on an X display here)
    // provides the AppChooser that xdg-desktop-portal 1.16 needs before it offers OpenURI at all.
    // 1.16 skips the chooser for a custom scheme only when one handler is registered for it
    // ([Added Associations]; a default alone is not enough).
    peers = new Peers(sb);
    Peers.X x = peers.xvfb();
    Path apps = Files.createDirectories(sb.dataHome.resolve("applications"));
    Path recorder = sb.hostDir("handler").resolve("record");
    Files.writeString(
        recorder, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + sb.root.resolve("opened.txt") + "\n");
    Files.setPosixFilePermissions(recorder, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(
        apps.resolve("hsu-test-handler.desktop"),
        "[Desktop Entry]\nType=Application\nName=hsu test handler\nExec="
            + recorder
            + " %u\nMimeType=x-scheme-handler/hsutest;\nNoDisplay=true\n");
    Files.writeString(
        sb.configHome.resolve("mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/hsutest=hsu-test-handler.desktop\n"
            + "[Added Associations]\nx-scheme-handler/hsutest=hsu-test-handler.desktop;\n");
    Path socket = sb.root.resolve("bus");
    ProcessBuilder pb =
        new ProcessBuilder(
                "dbus-daemon",
                "--session",
                "--nofork",
                "--print-address=1",
                "--address=unix:path=" + socket)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = pb.environment();
    env.put("HOME", sb.home.toString());
    env.put("XDG_RUNTIME_DIR", sb.runtimeDir.toString());
    env.put("XDG_DATA_HOME", sb.dataHome.toString());
    env.put("XDG_CONFIG_HOME", sb.configHome.toString());
    env.put("XDG_CURRENT_DESKTOP", "gnome");
    env.put("DISPLAY", ":" + x.display());
    env.put("XAUTHORITY", x.xauthority().toString());
    env.put("GDK_BACKEND", "x11");
    env.put("NO_AT_BRIDGE", "1");
    env.put("GSETTINGS_BACKEND", "memory");
    env.remove("WAYLAND_DISPLAY");
    daemon = pb.start();
    String line =
        new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (line == null || !Files.exists(socket)) {
      daemon.destroyForcibly();
      fail("dbus-daemon did not start");
    }
    address = "unix:path=" + socket;
    sb.extraEnv.put("DBUS_SESSION_BUS_ADDRESS", address);
    sb.extraEnv.put("HSU_PORTAL", portalTool.toString());
    // The document portal mounts its file system when it starts (activated by this call).
    host(
        "gdbus call --session --dest org.freedesktop.portal.Documents --object-path"
            + " /org/freedesktop/portal/documents --method"
            + " org.freedesktop.portal.Documents.GetMountPoint");
  }

  @AfterEach
  void stopSession() throws Exception {
    if (daemon != null) {
      daemon.destroy();
      daemon.waitFor(10, TimeUnit.SECONDS);
      daemon.destroyForcibly();
    }
    if (peers != null) {
      peers.close(); // Xvfb, and what the bus activated
    }
  }

  /** A shell command on the host, with the test's session bus; its stdout and stderr. */
  String host(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
    pb.environment().put("DBUS_SESSION_BUS_ADDRESS", address);
    pb.environment().put("XDG_RUNTIME_DIR", sb.runtimeDir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + command);
    }
    return out;
  }

  /** An app with portals; hsu-portal itself is bound in (as xdg-open it is there anyway). */
  Sandbox.Profile app(String id, String... command) {
    return sb.profile()
        .id(id)
        .withoutProbe()
        .yaml("portals: true")
        .fs("{bind: " + portalTool + ", to: " + TOOL + "}")
        .command(command);
  }

  /** The by-app path the document portal gives an exported file, from hsu-portal's line. */
  static String docLine(String exported) {
    assertTrue(exported.matches("[A-Za-z0-9]+/[^/]+"), "hsu-portal export printed " + exported);
    return exported;
  }

  @Test
  void aFileExportedForAnAppIsThereInItsSandboxAndNowhereElse() throws Exception {
    Path file = Files.writeString(sb.hostDir("outside").resolve("paper.txt"), "exported bytes\n");
    String doc = docLine(host(portalTool + " export " + APP_A + " " + file));
    String list = "cd \"$XDG_RUNTIME_DIR/doc\" && find . -mindepth 1 | sort; ";
    Result a =
        app(APP_A, "/bin/sh", "-c", list + "cat \"$XDG_RUNTIME_DIR/doc/$1\"", "sh", doc)
            .launch()
            .ok();
    String docId = doc.substring(0, doc.indexOf('/'));
    assertEquals(List.of("./" + docId, "./" + doc, "exported bytes"), a.lines(), a::describe);
    Result b =
        app(
                APP_B,
                "/bin/sh",
                "-c",
                list
                    + "ls \"$XDG_RUNTIME_DIR/doc/by-app\" 2>&1 | head -1; cat "
                    + file
                    + " 2>&1; cat ~/"
                    + Sandbox.CANARY_NAME
                    + " 2>&1; true")
            .launch()
            .ok();
    assertFalse(b.stdout().contains("exported bytes"), b::describe);
    assertFalse(b.stdout().contains(docId), "app B sees A's document: " + b.describe());
    assertFalse(b.stdout().contains("host secret"), b::describe);
  }

  @Test
  void aFileNamedAtLaunchIsHandedOverAndTheAppReadsIt() throws Exception {
    Path file = Files.writeString(sb.hostDir("outside").resolve("letter.txt"), "dear app\n");
    Result r =
        app(APP_A, "/bin/sh", "-c", "printf '%s\\n' \"$1\"; cat \"$1\"", "sh")
            .launch(file.toString());
    r.ok();
    String prefix = sb.runtimeDir.resolve("doc") + "/";
    assertTrue(r.lines().get(0).startsWith(prefix), r::describe);
    assertTrue(r.lines().get(0).endsWith("/letter.txt"), r::describe);
    assertEquals("dear app", r.lines().get(1), r::describe);
    // Read-only unless the profile says otherwise.
    Result w =
        app(
                APP_A,
                "/bin/sh",
                "-c",
                "echo changed > \"$1\" 2>/dev/null && echo wrote || echo refused",
                "sh")
            .launch(file.toString());
    assertEquals(List.of("refused"), w.ok().lines(), w::describe);
    assertEquals("dear app\n", Files.readString(file));
  }

  @Test
  void thePortalsKnowTheAppByItsIdNotAsAHostProgram() throws Exception {
    // A file the app may see, at the same path inside and out, so the document portal finds it.
    Path shared = sb.hostDir("shared");
    Files.writeString(shared.resolve("mine.txt"), "app's own file\n");
    Result r =
        app(APP_A, TOOL, "add", shared.resolve("mine.txt").toString())
            .fs("{bind: " + shared + "}")
            .launch()
            .ok();
    String docId = r.lines().get(r.lines().size() - 1);
    String entry =
        host(
            "gdbus call --session --dest org.freedesktop.impl.portal.PermissionStore"
                + " --object-path /org/freedesktop/impl/portal/PermissionStore --method"
                + " org.freedesktop.impl.portal.PermissionStore.Lookup documents "
                + docId);
    assertTrue(entry.contains("'" + APP_A + "': ["), "permission store entry: " + entry);
    // The control: the same call from a host program grants no app anything.
    Files.writeString(shared.resolve("host.txt"), "host's file\n");
    String hostDoc = host(portalTool + " add " + shared.resolve("host.txt"));
    String hostEntry =
        host(
            "gdbus call --session --dest org.freedesktop.impl.portal.PermissionStore"
                + " --object-path /org/freedesktop/impl/portal/PermissionStore --method"
                + " org.freedesktop.impl.portal.PermissionStore.Lookup documents "
                + hostDoc);
    assertFalse(hostEntry.contains(APP_A), hostEntry);
    // And the portals' record of the running instance: removed with it.
    assertEquals(List.of(), leftovers(sb.runtimeDir.resolve(".flatpak")));
  }

  /**
   * Polls {@code done} for up to SERVICE_TIMEOUT: the supervisor and the portals work beside the
   * app.
   */
  static void poll(java.util.concurrent.Callable<Boolean> done) throws Exception {
    Instant end = Instant.now().plus(SERVICE_TIMEOUT);
    while (!done.call() && Instant.now().isBefore(end)) {
      Thread.sleep(50);
    }
  }

  /** The one entry below {@code dir}, or a path that does not exist. */
  static Path onlyEntry(Path dir) throws IOException {
    List<String> names = leftovers(dir);
    return names.size() == 1 ? dir.resolve(names.get(0)) : dir.resolve("none");
  }

  static List<String> leftovers(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** The D-Bus error name of a failed gdbus call, or "ok". */
  static String outcome(String gdbus) {
    return "if out=$("
        + gdbus
        + " 2>&1); then echo ok; else printf '%s\\n' \"$out\" | sed -n"
        + " 's/^Error: GDBus.Error:\\([^:]*\\):.*/\\1/p'; fi";
  }

  static final String REGISTER =
      "gdbus call --session --dest org.freedesktop.portal.Desktop --object-path"
          + " /org/freedesktop/portal/desktop --method"
          + " org.freedesktop.host.portal.Registry.Register org.example.Evil {}";
  static final String STORE =
      "gdbus call --session --dest org.freedesktop.impl.portal.PermissionStore --object-path"
          + " /org/freedesktop/impl/portal/PermissionStore --method"
          + " org.freedesktop.impl.portal.PermissionStore.List documents";
  static final String SPAWN =
      "gdbus call --session --dest org.freedesktop.portal.Flatpak --object-path"
          + " /org/freedesktop/portal/Flatpak --method org.freedesktop.DBus.Peer.Ping";

  @Test
  void theRegistryThePermissionStoreAndOtherPortalsAreUnreachable() throws Exception {
    Result r =
        app(
                APP_A,
                "/bin/sh",
                "-c",
                outcome(REGISTER) + "; " + outcome(STORE) + "; " + outcome(SPAWN))
            .launch()
            .ok();
    assertEquals(
        List.of(
            "org.freedesktop.DBus.Error.AccessDenied",
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.ServiceUnknown"),
        r.lines(),
        r::describe);
    // The control: from the host the store answers, and the portal itself (not a proxy) answers
    // the registry call.
    assertEquals("ok", host(outcome(STORE)));
    assertFalse(host(outcome(REGISTER)).equals("org.freedesktop.DBus.Error.AccessDenied"));
  }

  @Test
  void thePortalsFindTheRunningInstanceAsTheyFindAFlatpakOne() throws Exception {
    Sandbox.Profile p = app(APP_A, "/bin/sh", "-c", "echo ready; exec sleep 60");
    Path instances = sb.runtimeDir.resolve(".flatpak");
    try (Running run = p.start()) {
      run.awaitLine("ready"::equals, Duration.ofSeconds(30));
      // The supervisor writes the records once the app runs, which the app's first line can beat.
      poll(() -> Files.exists(onlyEntry(instances).resolve("pid")));
      List<String> ids = leftovers(instances);
      assertEquals(1, ids.size(), "instances: " + ids);
      Path dir = instances.resolve(ids.get(0));
      String info = Files.readString(dir.resolve("info"));
      assertTrue(info.startsWith("[Application]\nname=" + APP_A + "\n"), info);
      assertTrue(info.contains("instance-id=" + ids.get(0) + "\n"), info);
      String json = Files.readString(dir.resolve("bwrapinfo.json"));
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"child-pid\": (\\d+)").matcher(json);
      assertTrue(m.find(), json);
      long child = Long.parseLong(m.group(1));
      // The pid the portals map the app's pids with: the sandbox's PID 1, whose root holds the
      // same metadata (what xdg-desktop-portal reads through /proc/PID/root).
      assertEquals(info, Files.readString(Path.of("/proc/" + child + "/root/.flatpak-info")));
      String pidNs = Files.readSymbolicLink(Path.of("/proc/" + child + "/ns/pid")).toString();
      assertTrue(json.contains("\"pid-namespace\": " + pidNs.replaceAll("\\D", "")), json);
      long supervisor = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
      ProcessHandle sup = ProcessHandle.of(supervisor).orElseThrow();
      sup.destroy(); // SIGTERM: the sandbox ends and hsu-init cleans up
      sup.onExit().get(30, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), leftovers(instances), "removed with the instance");
    // A supervisor killed outright leaves its entry; the next launch with portals removes it, as
    // Flatpak's own cleanup does (its .ref is no longer locked).
    try (Running run = p.start()) {
      run.awaitLine("ready"::equals, Duration.ofSeconds(30));
      poll(() -> Files.exists(onlyEntry(instances).resolve("pid")));
    }
    assertEquals(1, leftovers(instances).size(), "the killed instance's entry");
    String killed = leftovers(instances).get(0);
    try (Running run = p.start()) {
      run.awaitLine("ready"::equals, Duration.ofSeconds(30));
      poll(() -> !leftovers(instances).contains(killed) && leftovers(instances).size() == 1);
      List<String> now = leftovers(instances);
      assertEquals(1, now.size(), "entries: " + now);
      assertFalse(now.contains(killed), "the stale entry is gone: " + now);
    }
  }

  @Test
  void theAppCannotRewriteWhatItClaimsToBe() {
    Result r =
        app(
                APP_A,
                "/bin/sh",
                "-c",
                "(echo '[Application]'; echo name=org.example.Host) > /.flatpak-info 2>/dev/null"
                    + " && echo wrote || echo refused; grep '^name=' /.flatpak-info")
            .launch()
            .ok();
    assertEquals(List.of("refused", "name=" + APP_A), r.lines(), r::describe);
  }

  @Test
  void xdgOpenInsideOpensTheLinkOnTheHostThroughTheOpenUriPortal() throws Exception {
    String url = "hsutest://hsu.example/path?q=1";
    Result r = app(APP_A, "/bin/sh", "-c", "xdg-open '" + url + "'; echo status $?").launch().ok();
    assertEquals(List.of("status 0"), r.lines(), r::describe);
    Path opened = sb.root.resolve("opened.txt");
    poll(() -> Files.exists(opened));
    assertEquals(
        List.of(url), Files.exists(opened) ? Files.readAllLines(opened) : new ArrayList<>());
  }
}
