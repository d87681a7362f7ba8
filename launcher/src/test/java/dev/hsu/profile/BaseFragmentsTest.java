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
              "dbus.yaml",
              "desktop.yaml",
              "gpu.yaml",
              "network.yaml",
              "pulseaudio.yaml",
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
}
