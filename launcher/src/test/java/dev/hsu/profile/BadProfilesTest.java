package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests: each bad/NAME.yaml is refused, and its first diagnostic line equals
 * bad/NAME.expected. Run with -Dhsu.updateGolden=true to rewrite the expected files.
 */
final class BadProfilesTest {
  static final Path BAD = TestHost.RESOURCES.resolve("bad");

  @TestFactory
  Stream<DynamicTest> eachBadProfileHasItsExpectedFirstDiagnostic() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(BAD)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
    assertTrue(files.size() >= 25, "at least 25 bad profiles");
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path file) throws IOException {
    Loader.Result r = TestHost.loader().load(file);
    assertNull(r.profile(), "refused");
    assertFalse(r.diagnostics().isEmpty(), "has a diagnostic");
    for (Diagnostic d : r.diagnostics()) {
      String shown = Loader.render(d);
      assertTrue(
          shown.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f),
          "no control characters in " + shown);
    }
    String first = firstLine(r.diagnostics().get(0), file);
    String name = file.getFileName().toString();
    Path expected = file.resolveSibling(name.substring(0, name.length() - 5) + ".expected");
    if (Boolean.getBoolean("hsu.updateGolden")) {
      Files.writeString(expected, first + "\n", StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(expected, StandardCharsets.UTF_8).strip(), first);
  }

  /** The first rendered line, with the file shown by its name only. */
  static String firstLine(Diagnostic d, Path file) {
    Diagnostic shortName =
        new Diagnostic(
            d.file().equals(file) ? file.getFileName() : d.file(),
            d.line(),
            d.column(),
            d.severity(),
            d.message(),
            d.sourceLine());
    return Loader.render(shortName).split("\n", 2)[0];
  }
}
