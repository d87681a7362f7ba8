package dev.hsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.profile.Loader;
import dev.hsu.systemd.FakeSystemd;
import dev.hsu.systemd.ScopeException;
import dev.hsu.systemd.Scopes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process tests of hsu desktop, hsu systemd, and the scope step of hsu launch. */
final class MenusAndServicesTest {
  @TempDir Path tmp;
  Path home;
  Path hsuHome;
  Layout layout;
  Path dataDir;
  Map<String, String> env;
  String out;
  String err;
  final List<String> events = new ArrayList<>();
  boolean realScopes;

  static final class Exec extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(tmp.resolve("home"));
    hsuHome = Files.createDirectories(tmp.resolve("hsu home"));
    Path hsu = Files.writeString(hsuHome.resolve("hsu"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(hsu, PosixFilePermissions.fromString("rwxr-xr-x"));
    layout = Layout.checkout(hsuHome);
    dataDir = Files.createDirectories(tmp.resolve("share/applications"));
    env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("USER", "user");
    env.put("PATH", "/nonexistent");
    env.put("XDG_DATA_DIRS", tmp.resolve("share").toString());
    env.put("XDG_RUNTIME_DIR", tmp.resolve("run").toString());
  }

  Context ctx() {
    return new Context(
        env,
        layout,
        new Context.Ids() {
          @Override
          public int uid() {
            return 1000;
          }

          @Override
          public int gid() {
            return 1000;
          }
        },
        (host, baseDirs, file) -> new Loader(host, baseDirs).load(file),
        new FakeLaunchHost() {
          @Override
          public void exec(String init, byte[] plan, List<String> environment) {
            events.add("exec " + System.nanoTime());
            throw new MenusAndServicesTest.Exec();
          }

          @Override
          public Scopes.Outcome startScope(Map<String, String> e, Scopes.Request request)
              throws ScopeException {
            if (!realScopes) {
              return new Scopes.Outcome(null, null);
            }
            Scopes.Outcome o = Scopes.start(e, request, java.time.Duration.ofSeconds(10));
            events.add("scope " + o.unit());
            return o;
          }
        });
  }

  int run(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            ctx());
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    assertFalse(err.contains("\tat "), "stack trace in stderr:\n" + err);
    return code;
  }

  Path profile(String text) throws IOException {
    return Files.writeString(tmp.resolve("app.yaml"), text);
  }

  static final String APP = "id: org.example.App\nname: Example\ncommand: [app]\n";

  Path entry() {
    return home.resolve(".local/share/applications/hsu.org.example.App.desktop");
  }

  Path unit() {
    return home.resolve(".config/systemd/user/hsu-org.example.App.service");
  }

  /** An installed hsu: PREFIX/bin/hsu, the shipped profiles in PREFIX/share/hsu/profiles/apps. */
  Path installedPrefix() throws IOException {
    Path prefix = tmp.resolve("usr");
    Path hsu = Files.createDirectories(prefix.resolve("bin")).resolve("hsu");
    Files.writeString(hsu, "#!/bin/sh\n");
    Files.setPosixFilePermissions(hsu, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path apps = Files.createDirectories(prefix.resolve("share/hsu/profiles/apps"));
    Files.writeString(apps.resolve("app.yaml"), APP);
    layout = Layout.installed(prefix);
    return prefix;
  }

  @Test
  void installedHsuWritesItsOwnCommandAndFindsShippedProfilesByName() throws IOException {
    Files.writeString(
        dataDir.resolve("app.desktop"),
        "[Desktop Entry]\nType=Application\nName=App\nExec=app %U\n");
    Path prefix = installedPrefix();
    Path shipped = prefix.resolve("share/hsu/profiles/apps/app.yaml");
    assertEquals(0, run("desktop", "install", "app"), err);
    String e = Files.readString(entry());
    assertTrue(e.contains("\nExec=" + prefix + "/bin/hsu launch " + shipped + " -- %U\n"), e);
    assertEquals(0, run("systemd", "install", "app"), err);
    String u = Files.readString(unit());
    assertTrue(
        u.contains("\nExecStart=\"" + prefix + "/bin/hsu\" \"launch\" \"" + shipped + "\"\n"), u);
  }

  @Test
  void desktopInstallIsIdempotentAndRemoveAndListFollow() throws IOException {
    Files.writeString(
        dataDir.resolve("app.desktop"),
        "[Desktop Entry]\nType=Application\nName=App\nExec=app %U\nTryExec=app\n");
    Path p = profile(APP);
    assertEquals(0, run("desktop", "install", p.toString()), err);
    assertEquals("installed " + entry() + "\n", out);
    String first = Files.readString(entry());
    assertTrue(first.contains("\nExec=\"" + hsuHome + "/hsu\" launch " + p + " -- %U\n"), first);
    assertFalse(first.contains("TryExec"), first);
    assertEquals(0, run("desktop", "install", p.toString()), err);
    assertEquals("unchanged " + entry() + "\n", out);
    assertEquals(0, run("desktop", "list"));
    assertEquals(entry() + "\t" + p + "\n", out);
    assertEquals(0, run("desktop", "remove", p.toString()), err);
    assertEquals("removed " + entry() + "\n", out);
    assertFalse(Files.exists(entry()));
    assertEquals(0, run("desktop", "remove", "org.example.App"), err);
    assertEquals("not installed " + entry() + "\n", out);
    assertEquals(0, run("desktop", "list"));
    assertEquals("", out);
  }

  @Test
  void filesHsuDidNotWriteAreNeverTouched() throws IOException {
    Path p = profile(APP);
    Files.createDirectories(entry().getParent());
    Files.writeString(entry(), "[Desktop Entry]\nType=Application\nName=Mine\nExec=mine\n");
    Files.writeString(
        entry().resolveSibling("hsu.other.Thing.desktop"), "[Desktop Entry]\nName=x\n");
    assertEquals(1, run("desktop", "install", p.toString()));
    assertTrue(err.startsWith("hsu: \"" + entry() + "\" exists and was not written by hsu"), err);
    assertEquals(1, run("desktop", "remove", p.toString()));
    assertTrue(Files.readString(entry()).contains("Name=Mine"));
    assertEquals(0, run("desktop", "list"));
    assertEquals("", out);
    // A symlink in the way is not followed.
    Files.delete(entry());
    Path target = Files.writeString(tmp.resolve("target"), "precious\n");
    Files.createSymbolicLink(entry(), target);
    assertEquals(1, run("desktop", "install", p.toString()));
    assertTrue(err.contains("is a symbolic link"), err);
    assertEquals("precious\n", Files.readString(target));

    Files.createDirectories(unit().getParent());
    Files.writeString(unit(), "[Service]\nExecStart=/bin/true\n");
    assertEquals(1, run("systemd", "install", p.toString()));
    assertEquals(1, run("systemd", "remove", p.toString()));
    assertEquals("[Service]\nExecStart=/bin/true\n", Files.readString(unit()));
  }

  @Test
  void desktopEntryNamedInTheProfileMustExist() throws IOException {
    Path p = profile(APP + "desktop: missing.desktop\n");
    assertEquals(1, run("desktop", "install", p.toString()));
    assertTrue(err.startsWith("hsu: no desktop entry \"missing.desktop\" in "), err);
    assertEquals(2, run("desktop", "install", profile("id: bad\n").toString()));
    assertEquals(2, run("desktop"));
    assertTrue(err.contains("install, remove or list"), err);
  }

  @Test
  void withoutAnEntryAMinimalOneIsWrittenWithANote() throws IOException {
    assertEquals(0, run("desktop", "install", profile(APP).toString()));
    assertTrue(err.contains("hsu: note: no desktop entry \"org.example.App.desktop\""), err);
    assertTrue(Files.readString(entry()).contains("\nName=Example (hsu)\n"));
  }

  @Test
  void systemdInstallRemoveList() throws IOException {
    Path p = profile(APP + "service: {restart: always, restart-sec: 2s}\n");
    assertEquals(0, run("systemd", "install", p.toString()), err);
    assertEquals("installed " + unit() + "\n", out);
    assertTrue(err.contains("no systemd user manager runs"), err);
    String u = Files.readString(unit());
    assertTrue(u.contains("\nRestart=always\nRestartSec=2s\n"), u);
    assertTrue(u.contains("\nExecStart=\"" + hsuHome + "/hsu\" \"launch\" \"" + p + "\"\n"), u);
    assertEquals(0, run("systemd", "install", p.toString()));
    assertEquals("unchanged " + unit() + "\n", out);
    assertEquals(0, run("systemd", "list"));
    assertEquals(unit() + "\t" + p + "\n", out);
    assertEquals(1, run("systemd", "install", "--enable", p.toString()));
    assertTrue(err.contains("no systemd user manager runs to enable it"), err);
    assertEquals(0, run("systemd", "remove", "org.example.App"));
    assertEquals("removed " + unit() + "\n", out);
    assertEquals(0, run("systemd", "remove", p.toString()));
    assertEquals("not installed " + unit() + "\n", out);
  }

  @Test
  void launchStartsTheScopeAndWaitsBeforeExec() throws Exception {
    realScopes = true;
    Path runtime = Files.createDirectories(tmp.resolve("run/systemd"));
    Files.writeString(runtime.resolve("private"), "");
    Path p = profile(APP + "limits: {memory: 64M, tasks: 32}\n");
    env.put("HSU_INIT", "/opt/hsu-init");
    try (FakeSystemd bus = new FakeSystemd(Files.createDirectories(tmp.resolve("bus")), true)) {
      bus.delayMillis = 300;
      env.put("DBUS_SESSION_BUS_ADDRESS", bus.address);
      assertEquals(125, run("launch", p.toString()), err);
      assertTrue(err.startsWith("hsu: internal error: " + Exec.class.getName()), err);
      long pid = ProcessHandle.current().pid();
      assertEquals("scope app-hsu-org.example.App-" + pid + ".scope", events.get(0));
      assertTrue(events.get(1).startsWith("exec "), events.toString());
      long exec = Long.parseLong(events.get(1).substring(5));
      assertTrue(exec >= bus.emitted.get(0), "exec only after JobRemoved");
      assertEquals(
          List.of(
              "Description s Example (hsu sandbox)",
              "PIDs au [" + pid + "]",
              "CollectMode s inactive-or-failed",
              "MemoryMax t 67108864",
              "TasksMax t 32"),
          bus.calls.get(0).properties());
    }
  }

  @Test
  void limitsWithoutAManagerFailTheLaunchInOneSentence() throws IOException {
    realScopes = true;
    Path p = profile(APP + "limits: {tasks: 32}\n");
    env.put("HSU_INIT", "/opt/hsu-init");
    assertEquals(125, run("launch", p.toString()));
    assertTrue(err.startsWith("hsu: the profile sets 'limits', which needs the systemd user"), err);
    assertEquals(1, err.strip().split("\n").length, err);
    assertTrue(events.isEmpty(), events.toString());
    // Without limits and without a bus: quiet, and the launch goes on.
    assertEquals(125, run("launch", profile(APP).toString()));
    assertTrue(err.startsWith("hsu: internal error: " + Exec.class.getName()), err);
    assertEquals("scope null", events.get(0));
    assertTrue(events.get(1).startsWith("exec "), events.toString());
  }
}
