package dev.hsu.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated menu entry: allowlist, escaping, Exec lines, validity. */
final class SandboxedEntryTest {
  static final Path RESOURCES = Path.of("src/test/resources/desktop");

  /** A file argument that needs every kind of care: spaces, quotes, '$', '\', a leading '-'. */
  static final String NASTY = "-n \"quoted\" 'single' $HOME \\back `x` 100% ;&|*.txt";

  @TempDir Path tmp;

  static final SandboxedEntry.Target TARGET =
      new SandboxedEntry.Target(
          Path.of("/opt/h s u/hsu"),
          Path.of("/home/u/My Profiles/it's 100% $weird \"app\".yaml"),
          "org.example.App",
          "Example App");

  static String render(String resource, List<String> notes) throws IOException, InstallException {
    DesktopFile f =
        resource == null ? null : DesktopFile.parse(Files.readString(RESOURCES.resolve(resource)));
    return SandboxedEntry.render(f, TARGET, notes::add);
  }

  static List<String> prefix() {
    return List.of(TARGET.hsu().toString(), "launch", TARGET.profile().toString(), "--");
  }

  static List<String> with(List<String> more) {
    List<String> all = new ArrayList<>(prefix());
    all.addAll(more);
    return all;
  }

  @Test
  void browserKeepsTheAllowlistAndRewritesEveryExec() throws Exception {
    List<String> notes = new ArrayList<>();
    String out = render("browser.desktop", notes);
    for (String gone :
        List.of("TryExec=", "Path=", "DBusActivatable=", "Implements=", "X-Evil-Exec=")) {
      assertFalse(out.contains("\n" + gone), gone + " must be dropped:\n" + out);
    }
    assertTrue(out.contains("\nName=Web Browser (hsu)\n"), out);
    assertTrue(out.contains("\nName[de]=Webbrowser (hsu)\n"), out);
    assertTrue(out.contains("\nComment[fr]=Naviguer sur le Web\n"), out);
    assertTrue(out.contains("\nKeywords[de]=Web;Internet;Netz\\;werk;\n"), out);
    assertTrue(out.contains("\nStartupWMClass=Browser\n"), out);
    assertTrue(out.contains("\nActions=new-window;private-window;\n"), out);
    assertTrue(out.contains("\nX-Hsu-Profile=" + TARGET.profile() + "\n"), out);
    assertTrue(notes.stream().anyMatch(n -> n.contains("DBusActivatable")), notes.toString());
    assertTrue(notes.stream().anyMatch(n -> n.contains("\"missing\"")), notes.toString());
    assertTrue(notes.stream().anyMatch(n -> n.contains("\"bad id\"")), notes.toString());
    List<String> execs = SpecExec.values(out, "Exec");
    assertEquals(3, execs.size(), out);
    assertEquals(with(List.of(NASTY)), SpecExec.argv(execs.get(0), List.of(NASTY)));
    assertEquals(with(List.of("--new-window", NASTY)), SpecExec.argv(execs.get(1), List.of(NASTY)));
    assertEquals(
        with(List.of("--private-window", "--profile", "/home/x/My Profile", "http://x/?a=1&b=2")),
        SpecExec.argv(execs.get(2), List.of("http://x/?a=1&b=2")));
  }

  @Test
  void hostileTextCannotBreakLinesOrHide() throws Exception {
    String out = render("hostile.desktop", new ArrayList<>());
    assertFalse(out.contains("\nName=Injected"), out);
    assertTrue(out.contains("\nName=EvilName=Injected (hsu)\n"), out);
    assertTrue(out.contains("\nComment=Looks harmless text\n"), out);
    assertTrue(out.contains("\nGenericName=Back\\\\slash and space\n"), out);
    assertTrue(out.contains("\nCategories=Utility;X-Custom;\n"), out);
    assertTrue(out.contains("\nMimeType=text/plain;\n"), out);
    assertFalse(out.contains("Terminal="), "not a boolean, dropped:\n" + out);
    assertTrue(out.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f || c == 0x202e), out);
    String exec = SpecExec.values(out, "Exec").get(0);
    assertEquals(
        with(List.of("-c", "echo \"hi\" $HOME `id` 100%", "x", NASTY)),
        SpecExec.argv(exec, List.of(NASTY)));
  }

  @Test
  void onlyFileAndUrlFieldCodesAreForwarded() throws Exception {
    String out = render("viewer.desktop", new ArrayList<>());
    String exec = SpecExec.values(out, "Exec").get(0);
    assertFalse(exec.contains("%i") || exec.contains("%c") || exec.contains("%k"), exec);
    assertEquals(
        with(List.of("--zoom=50%", "a b", NASTY)), SpecExec.argv(exec, List.of("a b", NASTY)));
  }

  @Test
  void withoutAnEntryTheProfileNamesAMinimalOne() throws Exception {
    String out = render(null, new ArrayList<>());
    assertTrue(out.contains("\nName=Example App (hsu)\n"), out);
    assertEquals(prefix(), SpecExec.argv(SpecExec.values(out, "Exec").get(0), List.of()));
  }

  @Test
  void quotingFollowsTheSpec() {
    assertEquals("plain/arg-1.txt", ExecLine.quote("plain/arg-1.txt"));
    assertEquals("50%%", ExecLine.quote("50%"));
    assertEquals("\"\"", ExecLine.quote(""));
    assertEquals("\"a b\"", ExecLine.quote("a b"));
    assertEquals("\"\\$x \\\"q\\\" \\`c\\` \\\\ 1%%\"", ExecLine.quote("$x \"q\" `c` \\ 1%"));
    for (String s : List.of(NASTY, "~user", "a#b", "it's", "(x)", "<in>", "semi;colon")) {
      String quoted = DesktopFile.escapeString(ExecLine.quote(s));
      assertEquals(List.of(s), SpecExec.argv(quoted, List.of()), quoted);
    }
  }

  @Test
  void pathsWithControlCharactersAreRefused() {
    SandboxedEntry.Target bad =
        new SandboxedEntry.Target(Path.of("/opt/hsu"), Path.of("/tmp/a\nb.yaml"), "a.b", "A");
    InstallException e =
        assertThrows(InstallException.class, () -> SandboxedEntry.render(null, bad, s -> {}));
    assertTrue(e.getMessage().contains("control characters"), e.getMessage());
  }

  @Test
  void everyGeneratedEntryPassesDesktopFileValidate() throws Exception {
    Path validate = TestTools.require("desktop-file-validate", "desktop-file-utils");
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(RESOURCES)) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".desktop"))
          .sorted()
          .forEach(names::add);
    }
    names.add(null);
    for (String name : names) {
      Path out = tmp.resolve("hsu.org.example." + (name == null ? "minimal.desktop" : name));
      Files.writeString(out, render(name, new ArrayList<>()));
      TestTools.Run r = TestTools.run(List.of(validate.toString(), out.toString()), null);
      assertEquals(0, r.exit(), name + ":\n" + r.output() + "\n" + Files.readString(out));
      assertEquals("", r.output().strip(), name + ": no warnings either\n" + Files.readString(out));
    }
  }
}
