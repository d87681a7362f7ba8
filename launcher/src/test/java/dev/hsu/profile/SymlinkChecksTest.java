package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hsu.plan.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsu check} on symlink entries that repeat what is already at their path: identical is a
 * warning (hsu-init skips it), conflicting an error (hsu-init would stop).
 */
final class SymlinkChecksTest {
  @TempDir Path dir;

  static final String HEAD = "id: org.example.App\ncommand: [app]\n";

  Loader.Result load(String text) throws IOException {
    Path f = dir.resolve("app.yaml");
    Files.writeString(f, text);
    return TestHost.loader().load(f);
  }

  static List<String> shown(Loader.Result r) {
    return r.diagnostics().stream()
        .map(Loader::render)
        .map(s -> s.lines().findFirst().get())
        .toList();
  }

  @Test
  void theSameEntryTwiceIsAWarningAtTheSecond() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "filesystem:\n"
                + "  - {symlink: /opt/tool, points-to: ../usr/lib/tool}\n"
                + "  - {symlink: /opt/tool, points-to: ../usr/lib/tool}\n");
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(
        List.of(
            dir.resolve("app.yaml")
                + ":5:15: warning: symlink \"/opt/tool\" repeats the entry at app.yaml:4:15; it"
                + " does nothing"),
        shown(r));
  }

  @Test
  void aConflictingSecondEntryIsAnError() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "filesystem:\n"
                + "  - {symlink: /opt/tool, points-to: one}\n"
                + "  - {symlink: /opt/tool, points-to: two}\n");
    assertFalse(r.ok());
    assertEquals(
        List.of(
            dir.resolve("app.yaml")
                + ":5:15: error: symlink \"/opt/tool\" -> \"two\" conflicts with the entry at"
                + " app.yaml:4:15, which links it to \"one\"; the launch would stop there"),
        shown(r));
  }

  @Test
  void anEntryInBetweenThatReplacesThePathMakesItNew() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "filesystem:\n"
                + "  - {symlink: /opt/tool, points-to: one}\n"
                + "  - {tmpfs: /opt}\n"
                + "  - {symlink: /opt/tool, points-to: two}\n");
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(List.of(), shown(r));
  }

  /** A symlink the host has at the top of {@code /} and the auto-root mirrors (usr-merge: /bin). */
  static Path hostTopLink() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/"))) {
      return s.filter(Files::isSymbolicLink)
          .filter(p -> !Op.AutoRoot.ALWAYS_LEFT_OUT.contains(p.getFileName().toString()))
          .sorted()
          .findFirst()
          .orElse(null);
    }
  }

  @Test
  void whatTheAutoRootMirrorsIsSeen() throws IOException {
    Path link = hostTopLink();
    assumeTrue(link != null, "the host's / has no symlink to mirror");
    String name = link.getFileName().toString();
    String content = Files.readSymbolicLink(link).toString();
    String same = HEAD + "filesystem:\n  - {symlink: /" + name + ", points-to: " + content + "}\n";
    Loader.Result r = load(same);
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(1, shown(r).size(), shown(r)::toString);
    assertTrue(
        shown(r).get(0).contains(": warning: symlink \"/" + name + "\""), shown(r)::toString);
    assertTrue(shown(r).get(0).contains("the auto-root mirrors the host's"), shown(r)::toString);

    r = load(HEAD + "filesystem:\n  - {symlink: /" + name + ", points-to: /elsewhere}\n");
    assertFalse(r.ok());
    assertEquals(
        List.of(
            dir.resolve("app.yaml")
                + ":4:15: error: symlink \"/"
                + name
                + "\" -> \"/elsewhere\" conflicts with the host's \"/"
                + name
                + "\" -> \""
                + content
                + "\", which the auto-root mirrors there; the launch would stop there (add '"
                + name
                + "' to root.exclude to replace it)"),
        shown(r));

    r =
        load(
            HEAD
                + "root: {exclude: ["
                + name
                + "]}\nfilesystem:\n  - {symlink: /"
                + name
                + ", points-to: /elsewhere}\n");
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(List.of(), shown(r));
  }

  @Test
  void aMirroredDirectoryIsAConflict() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/usr")) && !Files.isSymbolicLink(Path.of("/usr")));
    Loader.Result r = load(HEAD + "filesystem:\n  - {symlink: /usr, points-to: /opt}\n");
    assertFalse(r.ok());
    assertTrue(
        shown(r)
            .get(0)
            .endsWith(
                "conflicts with the host's directory \"/usr\", which the auto-root"
                    + " mirrors there; the launch would stop there (add 'usr' to root.exclude to replace it)"),
        shown(r)::toString);
  }
}
