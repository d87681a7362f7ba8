package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped fragments of profiles/base: each loads under an app and grants what it says. */
final class BaseFragmentsTest {
  static final Path BASE = SchemaExamplesTest.ROOT.resolve("profiles/base");

  @TempDir Path dir;

  Loader.Result app(String... bases) throws IOException {
    Path f = dir.resolve("app.yaml");
    Files.writeString(
        f, "id: org.example.App\ncommand: [app]\nextends: [" + String.join(", ", bases) + "]\n");
    return new Loader(TestHost.HOST, List.of(BASE)).load(f);
  }

  static List<String> warnings(Loader.Result r) {
    return r.diagnostics().stream()
        .filter(d -> d.severity() == Diagnostic.Severity.WARNING)
        .map(Diagnostic::message)
        .toList();
  }

  @Test
  void everyShippedFragmentIsTested() throws IOException {
    try (Stream<Path> s = Files.list(BASE)) {
      assertEquals(
          List.of(
              "browser.yaml",
              "dbus.yaml",
              "desktop.yaml",
              "fonts.yaml",
              "gpu.yaml",
              "gtk.yaml",
              "network.yaml",
              "pulseaudio.yaml",
              "qt.yaml",
              "wayland.yaml",
              "x11.yaml"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void eachFragmentGrantsItsOneThing() throws IOException {
    Profile p = app("wayland").profile();
    assertEquals(new Profile.Wayland(false), p.wayland());
    assertEquals(Set.of(), p.audio());

    Loader.Result r = app("x11");
    assertTrue(r.profile().x11());
    assertEquals(1, warnings(r).size(), warnings(r)::toString);

    p = app("dbus").profile();
    assertEquals(List.of("org.example.App", "org.example.App.*"), p.dbus().session().own());
    assertEquals(List.of(), p.dbus().session().talk());
    assertNull(p.dbus().system());

    assertEquals(Set.of(Profile.Audio.PULSE), app("pulseaudio").profile().audio());
    // No fragment grants PipeWire's native socket: the loader refuses it.
    assertFalse(Files.exists(BASE.resolve("pipewire.yaml")));
    assertTrue(app("gpu").profile().gpu());

    r = app("network");
    assertEquals(Profile.Network.HOST, r.profile().network());
    assertTrue(
        r.profile().filesystem().stream()
            .allMatch(e -> e instanceof Profile.FsEntry.Bind b && b.optional() && !b.writable()));
    assertTrue(
        r.profile().filesystem().stream()
            .anyMatch(
                e ->
                    ((Profile.FsEntry.Bind) e)
                        .source()
                        .value()
                        .equals("/run/systemd/resolve/stub-resolv.conf")));
  }

  @Test
  void desktopIsTheUsualSetWithoutWarnings() throws IOException {
    Loader.Result r = app("desktop");
    assertTrue(r.ok(), r.diagnostics()::toString);
    assertEquals(List.of(), r.diagnostics());
    Profile p = r.profile();
    assertEquals(new Profile.Wayland(false), p.wayland());
    assertTrue(p.dbus().session() != null);
    assertEquals(Set.of(Profile.Audio.PULSE), p.audio());
    assertTrue(p.gpu());
    assertFalse(p.x11());
    assertEquals(Profile.Network.NONE, p.network());
    // A profile's own audio replaces the fragment's.
    Path f = dir.resolve("rec.yaml");
    Files.writeString(
        f,
        "id: org.example.App\ncommand: [app]\nextends: [desktop]\naudio: {pulse: {record: true}}\n");
    assertEquals(
        Set.of(Profile.Audio.PULSE, Profile.Audio.PULSE_RECORD),
        new Loader(TestHost.HOST, List.of(BASE)).load(f).profile().audio());
  }

  static List<String> binds(Profile p) {
    return p.filesystem().stream()
        .map(e -> (Profile.FsEntry.Bind) e)
        .peek(b -> assertTrue(b.optional() && !b.writable(), b::toString))
        .map(b -> b.source().value())
        .toList();
  }

  @Test
  void lookFragmentsBindOnlySettingsReadOnly() throws IOException {
    Loader.Result fonts = app("fonts");
    assertEquals(List.of(), fonts.diagnostics());
    assertEquals(
        List.of(
            "/home/user/.local/share/fonts", "/home/user/.fonts", "/home/user/.config/fontconfig"),
        binds(fonts.profile()));

    Loader.Result gtk = app("gtk");
    assertEquals(List.of(), gtk.diagnostics());
    List<String> gtkBinds = binds(gtk.profile());
    assertTrue(gtkBinds.containsAll(binds(fonts.profile())), gtkBinds::toString);
    assertTrue(gtkBinds.contains("/home/user/.config/gtk-3.0/settings.ini"), gtkBinds::toString);
    // The bookmarks beside the settings name the user's folders: never the whole directory.
    assertFalse(gtkBinds.contains("/home/user/.config/gtk-3.0"), gtkBinds::toString);
    assertEquals("keyfile", gtk.profile().env().set().get("GSETTINGS_BACKEND"));

    Loader.Result qt = app("qt");
    assertEquals(List.of(), qt.diagnostics());
    assertTrue(binds(qt.profile()).contains("/home/user/.config/qt5ct"));
    assertEquals("wayland", qt.profile().env().set().get("QT_QPA_PLATFORM"));
  }

  @Test
  void browserIsTheDesktopSetWithTheNetworkAndNestedNamespaces() throws IOException {
    Loader.Result r = app("browser");
    Profile p = r.profile();
    assertEquals(new Profile.Wayland(false), p.wayland());
    assertEquals(Set.of(Profile.Audio.PULSE), p.audio());
    assertTrue(p.gpu());
    assertEquals(Profile.Network.HOST, p.network());
    assertEquals(Set.of(Profile.Seccomp.Relax.ALLOW_USERNS), p.seccomp().relax());
    // Both grants are warned about, each where the fragment wrote it.
    assertEquals(2, warnings(r).size(), warnings(r)::toString);
  }
}
