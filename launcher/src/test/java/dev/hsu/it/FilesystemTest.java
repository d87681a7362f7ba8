package dev.hsu.it;

import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the sandbox sees of the host's files, and where its writes go. */
class FilesystemTest extends SandboxTestBase {

  @Test
  void canaryInTheCallersHomeIsInvisible() {
    sb.profile().probe("stat", sb.canary.toString()).launch().assertErrno("ENOENT");
  }

  @Test
  void homeInsideHoldsNothingOfTheHostHome() {
    Result r = sb.profile().probe("ls", sb.home.toString()).launch().ok();
    assertFalse(r.lines().contains(Sandbox.CANARY_NAME), r::describe);
  }

  @Test
  void realHomeOfTheUserIsInvisible() {
    String realHome = System.getProperty("user.home");
    assumeTrue(
        realHome.startsWith("/home/") || realHome.equals("/root"),
        "the user's home " + realHome + " is not under /home");
    sb.profile().probe("stat", realHome).launch().assertErrno("ENOENT");
  }

  @Test
  void hostTmpIsInvisible() throws IOException {
    Path hostTmpFile = Files.createTempFile(Path.of("/tmp"), "hsu-it-tmp-canary-", ".txt");
    try {
      sb.profile().probe("stat", hostTmpFile.toString()).launch().assertErrno("ENOENT");
      Result ls = sb.profile().probe("ls", "/tmp").launch();
      if (ls.exit() == 0) {
        assertFalse(ls.lines().contains(hostTmpFile.getFileName().toString()), ls::describe);
      } else {
        ls.assertErrno("ENOENT");
      }
    } finally {
      Files.deleteIfExists(hostTmpFile);
    }
  }

  @Test
  void etcPasswdShowsTheUser() {
    Result r = sb.profile().probe("read", "/etc/passwd").launch().ok();
    String prefix = Sandbox.userName() + ":";
    String entry =
        r.lines().stream()
            .filter(l -> l.startsWith(prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no passwd entry for the user\n" + r.describe()));
    String[] f = entry.split(":", -1);
    assertEquals(7, f.length, r::describe);
    assertEquals(Integer.toString(tree.uid()), f[2], r::describe);
    assertEquals(Integer.toString(tree.gid()), f[3], r::describe);
    assertEquals(sb.home.toString(), f[5], r::describe);
  }

  @Test
  void readOnlyBindRefusesWrites() throws IOException {
    Path dir = sb.hostDir("ro");
    Files.writeString(dir.resolve("a.txt"), "original");
    String bind = "{bind: " + q(dir) + ", to: /data}";
    assertEquals(
        "original", sb.profile().fs(bind).probe("read", "/data/a.txt").launch().ok().stdout());
    sb.profile().fs(bind).probe("write", "/data/a.txt", "changed").launch().assertErrno("EROFS");
    sb.profile().fs(bind).probe("write", "/data/new.txt", "x").launch().assertErrno("EROFS");
    assertEquals("original", Files.readString(dir.resolve("a.txt")));
    assertFalse(Files.exists(dir.resolve("new.txt")));
  }

  @Test
  void writableBindAcceptsWritesAndTheHostSeesThem() throws IOException {
    Path dir = sb.hostDir("rw");
    String bind = "{bind: " + q(dir) + ", to: /data, writable: true}";
    sb.profile().fs(bind).probe("write", "/data/from-inside.txt", "hello host").launch().ok();
    Path written = dir.resolve("from-inside.txt");
    assertEquals("hello host", Files.readString(written));
    assertEquals(tree.uid(), (Integer) Files.getAttribute(written, "unix:uid"));
  }

  @Test
  void ephemeralOverlayWritesVanishAfterExit() throws IOException {
    Path lower = sb.hostDir("lower");
    Files.writeString(lower.resolve("base.txt"), "base");
    String overlay = "{overlay: /data, lower: [" + q(lower) + "], writes: ephemeral}";
    sb.profile().fs(overlay).probe("write", "/data/new.txt", "temp").launch().ok();
    assertFalse(Files.exists(lower.resolve("new.txt")), "the write reached the lower directory");
    sb.profile().fs(overlay).probe("stat", "/data/new.txt").launch().assertErrno("ENOENT");
    assertEquals(
        "base", sb.profile().fs(overlay).probe("read", "/data/base.txt").launch().ok().stdout());
  }

  @Test
  void persistentOverlayWritesSurviveIntoTheNextLaunch() throws IOException {
    Path lower = sb.hostDir("lower");
    Files.writeString(lower.resolve("base.txt"), "base");
    String overlay = "{overlay: /data, lower: [" + q(lower) + "], writes: persistent}";
    sb.profile().fs(overlay).probe("write", "/data/new.txt", "kept").launch().ok();
    sb.profile().fs(overlay).probe("write", "/data/base.txt", "changed").launch().ok();
    assertFalse(Files.exists(lower.resolve("new.txt")), "the write reached the lower directory");
    assertEquals("base", Files.readString(lower.resolve("base.txt")));
    assertEquals(
        "kept", sb.profile().fs(overlay).probe("read", "/data/new.txt").launch().ok().stdout());
    assertEquals(
        "changed", sb.profile().fs(overlay).probe("read", "/data/base.txt").launch().ok().stdout());
  }

  /** bubblewrap's test-run.sh finds these: the kernel unescapes upperdir= and workdir=. */
  @Test
  void overlayPathsMayHoldEveryCharacterMountOptionsTreatSpecially() throws IOException {
    String odd = "sp ace\"quo:col,com\\back";
    Path lower = sb.hostDir("lower " + odd);
    Path upper = sb.hostDir("upper " + odd);
    Path work = sb.hostDir("work " + odd);
    Files.writeString(lower.resolve("base.txt"), "base");
    String target = "/data " + odd;
    String overlay =
        "{overlay: "
            + q(target)
            + ", lower: ["
            + q(lower)
            + "], writes: persistent, upper: "
            + q(upper)
            + ", work: "
            + q(work)
            + "}";
    sb.profile().fs(overlay).probe("write", target + "/new.txt", "kept").launch().ok();
    assertEquals("kept", Files.readString(upper.resolve("new.txt")));
    assertEquals(
        "base",
        sb.profile().fs(overlay).probe("read", target + "/base.txt").launch().ok().stdout());
  }

  /** docs/profiles.md says which lower is on top; the sandbox must agree, for each way to write. */
  @Test
  void overlayLayerOrderIsTheDocumentedOne() throws IOException {
    String docs = Files.readString(Path.of("../docs/profiles.md"));
    assertTrue(
        docs.contains("the first `lower` entry is the top layer, the last the bottom"),
        "docs/profiles.md does not say which lower entry is on top");
    Path a = sb.hostDir("a");
    Path b = sb.hostDir("b");
    Files.writeString(a.resolve("f"), "from the first lower");
    Files.writeString(b.resolve("f"), "from the second lower");
    for (String writes : List.of("none", "ephemeral", "persistent")) {
      String overlay =
          "{overlay: /data, lower: [" + q(a) + ", " + q(b) + "], writes: " + writes + "}";
      assertEquals(
          "from the first lower",
          sb.profile().fs(overlay).probe("read", "/data/f").launch().ok().stdout(),
          "writes: " + writes);
    }
  }

  @Test
  void readOnlyOverlayUnitesLowersAndRefusesWrites() throws IOException {
    Path a = sb.hostDir("a");
    Path b = sb.hostDir("b");
    Files.writeString(a.resolve("a.txt"), "A");
    Files.writeString(b.resolve("b.txt"), "B");
    String overlay = "{overlay: /data, lower: [" + q(a) + ", " + q(b) + "], writes: none}";
    Result ls = sb.profile().fs(overlay).probe("ls", "/data").launch().ok();
    assertTrue(ls.lines().containsAll(List.of("a.txt", "b.txt")), ls::describe);
    sb.profile().fs(overlay).probe("write", "/data/c.txt", "x").launch().assertErrno("EROFS");
  }

  @Test
  void persistentHomeSurvivesAcrossLaunches() throws IOException {
    String notes = sb.home.resolve("notes.txt").toString();
    sb.profile().probe("write", notes, "remember me").launch().ok();
    assertEquals("remember me", sb.profile().probe("read", notes).launch().ok().stdout());
    Path onHost = sb.dataHome.resolve("hsu/apps/dev.hsu.it.App/home/notes.txt");
    assertEquals("remember me", Files.readString(onHost), "persistent home is ${APP_DATA}/home");
    assertFalse(Files.exists(sb.home.resolve("notes.txt")), "the write reached the host's HOME");
  }

  @Test
  void hostFilesGrantedBeneathThePersistentHomeAppearThere() throws IOException {
    Path docs = Files.createDirectories(sb.home.resolve("Documents"));
    Files.writeString(docs.resolve("letter.txt"), "dear user");
    Path conf = sb.hostDir("conf").resolve("app.conf");
    Files.writeString(conf, "setting=1");
    String docsBind = "{bind: " + q(docs) + "}";
    String confBind = "{bind: " + q(conf) + ", to: " + q(sb.home.resolve(".config/app.conf")) + "}";
    assertEquals(
        "dear user",
        sb.profile()
            .fs(docsBind)
            .fs(confBind)
            .probe("read", docs.resolve("letter.txt").toString())
            .launch()
            .ok()
            .stdout());
    assertEquals(
        "setting=1",
        sb.profile()
            .fs(docsBind)
            .fs(confBind)
            .probe("read", sb.home.resolve(".config/app.conf").toString())
            .launch()
            .ok()
            .stdout());
    sb.profile()
        .fs(docsBind)
        .probe("write", docs.resolve("new.txt").toString(), "x")
        .launch()
        .assertErrno("EROFS");
    // The mount points were made in the per-app home, empty: the host's files stay where they are.
    Path appHome = sb.dataHome.resolve("hsu/apps/dev.hsu.it.App/home");
    assertTrue(Files.isDirectory(appHome.resolve("Documents"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(appHome.resolve("Documents/letter.txt")));
    assertTrue(Files.isRegularFile(appHome.resolve(".config/app.conf"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(0, Files.size(appHome.resolve(".config/app.conf")));
  }

  @Test
  void aSymlinkPlantedAtAMountPointInThePersistentHomeIsRefused() throws IOException {
    Path docs = Files.createDirectories(sb.home.resolve("Documents"));
    Path secret = sb.hostDir("secret");
    Path appHome = Files.createDirectories(sb.dataHome.resolve("hsu/apps/dev.hsu.it.App/home"));
    // What an app could leave behind in its own home for the next launch.
    Files.createSymbolicLink(appHome.resolve("Documents"), secret);
    Result r = sb.profile().fs("{bind: " + q(docs) + "}").probe("ls", docs.toString()).launch();
    assertEquals(125, r.exit(), r::describe);
    assertTrue(r.stderr().contains("refusing to use"), r::describe);
    assertTrue(Files.isSymbolicLink(appHome.resolve("Documents")), "hsu replaced the app's link");
    try (var entries = Files.list(secret)) {
      assertEquals(0, entries.count(), "hsu wrote into the link's target");
    }
  }

  @Test
  void ephemeralHomeDoesNotSurvive() {
    String notes = sb.home.resolve("notes.txt").toString();
    sb.profile().yaml("home: ephemeral").probe("write", notes, "gone").launch().ok();
    sb.profile().yaml("home: ephemeral").probe("stat", notes).launch().assertErrno("ENOENT");
    assertFalse(Files.exists(sb.home.resolve("notes.txt")), "the write reached the host's HOME");
  }

  @Test
  void homeIsAWritableDirectoryOwnedByTheUser() {
    var f = sb.profile().probe("stat", sb.home.toString()).launch().fields();
    assertEquals("dir", f.get("type"));
    assertEquals(Integer.toString(tree.uid()), f.get("uid"));
  }

  @Test
  void fileEntryPlacesReadOnlyContent() {
    var p = sb.profile().fs("{file: /etc/hsu-it.conf, content: " + q("a = 1\n") + "}");
    assertEquals("a = 1\n", p.probe("read", "/etc/hsu-it.conf").launch().ok().stdout());
    p.probe("write", "/etc/hsu-it.conf", "b").launch().assertErrno("EROFS");
  }

  @Test
  void tmpfsEntryIsWritable() {
    sb.profile().fs("{tmpfs: /scratch}").probe("write", "/scratch/x", "y").launch().ok();
  }

  @Test
  void rootFilesystemIsReadOnly() {
    sb.profile().probe("write", "/usr/hsu-it-written", "x").launch().assertErrno("EROFS");
    sb.profile().probe("mkdir", "/hsu-it-dir").launch().assertErrno("EROFS");
  }

  @Test
  void hostRuntimeDirIsInvisible() throws IOException {
    Files.writeString(sb.runtimeDir.resolve("wayland-0"), "raw compositor socket stand-in");
    sb.profile()
        .probe("stat", sb.runtimeDir.resolve("wayland-0").toString())
        .launch()
        .assertErrno("ENOENT");
    var f = sb.profile().probe("stat", sb.runtimeDir.toString()).launch().fields();
    assertEquals("dir", f.get("type"));
    assertEquals("0700", f.get("mode"));
  }

  @Test
  void hostConfigIsInvisible() throws IOException {
    Path conf = Files.writeString(sb.configHome.resolve("hsu-it.conf"), "x");
    sb.profile().probe("stat", conf.toString()).launch().assertErrno("ENOENT");
  }

  @Test
  void profileIsInvisibleFromInside() {
    var p = sb.profile();
    Path written = p.write();
    p.probe("stat", written.toString()).launch().assertErrno("ENOENT");
  }

  @Test
  void homeCanBeAHostDirectory() throws IOException {
    Path dir = sb.hostDir("apphome");
    Files.writeString(dir.resolve("existing.txt"), "there");
    var p = sb.profile().yaml("home: " + q(dir));
    assertEquals(
        "there",
        p.probe("read", sb.home.resolve("existing.txt").toString()).launch().ok().stdout());
    p.probe("write", sb.home.resolve("new.txt").toString(), "written").launch().ok();
    assertEquals("written", Files.readString(dir.resolve("new.txt")));
  }

  @Test
  void oddCharactersInHostPaths() throws IOException {
    Path dir = sb.hostDir("with space,comma:colon\\back'quote\"dq");
    Files.writeString(dir.resolve("f.txt"), "odd");
    String bind = "{bind: " + q(dir) + ", to: /data}";
    assertEquals("odd", sb.profile().fs(bind).probe("read", "/data/f.txt").launch().ok().stdout());
    String overlay = "{overlay: /ov, lower: [" + q(dir) + "]}";
    var p = sb.profile().fs(overlay);
    assertEquals("odd", p.probe("read", "/ov/f.txt").launch().ok().stdout());
    p.probe("write", "/ov/g.txt", "x").launch().ok();
  }

  @Test
  void rootExcludeHidesAnEntry() {
    String name =
        Stream.of("srv", "opt", "boot")
            .filter(n -> Files.isDirectory(Path.of("/", n)))
            .findFirst()
            .orElse(null);
    assumeTrue(name != null, "no /srv, /opt or /boot on this host");
    sb.profile().probe("stat", "/" + name).launch().ok();
    sb.profile()
        .yaml("root: {exclude: [" + name + "]}")
        .probe("stat", "/" + name)
        .launch()
        .assertErrno("ENOENT");
  }

  @Test
  void minimalDev() {
    Result ls = sb.profile().probe("ls", "/dev").launch().ok();
    var allowed =
        Set.of(
            "null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "fd", "stdin",
            "stdout", "stderr", "ptmx", "core", "mqueue");
    assertTrue(
        ls.lines()
            .containsAll(List.of("null", "zero", "full", "random", "urandom", "tty", "pts", "shm")),
        ls::describe);
    assertTrue(allowed.containsAll(ls.lines()), ls::describe);
    var f = sb.profile().probe("stat", "/dev/null").launch().fields();
    assertEquals("chr", f.get("type"));
    assertEquals("1:3", f.get("rdev"));
    sb.profile().probe("write", "/dev/null", "discarded").launch().ok();
    sb.profile().probe("write", "/dev/hsu-it", "x").launch().assertErrno("EROFS");
  }

  @Test
  void symlinkMkdirAndRemountEntries() {
    var link =
        sb.profile()
            .fs("{symlink: /run/link, points-to: /run/probe}")
            .probe("stat", "/run/link")
            .launch()
            .fields();
    assertEquals("lnk", link.get("type"));
    var dir =
        sb.profile()
            .fs("{mkdir: /run/made, mode: \"0700\"}")
            .probe("stat", "/run/made")
            .launch()
            .fields();
    assertEquals("dir", dir.get("type"));
    assertEquals("0700", dir.get("mode"));
    sb.profile()
        .fs("{remount: /run, read-only: true}")
        .probe("write", "/run/x", "y")
        .launch()
        .assertErrno("EROFS");
  }

  /** Regular files (not symlinks) of host /etc, in a fixed order of preference. */
  private static List<String> regularEtcFiles() {
    return Stream.of("shells", "issue", "debian_version", "fstab", "login.defs", "adduser.conf")
        .filter(n -> Files.isRegularFile(Path.of("/etc", n), LinkOption.NOFOLLOW_LINKS))
        .toList();
  }

  @Test
  void etcMirrorsTheHostWithHsusOwnFiles() throws IOException {
    List<String> regular = regularEtcFiles();
    assumeTrue(!regular.isEmpty(), "no well-known regular file in /etc");
    String name = regular.get(0);
    var p = sb.profile().yaml("hostname: etc-box");
    assertEquals("etc-box\n", p.probe("read", "/etc/hostname").launch().ok().stdout());
    assertTrue(
        p.probe("read", "/etc/hosts").launch().ok().stdout().contains("etc-box"), "/etc/hosts");
    assertEquals(
        Files.readString(Path.of("/etc", name)),
        p.probe("read", "/etc/" + name).launch().ok().stdout());
    p.probe("write", "/etc/passwd", "root::0:0::/:/bin/sh\n").launch().assertErrno("EROFS");
    p.probe("write", "/etc/" + name, "x").launch().assertErrno("EROFS");
    p.probe("write", "/etc/hsu-it-new", "x").launch().assertErrno("EROFS");
  }

  @Test
  void etcRelativeSymlinksStillResolve() throws IOException {
    // Debian's /etc/os-release is "../usr/lib/os-release": it must resolve as on the host.
    Path osRelease = Path.of("/etc/os-release");
    assumeTrue(Files.isSymbolicLink(osRelease), "/etc/os-release is not a symlink here");
    assumeTrue(
        !Files.readSymbolicLink(osRelease).isAbsolute(), "/etc/os-release is an absolute link");
    Result r = sb.profile().probe("read", "/etc/os-release").launch();
    assertEquals(Files.readString(osRelease), r.ok().stdout(), r::describe);
  }

  @Test
  void etcNoneAndEtcOnly() {
    List<String> regular = regularEtcFiles();
    assumeTrue(regular.size() >= 2, "fewer than two well-known regular files in /etc");
    String kept = regular.get(0);
    String other = regular.get(1);
    sb.profile().yaml("etc: none").probe("stat", "/etc/" + kept).launch().assertErrno("ENOENT");
    sb.profile().yaml("etc: none").probe("read", "/etc/passwd").launch().ok();
    var only = sb.profile().yaml("etc: [" + kept + "]");
    only.probe("read", "/etc/" + kept).launch().ok();
    only.probe("stat", "/etc/" + other).launch().assertErrno("ENOENT");
  }
}
