package dev.hsu.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.doctor.Check.Status;
import dev.hsu.doctor.DoctorHost.Probe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each check's decision on fake facts, and the whole run on a fake host. */
final class DoctorTest {
  static final Probe NS_FAILED =
      Probe.failed("cannot create the sandbox namespaces: Operation not permitted");
  static final Probe UID_MAP_FAILED =
      Probe.failed("cannot write \"/proc/self/uid_map\": Operation not permitted");

  static void assertCheck(Check c, Status status, String sentencePart, String fixPart) {
    assertEquals(status, c.status(), c.toString());
    assertTrue(c.sentence().contains(sentencePart), c.toString());
    assertTrue(c.fix().contains(fixPart), c.toString());
    assertTrue(c.sentence().endsWith("."), c.toString());
    assertEquals(
        status == Status.OK, c.fix().isEmpty(), "a fix exactly when something is wrong: " + c);
  }

  @Test
  void userNamespaces() {
    assertCheck(Doctor.userns(1, 15000, null, Probe.ok()), Status.OK, "hsu-init creates", "");
    assertCheck(
        Doctor.userns(0, 15000, null, NS_FAILED),
        Status.FAIL,
        "kernel.unprivileged_userns_clone = 0",
        "sudo sysctl -w kernel.unprivileged_userns_clone=1");
    assertCheck(
        Doctor.userns(null, 0, null, NS_FAILED),
        Status.FAIL,
        "user.max_user_namespaces = 0",
        "sudo sysctl -w user.max_user_namespaces=");
    // The sysctls decide even when no hsu-init could be tried.
    assertCheck(
        Doctor.userns(0, 15000, null, Probe.notRun("no hsu-init")),
        Status.FAIL,
        "kernel.unprivileged_userns_clone = 0",
        "sysctl");
    assertCheck(
        Doctor.userns(1, 15000, 1, UID_MAP_FAILED), Status.FAIL, "AppArmor", "apparmor line");
    assertCheck(
        Doctor.userns(1, 15000, 0, NS_FAILED),
        Status.FAIL,
        "hsu-init cannot create them: cannot create the sandbox namespaces",
        "container");
    // A failure that is not about namespaces says nothing against them.
    assertCheck(
        Doctor.userns(
            1, 15000, 0, Probe.failed("cannot mount proc on \"/proc\": Permission denied")),
        Status.OK,
        "the kernel allows",
        "");
    assertCheck(Doctor.userns(null, null, null, Probe.notRun("x")), Status.OK, "not tried", "");
  }

  @Test
  void apparmorRestriction() {
    assertCheck(
        Doctor.apparmor(null, NS_FAILED, "/x/hsu-init"), Status.OK, "does not restrict", "");
    assertCheck(Doctor.apparmor(0, Probe.ok(), "/x/hsu-init"), Status.OK, "does not restrict", "");
    assertCheck(
        Doctor.apparmor(1, Probe.ok(), Doctor.INSTALLED_INIT), Status.OK, "a profile allows", "");
    assertCheck(
        Doctor.apparmor(1, UID_MAP_FAILED, Doctor.INSTALLED_INIT),
        Status.FAIL,
        "kernel.apparmor_restrict_unprivileged_userns = 1",
        "sudo apparmor_parser -r /etc/apparmor.d/hsu");
    // A checkout's hsu-init is not the path the shipped profile names.
    assertCheck(
        Doctor.apparmor(1, UID_MAP_FAILED, "/home/u/hsu/init-c/build/hsu-init"),
        Status.FAIL,
        "\"/home/u/hsu/init-c/build/hsu-init\"",
        "packaging/apparmor/hsu");
    assertCheck(
        Doctor.apparmor(1, Probe.notRun("no hsu-init"), null), Status.WARN, "not tried", "install");
  }

  @Test
  void landlock() {
    assertCheck(Doctor.landlock(-38), Status.FAIL, "no Landlock", "6.12");
    assertCheck(Doctor.landlock(-95), Status.FAIL, "not enabled", "lsm=");
    assertCheck(Doctor.landlock(-1), Status.FAIL, "EPERM", "--system-call-filter");
    assertCheck(Doctor.landlock(-22), Status.FAIL, "errno 22", "6.12");
    assertCheck(
        Doctor.landlock(1),
        Status.FAIL,
        "Landlock ABI 1; the default sandbox needs ABI 6",
        "required: false");
    assertCheck(Doctor.landlock(5), Status.FAIL, "ABI 5", "6.12");
    assertCheck(Doctor.landlock(6), Status.OK, "Landlock ABI 6.", "");
    assertCheck(Doctor.landlock(7), Status.OK, "Landlock ABI 7.", "");
  }

  @Test
  void seccomp() {
    String status = "Name:\tx\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n";
    assertCheck(
        Doctor.seccomp(status, "kill_process kill_thread trap errno user_notif trace log allow"),
        Status.OK,
        "available",
        "");
    assertCheck(Doctor.seccomp(status, null), Status.OK, "available", "");
    assertCheck(
        Doctor.seccomp("Name:\tx\n", null), Status.FAIL, "no seccomp", "CONFIG_SECCOMP_FILTER");
    assertCheck(Doctor.seccomp(null, null), Status.FAIL, "no seccomp", "CONFIG_SECCOMP_FILTER");
    assertCheck(
        Doctor.seccomp(status, "kill_process allow"),
        Status.FAIL,
        "errno",
        "CONFIG_SECCOMP_FILTER");
  }

  @Test
  void overlayfs() {
    assertCheck(Doctor.overlay(Probe.ok(), Probe.ok()), Status.OK, "userxattr", "");
    assertCheck(
        Doctor.overlay(
            Probe.ok(), Probe.failed("cannot mount overlay on \"/usr/share\": Invalid argument")),
        Status.WARN,
        "cannot mount overlay",
        "5.11");
    assertCheck(
        Doctor.overlay(NS_FAILED, Probe.notRun("")), Status.WARN, "not tried", "sandbox line");
  }

  @Test
  void portals() {
    assertCheck(Doctor.portals("unix:path=/b", true, null), Status.OK, "answer", "");
    assertCheck(
        Doctor.portals("unix:path=/b", true, "no document portal on the session bus (x)"),
        Status.WARN,
        "no document portal on the session bus (x).",
        "xdg-desktop-portal");
    assertCheck(Doctor.portals(null, true, null), Status.WARN, "no session bus", "apt install");
    assertCheck(
        Doctor.portals("unix:path=/b", false, null), Status.WARN, "hsu-launch", "make -C init-c");
  }

  @Test
  void wayland() {
    assertCheck(
        Doctor.wayland(null, null, false, null, null),
        Status.WARN,
        "WAYLAND_DISPLAY is unset",
        "only profiles with 'wayland'");
    assertCheck(
        Doctor.wayland("wayland-1", "/run/user/1/wayland-1", false, null, null),
        Status.WARN,
        "no socket at \"/run/user/1/wayland-1\"",
        "WAYLAND_DISPLAY");
    assertCheck(
        Doctor.wayland("wayland-1", "/r/wayland-1", true, null, "no answer within 2000 ms"),
        Status.WARN,
        "did not answer: no answer within 2000 ms",
        "compositor");
    assertCheck(
        Doctor.wayland(
            "wayland-1",
            "/r/wayland-1",
            true,
            List.of("wl_compositor", "wp_security_context_manager_v1"),
            null),
        Status.OK,
        "security-context-v1",
        "");
    assertCheck(
        Doctor.wayland(
            "wayland-1", "/r/wayland-1", true, List.of("wl_compositor", "xdg_wm_base"), null),
        Status.WARN,
        "lacks security-context-v1",
        "direct");
  }

  @Test
  void waylandSocketFromTheEnvironment() {
    FakeHost h = new FakeHost();
    h.sockets.add("/run/user/1/wayland-7");
    h.globals = List.of("wp_security_context_manager_v1");
    Check c = Doctor.wayland(h, Map.of("WAYLAND_DISPLAY", "wayland-7"), "/run/user/1");
    assertCheck(c, Status.OK, "\"/run/user/1/wayland-7\"", "");
    h.sockets.add("/abs/wl");
    assertCheck(
        Doctor.wayland(h, Map.of("WAYLAND_DISPLAY", "/abs/wl"), "/run/user/1"),
        Status.OK,
        "\"/abs/wl\"",
        "");
    h.waylandError = new IOException("the compositor closed the connection");
    assertCheck(
        Doctor.wayland(h, Map.of("WAYLAND_DISPLAY", "wayland-7"), "/run/user/1"),
        Status.WARN,
        "closed the connection",
        "compositor");
  }

  @Test
  void theSessionBusAsLaunchFindsIt() {
    FakeHost h = new FakeHost();
    assertEquals(null, Doctor.busAddress(h, Map.of(), "/r"));
    h.sockets.add("/r/bus");
    assertEquals("unix:path=/r/bus", Doctor.busAddress(h, Map.of(), "/r"));
    assertEquals(
        null, Doctor.busAddress(h, Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/gone"), "/r"));
    assertEquals(
        "unix:path=/r/bus,guid=1",
        Doctor.busAddress(h, Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/r/bus,guid=1"), "/r"));
    assertEquals(
        "unix:abstract=/x",
        Doctor.busAddress(h, Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:abstract=/x"), null));
  }

  @Test
  void busProxyAudioX11SystemdJava() {
    assertCheck(Doctor.sessionBus("unix:path=/run/user/1/bus"), Status.OK, "/run/user/1/bus", "");
    assertCheck(Doctor.sessionBus(null), Status.WARN, "no session bus", "dbus-user-session");
    assertCheck(Doctor.dbusProxy(true), Status.OK, "/usr/bin/xdg-dbus-proxy", "");
    assertCheck(
        Doctor.dbusProxy(false), Status.WARN, "not installed", "apt install xdg-dbus-proxy");

    assertCheck(
        Doctor.audio("/r/pulse/native", true, false, "/f", false),
        Status.WARN,
        "filter is missing",
        "reinstall");
    assertCheck(
        Doctor.audio("/r/pulse/native", true, true, "/f", true),
        Status.OK,
        "\"/r/pulse/native\"",
        "");
    assertCheck(
        Doctor.audio("/r/pulse/native", false, true, "/f", true),
        Status.WARN,
        "PipeWire runs",
        "pipewire-pulse");
    assertCheck(
        Doctor.audio("/r/pulse/native", false, false, "/f", true),
        Status.WARN,
        "no sound server",
        "only profiles with 'audio'");
    assertCheck(
        Doctor.audio(null, false, false, "/f", true),
        Status.WARN,
        "XDG_RUNTIME_DIR is unset",
        "audio");
    assertEquals("/s/native", Doctor.pulseSocket(Map.of("PULSE_SERVER", "unix:/s/native"), "/r"));
    assertEquals("/r/pulse/native", Doctor.pulseSocket(Map.of(), "/r"));
    assertEquals(null, Doctor.pulseSocket(Map.of(), null));

    assertEquals("/tmp/.X11-unix/X0", Doctor.x11Socket(":0"));
    assertEquals("/tmp/.X11-unix/X12", Doctor.x11Socket("unix:12.0"));
    assertEquals(null, Doctor.x11Socket("host:0"));
    assertCheck(Doctor.x11(null, null, false, true), Status.WARN, "DISPLAY is unset", "Xwayland");
    assertCheck(
        Doctor.x11("host:0", null, false, false), Status.WARN, "not a local display", "(:N)");
    assertCheck(
        Doctor.x11(":1", "/tmp/.X11-unix/X1", false, false), Status.WARN, "no socket", "DISPLAY");
    assertCheck(
        Doctor.x11(":1", "/tmp/.X11-unix/X1", true, true), Status.OK, "Xwayland listens", "");
    assertCheck(
        Doctor.x11(":1", "/tmp/.X11-unix/X1", true, false), Status.OK, "an X server listens", "");

    assertCheck(Doctor.systemd("unix:path=/r/bus", true), Status.OK, "user manager runs", "");
    assertCheck(
        Doctor.systemd("unix:path=/r/bus", false),
        Status.WARN,
        "systemd/private is missing",
        "enable-linger");
    assertCheck(Doctor.systemd(null, false), Status.WARN, "no session bus", "logind");

    assertCheck(
        Doctor.java(Runtime.Version.parse("17.0.15+6"), "/usr/lib/jvm/j17"),
        Status.OK,
        "Java 17.0.15+6 (/usr/lib/jvm/j17).",
        "");
    assertCheck(
        Doctor.java(Runtime.Version.parse("11.0.2"), null),
        Status.FAIL,
        "older than 17",
        "default-jre-headless");
  }

  /** A host that knows only what a test tells it. */
  static final class FakeHost implements DoctorHost {
    final Map<String, String> files = new HashMap<>();
    final Set<String> sockets = new HashSet<>();
    final Set<String> executables = new HashSet<>();
    final List<Boolean> sandboxes = new ArrayList<>();
    int abi = 7;
    List<String> globals = List.of();
    IOException waylandError;
    Probe base = Probe.ok();
    Probe overlay = Probe.ok();
    String portals;

    @Override
    public String portalCheck(String front, Map<String, String> env) {
      return portals;
    }

    @Override
    public String read(String path) {
      return files.get(path);
    }

    @Override
    public boolean isSocket(String path) {
      return sockets.contains(path);
    }

    @Override
    public boolean isExecutable(String path) {
      return executables.contains(path);
    }

    @Override
    public int landlockAbi() {
      return abi;
    }

    @Override
    public List<String> waylandGlobals(String socket) throws IOException {
      if (waylandError != null) {
        throw waylandError;
      }
      return globals;
    }

    @Override
    public Probe sandbox(boolean withOverlay) {
      sandboxes.add(withOverlay);
      return withOverlay ? overlay : base;
    }
  }

  static FakeHost desktopHost() {
    FakeHost h = new FakeHost();
    h.files.put("/proc/self/status", "Name:\tjava\nSeccomp:\t0\n");
    h.executables.addAll(
        List.of("/i/hsu-init", "/i/hsu-pulse-filter", "/i/hsu-launch", "/usr/bin/xdg-dbus-proxy"));
    h.sockets.addAll(
        List.of(
            "/run/user/1/wayland-0",
            "/run/user/1/bus",
            "/run/user/1/pulse/native",
            "/tmp/.X11-unix/X0",
            "/run/user/1/systemd/private"));
    h.globals = List.of("wl_compositor", "wp_security_context_manager_v1");
    return h;
  }

  static final Map<String, String> DESKTOP_ENV =
      Map.of("XDG_RUNTIME_DIR", "/run/user/1", "WAYLAND_DISPLAY", "wayland-0", "DISPLAY", ":0");

  static List<Check> run(FakeHost h, String init) {
    return Doctor.run(
        h,
        new Doctor.Inputs(
            DESKTOP_ENV,
            init,
            "/i/hsu-pulse-filter",
            "/i/hsu-launch",
            Runtime.Version.parse("17.0.15"),
            "/jvm"));
  }

  @Test
  void aDesktopThatHasEverythingPasses() {
    FakeHost h = desktopHost();
    List<Check> checks = run(h, "/i/hsu-init");
    assertEquals(
        List.of(
            "sandbox",
            "user namespaces",
            "apparmor",
            "landlock",
            "seccomp",
            "overlayfs",
            "wayland",
            "session bus",
            "xdg-dbus-proxy",
            "portals",
            "audio",
            "x11",
            "systemd",
            "java"),
        checks.stream().map(Check::name).toList());
    assertTrue(checks.stream().allMatch(c -> c.status() == Status.OK), checks.toString());
    assertTrue(Render.passed(checks));
    assertEquals(List.of(false, true), h.sandboxes);
  }

  @Test
  void blockedUserNamespacesFailAndSkipTheOverlayProbe() {
    FakeHost h = desktopHost();
    h.files.put("/proc/sys/user/max_user_namespaces", "0\n");
    h.base = Probe.failed("cannot create the sandbox namespaces: No space left on device");
    List<Check> checks = run(h, "/i/hsu-init");
    assertFalse(Render.passed(checks));
    assertEquals(List.of(false), h.sandboxes);
    Map<String, Check> by = new HashMap<>();
    checks.forEach(c -> by.put(c.name(), c));
    assertEquals(Status.FAIL, by.get("sandbox").status());
    assertCheck(by.get("user namespaces"), Status.FAIL, "user.max_user_namespaces = 0", "sysctl");
    assertEquals(Status.WARN, by.get("overlayfs").status());
  }

  @Test
  void withoutHsuInitNoSandboxRuns() {
    FakeHost h = desktopHost();
    List<Check> checks = run(h, "/nowhere/hsu-init");
    assertTrue(h.sandboxes.isEmpty());
    assertCheck(checks.get(0), Status.FAIL, "no hsu-init at \"/nowhere/hsu-init\"", "reinstall");
    assertCheck(
        run(new FakeHost(), null).get(0), Status.FAIL, "hsu-init is not known", "build hsu");
  }
}
