package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code die-with-parent} key: off unless asked, a later file replaces, a bool only. */
final class DieWithParentKeyTest {
  @TempDir Path dir;

  static final String HEAD = "id: org.example.App\ncommand: [app]\n";

  Loader.Result load(String text) throws IOException {
    Path f = dir.resolve("app.yaml");
    Files.writeString(f, text);
    return TestHost.loader().load(f);
  }

  @Test
  void offByDefault() throws IOException {
    Loader.Result r = load(HEAD);
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertFalse(r.profile().dieWithParent());
  }

  @Test
  void onWhenAsked() throws IOException {
    assertTrue(load(HEAD + "die-with-parent: true\n").profile().dieWithParent());
    assertFalse(load(HEAD + "die-with-parent: false\n").profile().dieWithParent());
  }

  @Test
  void aLaterFileReplacesABase() throws IOException {
    Files.writeString(dir.resolve("base.yaml"), "die-with-parent: true\n");
    assertTrue(load(HEAD + "extends: [base]\n").profile().dieWithParent());
    assertFalse(load(HEAD + "extends: [base]\ndie-with-parent: false\n").profile().dieWithParent());
  }

  @Test
  void aStringIsRefusedWithItsPosition() throws IOException {
    Loader.Result r = load(HEAD + "die-with-parent: \"yes\"\n");
    assertFalse(r.ok());
    List<String> shown = r.diagnostics().stream().map(Loader::render).toList();
    assertEquals(1, shown.size(), shown::toString);
    assertTrue(shown.get(0).startsWith(dir.resolve("app.yaml") + ":3:18: error: "), shown.get(0));
    assertTrue(shown.get(0).contains("'die-with-parent'"), shown.get(0));
  }
}
