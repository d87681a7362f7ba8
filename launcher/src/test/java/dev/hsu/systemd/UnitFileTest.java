package dev.hsu.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.desktop.TestTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated user units: content, quoting per systemd.syntax(7), systemd-analyze verify. */
final class UnitFileTest {
  static final String NASTY_PROFILE = "/home/u/my profiles/it's 100% $HOME \"q\" \\ %n.yaml";

  @TempDir Path tmp;

  static UnitFile.Spec spec(Path hsu, String profile) {
    return new UnitFile.Spec(
        hsu,
        Path.of(profile),
        "org.example.App",
        "App 100% \\",
        "on-failure",
        Duration.ofMillis(2500));
  }

  /**
   * The test's own reading of an ExecStart= value (systemd.syntax(7), systemd.service(5)): words
   * split at unquoted whitespace, quotes removed, C escapes undone, "%%" to '%' everywhere and "$$"
   * to '$' in the arguments (the executable's path gets no variable expansion).
   */
  static List<String> execStart(String value) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) == ' ') {
        i++;
        continue;
      }
      StringBuilder w = new StringBuilder();
      char quote = 0;
      for (; i < value.length(); i++) {
        char c = value.charAt(i);
        if (quote == 0 && c == ' ') {
          break;
        }
        if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
        } else if (c == quote) {
          quote = 0;
        } else if (c == '\\') {
          char e = value.charAt(++i);
          switch (e) {
            case 'n' -> w.append('\n');
            case 't' -> w.append('\t');
            case 'x' -> {
              w.append((char) Integer.parseInt(value.substring(i + 1, i + 3), 16));
              i += 2;
            }
            default -> w.append(e);
          }
        } else if (c == '%') {
          assertEquals('%', value.charAt(++i), "only %% may appear: " + value);
          w.append('%');
        } else if (c == '$' && !words.isEmpty()) {
          assertEquals('$', value.charAt(++i), "only $$ may appear in arguments: " + value);
          w.append('$');
        } else {
          w.append(c);
        }
      }
      words.add(w.toString());
    }
    return words;
  }

  static String line(String unit, String key) {
    for (String l : unit.split("\n")) {
      if (l.startsWith(key + "=")) {
        return l.substring(key.length() + 1);
      }
    }
    return null;
  }

  @Test
  void unitHasTheDocumentedShape() throws Exception {
    String u = UnitFile.render(spec(Path.of("/opt/hsu/hsu"), "/p/app.yaml"));
    assertTrue(u.startsWith(UnitFile.HEADER), u);
    assertEquals("App 100%% \\ (hsu sandbox)", line(u, "Description"));
    assertEquals("exec", line(u, "Type"));
    assertEquals("on-failure", line(u, "Restart"));
    assertEquals("2500ms", line(u, "RestartSec"));
    assertEquals("default.target", line(u, "WantedBy"));
    assertTrue(UnitFile.isOurs(u));
    assertEquals("/p/app.yaml", UnitFile.profileOf(u));
    assertEquals("hsu-org.example.App.service", UnitFile.name("org.example.App"));
  }

  @Test
  void execStartRoundTripsThroughSystemdQuoting() throws Exception {
    Path hsu = Path.of("/opt/odd $dir/h s%u$x");
    String u = UnitFile.render(spec(hsu, NASTY_PROFILE));
    assertEquals(List.of(hsu.toString(), "launch", NASTY_PROFILE), execStart(line(u, "ExecStart")));
    assertEquals(NASTY_PROFILE, UnitFile.profileOf(u));
  }

  /** Runs systemd-analyze --user verify as this user, with a private runtime directory. */
  static TestTools.Run verify(Path dir, Path unit) throws Exception {
    Path tool = TestTools.require("systemd-analyze", "systemd");
    Path runtime = Files.createDirectories(dir.resolve("runtime"));
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    return TestTools.run(
        List.of(tool.toString(), "--user", "--no-pager", "verify", unit.toString()),
        Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SYSTEMD_LOG_COLOR", "0"));
  }

  Path executable(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("odd $dir"));
    Path p = Files.writeString(dir.resolve(name), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void generatedUnitsPassSystemdAnalyzeVerify() throws Exception {
    // systemd-analyze checks that ExecStart's executable exists: an executable whose name needs
    // every escape shows that systemd reads the quoted path back exactly.
    Path hsu = executable("h s%n$x");
    Path unit = tmp.resolve(UnitFile.name("org.example.App"));
    Files.writeString(unit, UnitFile.render(spec(hsu, NASTY_PROFILE)));
    TestTools.Run r = verify(tmp, unit);
    assertEquals(0, r.exit(), r.output() + "\n" + Files.readString(unit));
    assertEquals("", r.output().strip(), "no warnings:\n" + Files.readString(unit));

    // A control: the same unit with '%' not doubled names another file, and verify says so.
    String broken = Files.readString(unit).replace("%%n$x", "%n$x");
    Files.writeString(unit, broken);
    TestTools.Run bad = verify(tmp, unit);
    assertNotEquals(0, bad.exit(), bad.output());
    assertTrue(bad.output().contains("is not executable"), bad.output());
  }

  @Test
  void executablePathsSystemdRefusesAreRefusedFirst() {
    for (String bad : List.of("/opt/h\"su", "/opt/h'su", "/opt/h\\su", "/opt/h\nsu", "hsu")) {
      dev.hsu.desktop.InstallException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.hsu.desktop.InstallException.class,
              () -> UnitFile.render(spec(Path.of(bad), "/p/a.yaml")));
      assertTrue(e.getMessage().startsWith("systemd cannot run hsu from"), e.getMessage());
    }
  }

  @Test
  void minimalUnitPassesVerifyToo() throws Exception {
    Path hsu = executable("hsu");
    Path unit = tmp.resolve(UnitFile.name("org.example.Min"));
    Files.writeString(
        unit,
        UnitFile.render(
            new UnitFile.Spec(hsu, Path.of("/p/min.yaml"), "org.example.Min", "Min", null, null)));
    TestTools.Run r = verify(tmp, unit);
    assertEquals(0, r.exit(), r.output());
    assertEquals("", r.output().strip());
  }

  @Test
  void scopeNamesEscapeLikeSystemdEscape() throws Exception {
    Path tool = TestTools.require("systemd-escape", "systemd");
    for (String id : List.of("org.example.App", "org.ex-ample.my_app", "a-b-c.d-e")) {
      TestTools.Run r = TestTools.run(List.of(tool.toString(), "--", id), null);
      assertEquals(0, r.exit(), r.output());
      assertEquals("app-hsu-" + r.output().strip() + "-42.scope", Scopes.unitName(id, 42));
    }
    String longId = "org." + "a-".repeat(120) + "b";
    String name = Scopes.unitName(longId, 123456);
    assertTrue(name.length() <= 255, name);
    assertTrue(name.endsWith("-123456.scope") && name.matches("[A-Za-z0-9:_.\\\\-]+"), name);
  }
}
