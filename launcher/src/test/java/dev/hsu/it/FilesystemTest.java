package dev.hsu.it;

import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void readOnlyOverlayUnitesLowersAndRefusesWrites() throws IOException {
    Path a = sb.hostDir("a");
    Path b = sb.hostDir("b");
    Files.writeString(a.resolve("a.txt"), "A");
    Files.writeString(b.resolve("b.txt"), "B");
    String overlay = "{overlay: /data, lower: [" + q(a) + ", " + q(b) + "], writes: none}";
    Result ls = sb.profile().fs(overlay).probe("ls", "/data").launch().ok();
    assertTrue(ls.lines().containsAll(java.util.List.of("a.txt", "b.txt")), ls::describe);
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
}
