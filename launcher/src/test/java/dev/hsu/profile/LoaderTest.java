package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, every key of a full profile, variables, rendering and host facts. */
final class LoaderTest {
  @TempDir Path dir;

  static Profile ok(Path file) {
    Loader.Result r = TestHost.loader().load(file);
    assertTrue(r.ok(), () -> "loads: " + r.diagnostics().stream().map(Loader::render).toList());
    assertTrue(
        r.diagnostics().stream().allMatch(d -> d.severity() == Diagnostic.Severity.WARNING),
        () -> r.diagnostics().toString());
    return r.profile();
  }

  Loader.Result load(String text) throws IOException {
    Path f = dir.resolve("app.yaml");
    Files.writeString(f, text);
    return TestHost.loader().load(f);
  }

  @Test
  void minimalProfileGetsEveryDefault() {
    Path file = TestHost.RESOURCES.resolve("good/minimal.yaml");
    Profile p = ok(file);
    assertEquals(file, p.source());
    assertEquals("org.example.Hello", p.id());
    assertEquals("org.example.Hello", p.name());
    assertEquals(List.of("hello"), p.command());
    assertEquals(AbsPath.of("/home/user"), p.cwd());
    assertEquals(
        Map.of(
            "HOME", "/home/user",
            "USER", "user",
            "LOGNAME", "user",
            "PATH", "/usr/local/bin:/usr/bin:/bin",
            "XDG_RUNTIME_DIR", "/run/user/1000",
            "SHELL", "/bin/sh"),
        p.env().set());
    assertEquals(List.of("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "TZ"), p.env().pass());
    assertEquals("hsu", p.hostname());
    assertEquals(new Profile.Ids(1000, 1000), p.ids());
    assertEquals(
        new Profile.Home.Persistent(
            AbsPath.of("/home/user/.local/share/hsu/apps/org.example.Hello/home")),
        p.home());
    assertEquals(new Profile.Root(true, List.of()), p.root());
    assertEquals(new Profile.Etc(Profile.Etc.Kind.MIRROR, List.of()), p.etc());
    assertEquals(Profile.Network.NONE, p.network());
    assertEquals(List.of(), p.devices());
    assertEquals(List.of(), p.filesystem());
    assertEquals(List.of(), p.daemons());
    assertEquals(Duration.ofSeconds(2), p.waitDelay());
    assertEquals(TestHost.HOST, p.host());
  }

  @Test
  void fullProfileReadsEveryKey() {
    Profile p = ok(TestHost.RESOURCES.resolve("good/full.yaml"));
    String data = "/home/user/.local/share/hsu/apps/org.example.Full";
    assertEquals("Full Example", p.name());
    assertEquals(List.of("/usr/bin/full", "--data", data + "/x", "cost: $5"), p.command());
    assertEquals(AbsPath.of("/home/user/work"), p.cwd());
    assertEquals("/home/user/.local/share/full", p.env().set().get("DATA"));
    assertEquals("/run/user/1000/full", p.env().set().get("RUNTIME"));
    assertEquals("user:1000:1000:org.example.Full", p.env().set().get("WHO"));
    assertEquals(List.of("TERM"), p.env().pass());
    assertEquals("full.example", p.hostname());
    assertEquals(new Profile.Ids(0, 100), p.ids());
    assertEquals(new Profile.Home.Ephemeral(), p.home());
    assertEquals(new Profile.Root(false, List.of("opt", "srv")), p.root());
    assertEquals(new Profile.Etc(Profile.Etc.Kind.ONLY, List.of("passwd", "fonts")), p.etc());
    assertEquals(Profile.Network.HOST, p.network());
    assertEquals(
        List.of(
            new Profile.Device(AbsPath.of("/dev/dri"), false),
            new Profile.Device(AbsPath.of("/dev/video0"), true)),
        p.devices());
    List<FsEntry> fs = p.filesystem();
    assertEquals(
        new FsEntry.Bind(
            AbsPath.of("/home/user/Music"), AbsPath.of("/music"), true, false, true, false),
        fs.get(0));
    assertEquals(
        new FsEntry.Bind(
            AbsPath.of("/home/user/Downloads"),
            AbsPath.of("/home/user/Downloads"),
            false,
            false,
            false,
            true),
        fs.get(1));
    assertEquals(new FsEntry.Tmpfs(AbsPath.of("/scratch"), 1L << 30, 0700, false), fs.get(2));
    assertEquals(
        new FsEntry.Overlay(
            AbsPath.of("/usr/share/fonts"),
            List.of(AbsPath.of("/usr/share/fonts"), AbsPath.of("/usr/local/share/fonts")),
            Writes.NONE,
            null,
            null),
        fs.get(3));
    assertEquals(
        new FsEntry.Overlay(
            AbsPath.of("/opt/app"),
            List.of(AbsPath.of("/opt/app")),
            Writes.PERSISTENT,
            AbsPath.of(data + "/overlay/opt-app/upper"),
            AbsPath.of(data + "/overlay/opt-app/work")),
        fs.get(4));
    assertEquals(
        new FsEntry.Overlay(
            AbsPath.of("/var/lib/app"),
            List.of(AbsPath.of("/var/lib/app")),
            Writes.PERSISTENT,
            AbsPath.of(data + "/var/upper"),
            AbsPath.of(data + "/var/work")),
        fs.get(5));
    assertEquals(
        new FsEntry.Overlay(
            AbsPath.of("/etc/app"), List.of(AbsPath.of("/etc/app")), Writes.EPHEMERAL, null, null),
        fs.get(6));
    assertEquals(new FsEntry.Symlink(AbsPath.of("/usr/bin/python"), "python3", false), fs.get(7));
    assertEquals(
        new FsEntry.Symlink(AbsPath.of("/etc/localtime"), "/etc/localtime", true), fs.get(8));
    assertEquals(
        new FsEntry.File(AbsPath.of("/etc/app.conf"), "home=/home/user\n", 0600), fs.get(9));
    assertEquals(new FsEntry.Mkdir(AbsPath.of("/srv/cache"), 0755), fs.get(10));
    assertEquals(new FsEntry.Remount(AbsPath.of("/srv"), true, true, true), fs.get(11));
    assertEquals(12, fs.size());
    assertEquals(
        List.of(
            new Profile.Daemon(
                AbsPath.of("/usr/bin/helper"),
                List.of("--socket", "/run/user/1000/helper.sock"),
                AbsPath.of("/run/user/1000/helper.sock"),
                Duration.ofMillis(500)),
            new Profile.Daemon(
                AbsPath.of("/usr/bin/other"),
                List.of(),
                AbsPath.of("/tmp/ready"),
                Duration.ofSeconds(5))),
        p.daemons());
    assertEquals(Duration.ofSeconds(10), p.waitDelay());
  }

  @Test
  void homeAsHostPathAndPartialIds() throws IOException {
    Loader.Result r =
        load("id: a.b\ncommand: [x]\nhome: ${HOME}/sandboxes/a\nids: {gid: 7}\nname: A\n");
    assertTrue(r.ok());
    assertEquals(
        new Profile.Home.HostDir(AbsPath.of("/home/user/sandboxes/a")), r.profile().home());
    assertEquals(new Profile.Ids(1000, 7), r.profile().ids());
  }

  @Test
  void envSetOverridesAlwaysSetVariables() throws IOException {
    Loader.Result r = load("id: a.b\ncommand: [x]\nenv:\n  set: {PATH: /opt/bin, EMPTY: ''}\n");
    assertEquals("/opt/bin", r.profile().env().set().get("PATH"));
    assertEquals("", r.profile().env().set().get("EMPTY"));
  }

  @Test
  void dollarDollarIsALiteralDollar() throws IOException {
    Loader.Result r = load("id: a.b\ncommand: [sh, -c, 'echo $$HOME $${HOME} ${HOME}']\n");
    assertEquals(List.of("sh", "-c", "echo $HOME ${HOME} /home/user"), r.profile().command());
  }

  @Test
  void otherDollarsStayAsTheyAre() throws IOException {
    Loader.Result r = load("id: a.b\ncommand: [sh, -c, 'echo $1 $HOME $(id) $']\n");
    assertEquals(List.of("sh", "-c", "echo $1 $HOME $(id) $"), r.profile().command());
  }

  @Test
  void shippedAppProfilesLoad() throws IOException {
    Path apps = Path.of("../profiles/apps");
    Loader loader = new Loader(TestHost.HOST, List.of(Path.of("../profiles/base")));
    try (var files = Files.list(apps)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Loader.Result r = loader.load(f);
        assertTrue(r.ok(), () -> r.diagnostics().stream().map(Loader::render).toList().toString());
      }
    }
  }

  @Test
  void variablesAreNotExpandedWhereTheyDoNotBelong() throws IOException {
    Loader.Result r = load("id: a.b\ncommand: [x]\nname: costs ${HOME}\n");
    assertEquals("costs ${HOME}", r.profile().name());
  }

  @Test
  void unknownVariablePointsAtTheDollar() throws IOException {
    Loader.Result r = load("id: a.b\ncommand:\n  - x\n  - --dir=${APPDATA}/x\n");
    assertNull(r.profile());
    Diagnostic d = r.diagnostics().get(0);
    assertEquals(4, d.line());
    assertEquals(11, d.column());
    assertTrue(d.message().contains("did you mean '${APP_DATA}'?"), d.message());
    assertTrue(d.message().contains("known: HOME, USER, UID, GID"), d.message());
  }

  @Test
  void pathProblemAfterExpansionNamesTheOriginal() throws IOException {
    Loader.Result r = load("id: a.b\ncommand: [x]\ncwd: ${HOME}/\n");
    assertEquals(
        "path \"/home/user/\" ends with '/' (after expanding \"${HOME}/\")",
        r.diagnostics().get(0).message());
  }

  @Test
  void sharedDefaultOverlayDirectoryIsAnError() throws IOException {
    Loader.Result r =
        load(
            "id: a.b\ncommand: [x]\nfilesystem:\n  - overlay: /a/b\n    writes: persistent\n"
                + "  - overlay: /a-b\n    writes: persistent\n");
    assertNull(r.profile());
    assertEquals(6, r.diagnostics().get(0).line());
    assertTrue(r.diagnostics().get(0).message().contains("would share the directory"));
  }

  @Test
  void allProblemsOfAFileAreReportedTogetherInOrder() throws IOException {
    Loader.Result r =
        load("id: bad\ncommand: app\nnetwork: hots\nhostname: -x\nwait-delay: 1h\nbogus: 1\n");
    assertEquals(
        List.of(1, 2, 3, 4, 5, 6), r.diagnostics().stream().map(Diagnostic::line).toList());
  }

  @Test
  void renderShowsLineAndCaret() throws IOException {
    Loader.Result r =
        load("id: a.b\ncommand: [x]\nfilesystem:\n  - bind: /srv\n    writeable: true\n");
    Diagnostic d = r.diagnostics().get(0);
    Diagnostic shortName =
        new Diagnostic(
            Path.of("app.yaml"), d.line(), d.column(), d.severity(), d.message(), d.sourceLine());
    assertEquals(
        "app.yaml:5:5: error: unknown key 'writeable' in a bind entry (did you mean 'writable'?)\n"
            + "    5 |     writeable: true\n"
            + "      |     ^",
        Loader.render(shortName));
  }

  @Test
  void renderEscapesControlCharactersAndKeepsTheCaretAligned() {
    Diagnostic d =
        new Diagnostic(
            Path.of("a\nb.yaml"),
            3,
            9,
            Diagnostic.Severity.ERROR,
            "bad \u001b[2J",
            "\tkey: \u001bvalue");
    assertEquals(
        "a\\nb.yaml:3:9: error: bad \\x1b[2J\n"
            + "    3 | \\tkey: \\x1bvalue\n"
            + "      |             ^",
        Loader.render(d));
  }

  @Test
  void renderWithoutPosition() {
    Diagnostic d = new Diagnostic(Path.of("x.yaml"), 0, 0, Diagnostic.Severity.ERROR, "too big");
    assertEquals("x.yaml: error: too big", Loader.render(d));
  }

  @Test
  void missingFileIsOneSentence() {
    Loader.Result r = TestHost.loader().load(dir.resolve("nope.yaml"));
    assertNull(r.profile());
    assertEquals(1, r.diagnostics().size());
    assertTrue(
        Loader.render(r.diagnostics().get(0))
            .endsWith("error: cannot read the profile: No such file or directory"));
  }

  @Test
  void hostFactsFromEnvironment() {
    Profile.Host h =
        HostFacts.fromEnvironment(Map.of("HOME", "/home/u/", "USER", "envuser"), 1001, 1002, null);
    assertEquals(
        new Profile.Host(
            "envuser",
            1001,
            1002,
            AbsPath.of("/home/u"),
            // Without XDG_RUNTIME_DIR: hsu's rule (RuntimeDirTest).
            dev.hsu.base.RuntimeDir.of(Map.of(), 1001),
            AbsPath.of("/home/u/.local/share")),
        h);
    Profile.Host h2 =
        HostFacts.fromEnvironment(
            Map.of("HOME", "/h", "XDG_RUNTIME_DIR", "/tmp/rt", "XDG_DATA_HOME", "relative"),
            5,
            6,
            "name");
    assertEquals("name", h2.user());
    assertEquals(AbsPath.of("/tmp/rt"), h2.xdgRuntimeDir());
    assertEquals(AbsPath.of("/h/.local/share"), h2.xdgDataHome());
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> HostFacts.fromEnvironment(Map.of(), 1, 1, "u"));
    assertNotNull(e.getMessage());
  }
}
