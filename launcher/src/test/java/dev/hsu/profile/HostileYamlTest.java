package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input is refused quickly with one sentence, never a stack trace (docs/security.md 13).
 */
final class HostileYamlTest {
  @TempDir Path dir;

  private Diagnostic refuse(byte[] content) throws IOException {
    Path f = dir.resolve("hostile.yaml");
    Files.write(f, content);
    // Not a benchmark: a guard against unbounded work. Without the limits these inputs run for
    // minutes or exhaust the heap, so a bound this loose cannot flake on a busy machine.
    Loader.Result r =
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> TestHost.loader().load(f));
    assertNull(r.profile());
    assertEquals(1, r.diagnostics().size(), () -> r.diagnostics().toString());
    Diagnostic d = r.diagnostics().get(0);
    String shown = Loader.render(d);
    assertTrue(!shown.contains("Exception") && !shown.contains("\tat "), shown);
    return d;
  }

  private Diagnostic refuse(String content) throws IOException {
    return refuse(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void billionLaughs() throws IOException {
    StringBuilder b =
        new StringBuilder(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      b.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        b.append(i == 0 ? "" : ",").append('*').append(p);
      }
      b.append("]\n");
    }
    long start = System.nanoTime();
    Diagnostic d = refuse(b.toString());
    assertTrue(System.nanoTime() - start < 500_000_000L);
    assertEquals("the document uses more than 50 aliases", d.message());
  }

  @Test
  void fewAliasesAreFine() throws IOException {
    Path f = dir.resolve("ok.yaml");
    Files.writeString(f, "id: a.b\ncommand: &c [x]\nenv:\n  pass: &p [TERM]\ndaemons: []\n");
    assertTrue(TestHost.loader().load(f).ok());
  }

  @Test
  void deepFlowNesting() throws IOException {
    Diagnostic d = refuse("a: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
    assertEquals("the document is nested deeper than 50 levels", d.message());
    assertEquals(1, d.line());
  }

  @Test
  void deepFlowMappingNestingUnclosed() throws IOException {
    Diagnostic d = refuse("{a: ".repeat(100_000));
    assertEquals("the document is nested deeper than 50 levels", d.message());
  }

  @Test
  void fiftyLevelsAreStillRead() throws IOException {
    // 50 levels parse; the profile is then refused for its shape, not its depth
    Path f = dir.resolve("fifty.yaml");
    Files.writeString(f, "id: a.b\ncommand: [x]\nx: " + "[".repeat(49) + "]".repeat(49) + "\n");
    Loader.Result r = TestHost.loader().load(f);
    assertEquals("unknown key 'x'", r.diagnostics().get(0).message().split(";")[0]);
  }

  @Test
  void twoMebibyteFile() throws IOException {
    Diagnostic d = refuse(("# " + "x".repeat(1021) + "\n").repeat(2048));
    assertEquals("the file is larger than 1 MiB; a profile is a small text file", d.message());
    assertEquals(0, d.line());
  }

  @Test
  void invalidUtf8() throws IOException {
    byte[] b =
        "id: a.b\ncommand: [caf\u00ff]\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Diagnostic d = refuse(b);
    assertEquals("the file is not valid UTF-8 (byte 0xff at offset 21)", d.message());
    assertEquals(2, d.line());
    assertEquals(14, d.column());
  }

  @Test
  void overlongUtf8EncodingIsRefused() throws IOException {
    Diagnostic d = refuse(new byte[] {'a', ':', ' ', (byte) 0xc0, (byte) 0xaf, '\n'});
    assertTrue(d.message().startsWith("the file is not valid UTF-8"));
  }

  @Test
  void duplicateKeys() throws IOException {
    Diagnostic d = refuse("id: a.b\ncommand: [x]\nenv:\n  set:\n    A: x\n    A: y\n");
    assertEquals("duplicate key 'A' (first given at line 5)", d.message());
    assertEquals(6, d.line());
  }

  @Test
  void recursiveStructure() throws IOException {
    Diagnostic d = refuse("id: a.b\ncommand: &c [x, *c]\n");
    assertTrue(
        d.message().startsWith("expected a list of strings for 'command', got a list"),
        d.message());
  }

  @Test
  void undefinedAlias() throws IOException {
    Diagnostic d = refuse("id: a.b\ncommand: [*nope]\n");
    assertTrue(d.message().startsWith("invalid YAML: found undefined alias"), d.message());
  }

  @Test
  void controlCharacterInFile() throws IOException {
    Diagnostic d = refuse("id: a.b\ncommand: [x\u0007]\n");
    assertEquals("invalid YAML: character U+0007 is not allowed here", d.message());
    assertEquals(2, d.line());
    assertEquals(12, d.column());
  }

  @Test
  void hugeSingleLine() throws IOException {
    Diagnostic d = refuse("id: a.b\ncommand: [x]\nname: " + "y".repeat(900_000) + "\n: z\n");
    assertTrue(Loader.render(d).length() < 2000);
  }

  @Test
  void directory() throws IOException {
    Loader.Result r = TestHost.loader().load(dir);
    assertEquals("cannot read the profile: it is a directory", r.diagnostics().get(0).message());
  }
}
