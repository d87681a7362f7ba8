package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys of the menus-and-services issue: desktop, service, limits; defaults and merging. */
final class MenuKeysTest {
  @TempDir Path dir;

  Profile load(String name, String text) throws IOException {
    Path f = Files.writeString(dir.resolve(name), text);
    Loader.Result r = new Loader(TestHost.HOST, List.of()).load(f);
    assertTrue(r.ok(), () -> r.diagnostics().stream().map(Loader::render).toList().toString());
    return r.profile();
  }

  @Test
  void absentKeysMeanNoEntryNoServiceSettingsNoLimits() throws IOException {
    Profile p = load("a.yaml", "id: org.example.A\ncommand: [a]\n");
    assertNull(p.desktop());
    assertEquals(Profile.Service.defaults(), p.service());
    assertNull(p.limits());
  }

  @Test
  void valuesAreTyped() throws IOException {
    Profile p =
        load(
            "a.yaml",
            "id: org.example.A\ncommand: [a]\ndesktop: /usr/share/applications/a.desktop\n"
                + "service: {restart: always, restart-sec: 1500ms}\n"
                + "limits: {memory: 512M, tasks: 64, cpu-weight: 200}\n");
    assertEquals("/usr/share/applications/a.desktop", p.desktop());
    assertEquals(new Profile.Service("always", Duration.ofMillis(1500)), p.service());
    assertEquals(new Profile.Limits(512L << 20, 64, 200), p.limits());
  }

  @Test
  void anEmptyLimitsBlockStillAsksForAScope() throws IOException {
    Profile p = load("a.yaml", "id: org.example.A\ncommand: [a]\nlimits: {}\n");
    assertEquals(new Profile.Limits(null, null, null), p.limits());
  }

  @Test
  void laterFilesReplaceKeyByKey() throws IOException {
    load("base.yaml", "id: org.example.Base\ncommand: [b]\n");
    Files.writeString(
        dir.resolve("base.yaml"),
        "desktop: base.desktop\nservice: {restart: on-failure, restart-sec: 3s}\n"
            + "limits: {memory: 1G, tasks: 10}\n");
    Profile p =
        load(
            "app.yaml",
            "extends: [base.yaml]\nid: org.example.A\ncommand: [a]\n"
                + "service: {restart: always}\nlimits: {tasks: 20}\n");
    assertEquals("base.desktop", p.desktop());
    assertEquals(new Profile.Service("always", Duration.ofSeconds(3)), p.service());
    assertEquals(new Profile.Limits(1L << 30, 20, null), p.limits());
  }
}
