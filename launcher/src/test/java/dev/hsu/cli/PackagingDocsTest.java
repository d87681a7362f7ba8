package dev.hsu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.desktop.TestTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The completions and man page in packaging/ are current, and their shells and roff accept them.
 */
final class PackagingDocsTest {
  static final Path PACKAGING =
      Path.of(System.getProperty("hsu.home", ".."))
          .toAbsolutePath()
          .normalize()
          .resolve("packaging");

  @Test
  void committedFilesMatchTheCommandModel() throws Exception {
    for (Map.Entry<String, String> f : PackagingDocs.files().entrySet()) {
      Path p = PACKAGING.resolve(f.getKey());
      assertTrue(Files.exists(p), p + " is missing: run mvn package (it regenerates packaging/)");
      assertEquals(
          f.getValue(),
          Files.readString(p),
          p + " is stale: run mvn package (it regenerates packaging/) and commit the result");
    }
  }

  @Test
  void bashCompletesCommandsAndSubcommands() throws Exception {
    Path bash = TestTools.require("bash", "bash");
    String script =
        "source \"$1\"; COMP_WORDS=(hsu des); COMP_CWORD=1; COMP_LINE='hsu des'; COMP_POINT=7;"
            + " _complete_hsu; echo \"${COMPREPLY[*]}\";"
            + " COMP_WORDS=(hsu systemd install --e); COMP_CWORD=3; COMP_LINE='hsu systemd install --e';"
            + " COMP_POINT=${#COMP_LINE}; _complete_hsu; echo \"${COMPREPLY[*]}\"";
    TestTools.Run r =
        TestTools.run(
            List.of(
                bash.toString(),
                "-c",
                script,
                "x",
                PACKAGING.resolve("completions/hsu.bash").toString()),
            null);
    assertEquals(0, r.exit(), r.output());
    assertEquals("desktop\n--enable\n", r.output());
  }

  @Test
  void zshParsesItsCompletion() throws Exception {
    Path zsh = TestTools.require("zsh", "zsh");
    TestTools.Run r =
        TestTools.run(
            List.of(zsh.toString(), "-n", PACKAGING.resolve("completions/_hsu").toString()), null);
    assertEquals(0, r.exit(), r.output());
    assertEquals("", r.output());
  }

  @Test
  void groffRendersTheManPageWithoutWarnings() throws Exception {
    Path groff = TestTools.require("groff", "groff-base");
    TestTools.Run r =
        TestTools.run(
            List.of(
                groff.toString(),
                "-man",
                "-ww",
                "-z",
                "-Tutf8",
                PACKAGING.resolve("man/hsu.1").toString()),
            null);
    assertEquals(0, r.exit(), r.output());
    assertEquals("", r.output());
    String page = Files.readString(PACKAGING.resolve("man/hsu.1"));
    assertTrue(page.contains(".SH EXIT STATUS"), page);
    assertTrue(page.contains("hsu desktop install"), page);
  }
}
