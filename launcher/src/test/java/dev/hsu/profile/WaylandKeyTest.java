package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code wayland} key: its forms, the default, merging, errors and the warning. */
final class WaylandKeyTest {
  @TempDir Path dir;

  static final String HEAD = "id: org.example.App\ncommand: [app]\n";

  Loader.Result load(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return TestHost.loader().load(f);
  }

  Loader.Result load(String text) throws IOException {
    return load("app.yaml", text);
  }

  static List<String> errors(Loader.Result r) {
    return r.diagnostics().stream()
        .filter(d -> d.severity() == Diagnostic.Severity.ERROR)
        .map(d -> BadProfilesTest.firstLine(d, d.file()))
        .toList();
  }

  @Test
  void absentOrFalseMeansNoWayland() throws IOException {
    assertNull(load(HEAD).profile().wayland());
    Loader.Result r = load(HEAD + "wayland: false\n");
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertNull(r.profile().wayland());
  }

  @Test
  void trueMeansASecurityContextWithoutWarning() throws IOException {
    Loader.Result r = load(HEAD + "wayland: true\n");
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertEquals(new Profile.Wayland(false), r.profile().wayland());
    r = load(HEAD + "wayland: {direct: false}\n");
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertEquals(new Profile.Wayland(false), r.profile().wayland());
    r = load(HEAD + "wayland: {}\n");
    assertEquals(new Profile.Wayland(false), r.profile().wayland());
  }

  @Test
  void directIsTheRawSocketWithAWarning() throws IOException {
    Loader.Result r = load(HEAD + "wayland:\n  direct: true\n");
    assertTrue(r.ok());
    assertEquals(new Profile.Wayland(true), r.profile().wayland());
    assertEquals(
        List.of(
            "app.yaml:4:3: warning: 'wayland: {direct: true}' passes the compositor's raw socket:"
                + " the app can use every privileged protocol it offers (screen capture, virtual"
                + " keyboards and pointers, clipboard managers), which a security context hides"),
        HardeningKeysTest.warnings(r));
  }

  @Test
  void badValuesAreErrors() throws IOException {
    assertEquals(
        List.of("app.yaml:3:10: error: expected true or false for 'wayland', got a string"),
        errors(load(HEAD + "wayland: yes-please\n")));
    assertFalse(load(HEAD + "wayland:\n  socket: wayland-1\n").ok());
    assertFalse(load(HEAD + "wayland: {direct: \"true\"}\n").ok());
    assertFalse(load(HEAD + "wayland: [true]\n").ok());
  }

  @Test
  void aLaterFileReplacesTheWholeSetting() throws IOException {
    load("base.yaml", "wayland: {direct: true}\n");
    Loader.Result r = load(HEAD + "extends: [base]\nwayland: true\n");
    assertTrue(r.ok(), r.diagnostics()::toString);
    assertEquals(new Profile.Wayland(false), r.profile().wayland());
    r = load(HEAD + "extends: [base]\nwayland: false\n");
    assertNull(r.profile().wayland());
    r = load(HEAD + "extends: [base]\n");
    assertEquals(new Profile.Wayland(true), r.profile().wayland());
  }
}
