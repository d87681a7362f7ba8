package dev.hsu.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hsu's runtime directory: the rule, and the checks of the fallback before hsu uses it. */
final class RuntimeDirTest {
  @TempDir Path tmp;

  private int me() throws IOException {
    return (Integer) Files.getAttribute(tmp, "unix:uid");
  }

  @Test
  void xdgRuntimeDirWinsWhenAbsolute() throws IOException {
    Path session = Files.createDirectory(tmp.resolve("session"));
    assertEquals(AbsPath.of("/x/rt"), RuntimeDir.of("/x//rt/", session, me()));
    assertEquals(AbsPath.of(session.toString()), RuntimeDir.of("relative", session, me()));
    assertEquals(AbsPath.of(session.toString()), RuntimeDir.of("", session, me()));
  }

  @Test
  void withoutItTheSessionDirectoryWhenItIsTheUsers() throws IOException {
    Path session = Files.createDirectory(tmp.resolve("session"));
    assertEquals(AbsPath.of(session.toString()), RuntimeDir.of(null, session, me()));
    // Someone else's, a file, or nothing: the fallback.
    assertEquals(RuntimeDir.fallback(me() + 1), RuntimeDir.of(null, session, me() + 1));
    Path file = Files.createFile(tmp.resolve("file"));
    assertEquals(RuntimeDir.fallback(me()), RuntimeDir.of(null, file, me()));
    assertEquals(RuntimeDir.fallback(me()), RuntimeDir.of(null, tmp.resolve("none"), me()));
  }

  @Test
  void theFallbackIsOnePathPerUserWhateverTheEnvironment() {
    assertEquals(AbsPath.of("/tmp/hsu-1234"), RuntimeDir.fallback(1234));
    // TMPDIR plays no part: every hsu process of the user agrees on the path.
    assertEquals(
        RuntimeDir.of(Map.of(), 4242), RuntimeDir.of(Map.of("TMPDIR", tmp.toString()), 4242));
  }

  @Test
  void theFallbackIsMadePrivate() throws IOException {
    Path d = tmp.resolve("made");
    RuntimeDir.checkPrivate(d, me(), false);
    assertFalse(Files.exists(d), "made without create");
    RuntimeDir.checkPrivate(d, me(), true);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    RuntimeDir.checkPrivate(d, me(), true); // found as made
  }

  @Test
  void aHostileFallbackIsRefusedWithASentence() throws IOException {
    Path target = Files.createDirectory(tmp.resolve("target"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
    assertRefused(
        link, me(), "refusing to use the runtime directory \"" + link + "\": it is a symlink");
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertRefused(open, me(), "others may enter it (mode 0755, not 0700)");
    assertRefused(target, me() + 1, "it belongs to uid " + me() + ", not " + (me() + 1));
    Path file = Files.createFile(tmp.resolve("file"));
    assertRefused(file, me(), "it is not a directory");
    assertTrue(Files.isSymbolicLink(link) && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void onlyTheFallbackIsChecked() throws IOException {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    // A session's or the environment's runtime directory is taken as it is.
    RuntimeDir.check(AbsPath.of(open.toString()), me(), true);
  }

  private static void assertRefused(Path dir, int uid, String sentence) {
    for (boolean create : new boolean[] {false, true}) {
      IOException e =
          assertThrows(IOException.class, () -> RuntimeDir.checkPrivate(dir, uid, create));
      assertTrue(e.getMessage().contains(sentence), e.getMessage());
    }
  }
}
