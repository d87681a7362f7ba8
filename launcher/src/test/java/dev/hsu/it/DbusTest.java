package dev.hsu.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dbus:} against a real dbus-daemon (a private one per test) with a dbus-java service that
 * owns two names on two connections; inside, the clients are gdbus (libglib2.0-bin) and dbus-send.
 * Without them the tests skip, or fail under HSU_REQUIRE_ALL=1.
 */
class DbusTest extends SandboxTestBase {
  static final String ALLOWED = "org.example.Allowed";
  static final String DENIED = "org.example.Denied";
  static final String PATH = "/org/example/Echo";
  static final String APP_ID = "dev.hsu.it.App";

  /** The method the test service exports under both names. */
  @DBusInterfaceName("org.example.Echo")
  public interface Echo extends DBusInterface {
    @SuppressWarnings("checkstyle:MethodName")
    String Echo(String text);
  }

  static final class EchoImpl implements Echo {
    private final String who;

    EchoImpl(String who) {
      this.who = who;
    }

    @Override
    public String Echo(String text) {
      return who + ":" + text;
    }

    @Override
    public String getObjectPath() {
      return PATH;
    }
  }

  /** A private bus and the connections of the service on it. */
  static final class Bus implements AutoCloseable {
    final Process daemon;
    final Path socket;
    final List<DBusConnection> services = new ArrayList<>();

    Bus(Path socket) throws Exception {
      this.socket = socket;
      daemon =
          new ProcessBuilder(
                  "dbus-daemon",
                  "--session",
                  "--nofork",
                  "--print-address=1",
                  "--address=unix:path=" + socket)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String line =
          new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (line == null || !Files.exists(socket)) {
        daemon.destroyForcibly();
        fail("dbus-daemon did not start");
      }
    }

    String address() {
      return "unix:path=" + socket;
    }

    /** A connection of its own owning {@code name}, exporting Echo. */
    void serve(String name) throws Exception {
      DBusConnection c = DBusConnectionBuilder.forAddress(address()).withShared(false).build();
      services.add(c);
      c.requestBusName(name);
      c.exportObject(PATH, new EchoImpl(name));
    }

    @Override
    public void close() {
      for (DBusConnection c : services) {
        try {
          c.close();
        } catch (IOException e) {
          // the daemon goes anyway
        }
      }
      daemon.destroy();
      try {
        daemon.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      daemon.destroyForcibly();
    }
  }

  Bus session;

  static void need(boolean ok, String what) {
    if (ok) return;
    if ("1".equals(System.getenv("HSU_REQUIRE_ALL"))) {
      fail(what + " (HSU_REQUIRE_ALL=1 makes this a failure instead of a skip)");
    }
    Assumptions.abort(what);
  }

  static boolean installed(String program) {
    for (String dir : List.of("/usr/bin", "/bin")) {
      if (Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }

  @BeforeEach
  void bus() throws Exception {
    need(installed("dbus-daemon"), "dbus-daemon is not installed (Debian package dbus)");
    need(installed("xdg-dbus-proxy"), "xdg-dbus-proxy is not installed");
    need(installed("gdbus"), "gdbus is not installed (Debian package libglib2.0-bin)");
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    session = new Bus(sb.root.resolve("bus"));
    session.serve(ALLOWED);
    session.serve(DENIED);
    sb.extraEnv.put("DBUS_SESSION_BUS_ADDRESS", session.address());
  }

  @AfterEach
  void stopBus() {
    if (session != null) session.close();
  }

  static String call(String bus, String dest) {
    return "gdbus call --"
        + bus
        + " --dest "
        + dest
        + " --object-path "
        + PATH
        + " --method org.example.Echo.Echo hi 2>&1 | sed 's/^Error:"
        + " GDBus.Error:\\([^:]*\\):.*/\\1/'";
  }

  static String requestName(String name) {
    return "gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus"
        + " --method org.freedesktop.DBus.RequestName "
        + name
        + " 0 2>&1"
        + " | sed 's/^Error: GDBus.Error:\\([^:]*\\):.*/\\1/'";
  }

  /** xdg-dbus-proxy processes of this user, by pid. */
  static Set<Long> proxies() {
    String user = System.getProperty("user.name");
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/xdg-dbus-proxy")).orElse(false))
        .filter(p -> p.info().user().map(user::equals).orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  @Test
  void theAppTalksToTheGrantedNameOnly() {
    Set<Long> before = proxies();
    Result r =
        sb.profile()
            .yaml("dbus:\n  session:\n    talk: [" + ALLOWED + "]")
            .command(
                "/bin/sh",
                "-c",
                "echo $DBUS_SESSION_BUS_ADDRESS; "
                    + call("session", ALLOWED)
                    + "; "
                    + call("session", DENIED))
            .launch()
            .ok();
    assertEquals(
        List.of(
            "unix:path=" + sb.runtimeDir.resolve("bus"),
            "('" + ALLOWED + ":hi',)",
            "org.freedesktop.DBus.Error.ServiceUnknown"),
        r.lines(),
        r::describe);
    assertEquals(List.of(), sb.leftoverInstances());
    assertEquals(before, proxies(), "an xdg-dbus-proxy outlived the sandbox");
  }

  @Test
  void theAppOwnsItsIdAndBelowOnly() {
    Result r =
        sb.profile()
            .yaml("dbus:\n  session: true")
            .command(
                "/bin/sh",
                "-c",
                requestName(APP_ID + ".x")
                    + "; "
                    + requestName(APP_ID)
                    + "; "
                    + requestName("org.example.Other")
                    + "; "
                    + call("session", ALLOWED))
            .launch()
            .ok();
    assertEquals(
        List.of(
            "(uint32 1,)",
            "(uint32 1,)",
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.ServiceUnknown"),
        r.lines(),
        r::describe);
  }

  @Test
  void oneProxyForBothBusesGoneWithTheSandbox() throws Exception {
    try (Bus system = new Bus(sb.root.resolve("system_bus"))) {
      system.serve(ALLOWED);
      sb.extraEnv.put("DBUS_SYSTEM_BUS_ADDRESS", system.address());
      Set<Long> before = proxies();
      Sandbox.Profile p =
          sb.profile()
              .yaml("dbus:\n  session: true\n  system:\n    talk: [" + ALLOWED + "]")
              .command(
                  "/bin/sh",
                  "-c",
                  "echo $DBUS_SYSTEM_BUS_ADDRESS; "
                      + call("system", ALLOWED)
                      + "; echo ready; exec sleep 60");
      try (Running run = p.start()) {
        run.awaitLine("ready"::equals, Duration.ofSeconds(30));
        List<String> lines = run.snapshot().lines();
        assertEquals(
            List.of("unix:path=/run/dbus/system_bus_socket", "('" + ALLOWED + ":hi',)", "ready"),
            lines);
        Set<Long> now = proxies();
        now.removeAll(before);
        assertEquals(1, now.size(), "xdg-dbus-proxy processes: " + now);
        long proxy = now.iterator().next();
        assertTrue(
            ProcessHandle.of(run.pid()).orElseThrow().descendants().anyMatch(d -> d.pid() == proxy),
            "the proxy is not in the supervisor's tree");
        List<String> ids = sb.leftoverInstances();
        assertEquals(1, ids.size(), ids::toString);
        try (var files = Files.list(sb.runtimeDir.resolve("hsu").resolve(ids.get(0)))) {
          // Besides the instance record's files (written once the app runs: docs/instances.md).
          assertEquals(
              List.of("bus", "pid", "system_bus_socket"),
              files
                  .map(f -> f.getFileName().toString())
                  .filter(n -> !List.of("record", "plan", "exit").contains(n))
                  .sorted()
                  .toList());
        }
        run.process().destroy(); // SIGTERM to hsu-init: the app ends, then the proxy
        Result r = run.await(Duration.ofSeconds(30));
        assertEquals(143, r.exit(), r::describe);
      }
      assertEquals(List.of(), sb.leftoverInstances());
      assertEquals(before, proxies(), "an xdg-dbus-proxy outlived the sandbox");
    }
  }

  @Test
  void withoutTheKeyNoBusInside() {
    Result r =
        sb.profile()
            .command(
                "/bin/sh",
                "-c",
                "printenv DBUS_SESSION_BUS_ADDRESS DBUS_SYSTEM_BUS_ADDRESS || echo unset;"
                    + " test -e \"$XDG_RUNTIME_DIR/bus\" || echo no-session-bus;"
                    + " test -e /run/dbus/system_bus_socket || echo no-system-bus;"
                    + " DBUS_SESSION_BUS_ADDRESS="
                    + session.address()
                    + " "
                    + call("session", ALLOWED)
                    + " | grep -c \""
                    + ALLOWED
                    + ":hi\"")
            .launch();
    assertEquals(List.of("unset", "no-session-bus", "no-system-bus", "0"), r.lines(), r::describe);
  }

  @Test
  void aMissingBusIsOneSentence() {
    Path none = sb.root.resolve("no-bus");
    sb.extraEnv.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + none);
    Result r = sb.profile().yaml("dbus:\n  session: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertEquals(
        "hsu: the profile asks for the D-Bus session bus, but there is no bus socket at \""
            + none
            + "\" (from DBUS_SESSION_BUS_ADDRESS)\n",
        r.stderr());
    sb.extraEnv.put("DBUS_SESSION_BUS_ADDRESS", "tcp:host=localhost,port=1");
    r = sb.profile().yaml("dbus:\n  session: true").command("/bin/true").launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(
        r.stderr().startsWith("hsu: ")
            && r.stderr().lines().count() == 1
            && r.stderr().contains("the D-Bus session bus address")
            && r.stderr()
                .endsWith(
                    " is not supported: hsu proxies unix:path= and unix:abstract="
                        + " addresses\n"),
        r::describe);
    assertEquals(List.of(), sb.leftoverInstances());
  }

  @Test
  void checkWarnsAndCompileShowsTheFilter() {
    Path f = sb.profile().yaml("dbus:\n  session:\n    talk: [org.freedesktop.systemd1]").write();
    Result r = sb.hsu("check", f.toString());
    assertEquals(0, r.exit(), r::describe);
    assertTrue(
        r.stderr().contains("warning: D-Bus 'talk' to 'org.freedesktop.systemd1'"), r::describe);
    Result compiled =
        sb.hsu(
            "compile",
            sb.profile().yaml("dbus:\n  session:\n    talk: [" + ALLOWED + "]").write().toString());
    assertEquals(0, compiled.exit(), compiled::describe);
    assertTrue(
        compiled.stdout().contains("  dbus session talk to \"" + ALLOWED + "\"\n"),
        compiled::describe);
    assertTrue(
        compiled.stdout().contains("  dbus session own \"" + APP_ID + "\", \"" + APP_ID + ".*\"\n"),
        compiled::describe);
  }
}
