package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Profile.FsEntry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** extends: resolution, merge semantics, diamonds, cycles, depth and base-file positions. */
final class ExtendsTest {
  static final Path DIR = TestHost.RESOURCES.resolve("extends");

  @Test
  void mergesBasesInOrderThenTheProfile() {
    Profile p = LoaderTest.ok(DIR.resolve("app.yaml"));
    assertEquals("org.example.Merged", p.id());
    assertEquals(Profile.Network.HOST, p.network()); // from net
    assertEquals("box", p.hostname()); // from net
    // ids is a mapping: replaced whole, so gid falls back to the default
    assertEquals(new Profile.Ids(5, 1000), p.ids());
    assertEquals("nano", p.env().set().get("EDITOR")); // env.set merged by name
    assertEquals("Adwaita", p.env().set().get("GTK_THEME"));
    assertEquals(List.of("LANG", "TZ"), p.env().pass()); // concatenated, duplicates dropped
    assertEquals(List.of("srv", "opt"), p.root().exclude());
    assertEquals(List.of(new Profile.Device(AbsPath.of("/dev/dri"), false)), p.devices());
    assertEquals(
        List.of(
            new FsEntry.Tmpfs(AbsPath.of("/tmp"), 64L << 20, 0755, false),
            new FsEntry.Bind(
                AbsPath.of("/srv/shared"),
                AbsPath.of("/home/user/shared"),
                false,
                false,
                false,
                false),
            new FsEntry.Mkdir(AbsPath.of("/home/user/.cache"), 0755)),
        p.filesystem());
  }

  @Test
  void diamondAppliesTheCommonBaseOnce() {
    Profile p = LoaderTest.ok(DIR.resolve("diamond.yaml"));
    assertEquals(
        List.of(
            new FsEntry.Mkdir(AbsPath.of("/srv/common"), 0755),
            new FsEntry.Mkdir(AbsPath.of("/srv/left"), 0755),
            new FsEntry.Mkdir(AbsPath.of("/srv/right"), 0755)),
        p.filesystem());
  }

  @Test
  void cycleIsReportedAtTheExtendsEntryWithTheChain() {
    Loader.Result r = TestHost.loader().load(DIR.resolve("cycle-a.yaml"));
    assertNull(r.profile());
    Diagnostic d = r.diagnostics().get(0);
    assertEquals(DIR.resolve("cycle-c.yaml"), d.file());
    assertEquals(1, d.line());
    assertEquals(11, d.column());
    assertEquals(
        "extends cycle: cycle-a.yaml -> cycle-b.yaml -> cycle-c.yaml -> cycle-a.yaml", d.message());
  }

  @Test
  void selfExtensionIsACycle() {
    Loader.Result r = TestHost.loader().load(DIR.resolve("self.yaml"));
    assertEquals("extends cycle: self.yaml -> self.yaml", r.diagnostics().get(0).message());
  }

  @Test
  void eightLevelsAreFineNineAreNot() {
    Profile p = LoaderTest.ok(DIR.resolve("deep/d1.yaml"));
    assertEquals("deep", p.hostname());
    Loader.Result r = TestHost.loader().load(DIR.resolve("deep/d0.yaml"));
    assertNull(r.profile());
    Diagnostic d = r.diagnostics().get(0);
    assertEquals(DIR.resolve("deep/d8.yaml"), d.file());
    assertTrue(d.message().startsWith("extends chain is deeper than 8: d0.yaml -> d1.yaml"));
    assertTrue(d.message().endsWith("d8.yaml -> d9.yaml"), d.message());
  }

  @Test
  void problemInABaseCarriesThatFilesNameAndPosition() {
    Loader.Result r = TestHost.loader().load(DIR.resolve("uses-broken.yaml"));
    assertNull(r.profile());
    assertEquals(1, r.diagnostics().size());
    Diagnostic d = r.diagnostics().get(0);
    assertEquals(DIR.resolve("broken.yaml"), d.file());
    assertEquals(2, d.line());
    assertEquals(11, d.column());
    assertEquals("hostname: bad_name", d.sourceLine());
  }
}
