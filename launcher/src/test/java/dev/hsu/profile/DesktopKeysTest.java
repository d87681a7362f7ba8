package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dbus}, {@code audio}, {@code x11} and {@code gpu} keys. */
final class DesktopKeysTest {
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
    return WaylandKeyTest.errors(r);
  }

  static Profile.Bus bus(
      List<String> see,
      List<String> talk,
      List<String> own,
      Map<String, List<String>> call,
      Map<String, List<String>> broadcast) {
    return new Profile.Bus(see, talk, own, call, broadcast);
  }

  static final List<String> OWN_ID = List.of("org.example.App", "org.example.App.*");

  @Test
  void absentKeysGrantNothing() throws IOException {
    Loader.Result r = load(HEAD);
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    Profile p = r.profile();
    assertEquals(Profile.Dbus.NONE, p.dbus());
    assertFalse(p.dbus().any());
    assertEquals(Set.of(), p.audio());
    assertFalse(p.x11());
    assertFalse(p.gpu());
  }

  @Test
  void sessionTrueIsTheDefaultFilter() throws IOException {
    Loader.Result r = load(HEAD + "dbus:\n  session: true\n");
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertEquals(
        new Profile.Dbus(bus(List.of(), List.of(), OWN_ID, Map.of(), Map.of()), null),
        r.profile().dbus());
    r = load(HEAD + "dbus: {system: true, session: false}\n");
    assertEquals(
        new Profile.Dbus(null, bus(List.of(), List.of(), List.of(), Map.of(), Map.of())),
        r.profile().dbus());
    assertEquals(Profile.Dbus.NONE, load(HEAD + "dbus: {}\n").profile().dbus());
  }

  @Test
  void aFilterKeepsOrderAndDropsDuplicates() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "dbus:\n"
                + "  session:\n"
                + "    see: [org.example.Seen]\n"
                + "    talk: [org.freedesktop.Notifications, org.example.Other.*,"
                + " org.freedesktop.Notifications]\n"
                + "    own: [org.mpris.MediaPlayer2.app, org.example.App]\n"
                + "    call:\n"
                + "      org.freedesktop.portal.Desktop: ['org.freedesktop.portal.Settings.Read@/org/freedesktop/portal/desktop', '@/x/*', '*']\n"
                + "    broadcast:\n"
                + "      org.freedesktop.portal.*: ['*']\n"
                + "  system:\n"
                + "    talk: [org.freedesktop.UPower]\n");
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertEquals(
        new Profile.Dbus(
            bus(
                List.of("org.example.Seen"),
                List.of("org.freedesktop.Notifications", "org.example.Other.*"),
                List.of("org.example.App", "org.example.App.*", "org.mpris.MediaPlayer2.app"),
                Map.of(
                    "org.freedesktop.portal.Desktop",
                    List.of(
                        "org.freedesktop.portal.Settings.Read@/org/freedesktop/portal/desktop",
                        "@/x/*",
                        "*")),
                Map.of("org.freedesktop.portal.*", List.of("*"))),
            bus(List.of(), List.of("org.freedesktop.UPower"), List.of(), Map.of(), Map.of())),
        r.profile().dbus());
  }

  @Test
  void busListsAddUpOverFilesAndFalseTurnsABusOff() throws IOException {
    load(
        "base.yaml",
        "dbus:\n  session:\n    talk: [org.example.A]\n    call: {org.example.C: ['a.b.M']}\n"
            + "  system: true\n");
    Loader.Result r =
        load(
            HEAD
                + "extends: [base]\n"
                + "dbus:\n  session:\n    talk: [org.example.B]\n"
                + "    call: {org.example.C: ['a.b.N']}\n");
    assertTrue(r.ok(), r.diagnostics()::toString);
    Profile.Dbus d = r.profile().dbus();
    assertEquals(List.of("org.example.A", "org.example.B"), d.session().talk());
    assertEquals(Map.of("org.example.C", List.of("a.b.M", "a.b.N")), d.session().call());
    assertEquals(List.of(), d.system().talk());
    r = load(HEAD + "extends: [base]\ndbus: {session: true, system: false}\n");
    assertEquals(List.of("org.example.A"), r.profile().dbus().session().talk());
    assertNull(r.profile().dbus().system());
    r = load(HEAD + "extends: [base]\ndbus: {session: false}\n");
    assertNull(r.profile().dbus().session());
    r = load("again.yaml", HEAD + "extends: [base, app2]\n");
    assertFalse(r.ok());
  }

  @Test
  void badNamesAndRulesAreErrors() throws IOException {
    assertEquals(
        List.of(
            "app.yaml:5:12: error: invalid D-Bus name ':1.42': expected a bus name like"
                + " 'org.example.Service' (at least two elements of letters, digits, '_' and '-'"
                + " separated by '.', none starting with a digit), or one followed by '.*' for it"
                + " and every name below it (a unique name like ':1.42' changes with every"
                + " connection; give the service's well-known name)"),
        errors(load(HEAD + "dbus:\n  session:\n    talk: [':1.42']\n")));
    for (String bad :
        List.of("org", "org.*.x", "*", "org.2x", "org..x", "org.example.*.*", "org.ex ample")) {
      assertFalse(load(HEAD + "dbus:\n  session:\n    see: ['" + bad + "']\n").ok(), bad);
    }
    for (String bad :
        List.of("", "@", "Method", "a.b@x", "a.b@/x/", "a.*.c", "a.b@/x/*/y", "**", "a.b.*@")) {
      assertFalse(
          load(HEAD + "dbus:\n  session:\n    call: {org.a.B: ['" + bad + "']}\n").ok(), bad);
    }
    for (String good : List.of("*", "a.b", "a.b.*", "a.b.C@/", "@/a/b", "@/*", "*@/a/*")) {
      Loader.Result r =
          load(HEAD + "dbus:\n  session:\n    broadcast: {org.a.B: ['" + good + "']}\n");
      assertTrue(r.ok(), good + ": " + r.diagnostics());
    }
    assertEquals(
        List.of(
            "app.yaml:6:16: error: expected a list of rules for 'org.a.B' in 'call', got a string"
                + " (write it as a list: [*])"),
        errors(load(HEAD + "dbus:\n  session:\n    call:\n      org.a.B: '*'\n")));
    assertEquals(
        "app.yaml:4:3: error: unknown key 'user' in 'dbus'; expected one of: session, system",
        errors(load(HEAD + "dbus:\n  user: true\n")).get(0));
    assertEquals(
        List.of(
            "app.yaml:4:12: error: expected true, false or a mapping with 'see', 'talk', 'own',"
                + " 'call' and 'broadcast' for 'session', got a string"),
        errors(load(HEAD + "dbus:\n  session: yes\n")));
  }

  @Test
  void anIdThatIsNoBusNameCannotHaveTheSessionBus() throws IOException {
    Loader.Result r = load("id: org.example.2app\ncommand: [app]\ndbus: {session: true}\n");
    assertEquals(
        List.of(
            "app.yaml:3:17: error: the session bus needs an id that is also a D-Bus name, so the"
                + " app can own it: 'org.example.2app' has an element starting with a digit"
                + " (D-Bus names do not allow that)"),
        errors(r));
    assertTrue(load("id: org.example.2app\ncommand: [app]\ndbus: {system: true}\n").ok());
  }

  @Test
  void namesThatRunHostCodeWarn() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "dbus:\n  session:\n    talk: [org.freedesktop.*, org.example.Fine]\n"
                + "    own: [org.gnome.Shell]\n"
                + "  system:\n    call: {org.freedesktop.systemd1: ['*']}\n");
    assertTrue(r.ok(), r.diagnostics()::toString);
    assertEquals(
        List.of(
            "app.yaml:5:12: warning: D-Bus 'talk' to 'org.freedesktop.*' reaches every interface"
                + " of 'org.freedesktop.portal.Desktop', the host registry where a caller names its"
                + " own app id included; 'portals: true' grants the portals by interface"
                + " (docs/portals.md)",
            "app.yaml:5:12: warning: D-Bus 'talk' to 'org.freedesktop.*', which covers"
                + " 'org.freedesktop.systemd1': that service can run programs or change settings"
                + " outside the sandbox",
            "app.yaml:6:11: warning: D-Bus 'own' of 'org.gnome.Shell': the app can pose as"
                + " 'org.gnome.Shell' to other programs of your session",
            "app.yaml:8:39: warning: D-Bus 'call' rules for 'org.freedesktop.systemd1': that"
                + " service can run programs or change settings outside the sandbox"),
        HardeningKeysTest.warnings(r));
  }

  @Test
  void audioForms() throws IOException {
    Set<Profile.Audio> play = Set.of(Profile.Audio.PULSE);
    Set<Profile.Audio> rec = Set.of(Profile.Audio.PULSE, Profile.Audio.PULSE_RECORD);
    assertEquals(Set.of(), load(HEAD + "audio: none\n").profile().audio());
    assertEquals(Set.of(), load(HEAD + "audio: []\n").profile().audio());
    assertEquals(play, load(HEAD + "audio: pulse\n").profile().audio());
    assertEquals(play, load(HEAD + "audio: [pulse, pulse]\n").profile().audio());
    assertEquals(play, load(HEAD + "audio: {pulse: true}\n").profile().audio());
    assertEquals(play, load(HEAD + "audio: {pulse: {}}\n").profile().audio());
    assertEquals(play, load(HEAD + "audio: {pulse: {record: false}}\n").profile().audio());
    Loader.Result r = load(HEAD + "audio: {pulse: {record: true}}\n");
    assertEquals(rec, r.profile().audio());
    assertEquals(
        List.of(
            "app.yaml:3:8: warning: 'audio: {pulse: {record: true}}' lets the app record from every"
                + " source, the monitors of what other apps play included"),
        HardeningKeysTest.warnings(r));
    assertEquals(
        List.of(
            "app.yaml:3:8: error: unknown value 'pulseaudio' for 'audio' (did you mean 'pulse'?);"
                + " expected one of: none, pulse"),
        errors(load(HEAD + "audio: pulseaudio\n")));
    assertEquals(
        List.of(
            "app.yaml:3:16: error: unknown value 'none' for an 'audio' entry; expected one of:"
                + " pulse"),
        errors(load(HEAD + "audio: [pulse, none]\n")));
    assertEquals(
        List.of(
            "app.yaml:3:8: error: expected 'none', 'pulse', a list of them or {pulse: {record:"
                + " true}} for 'audio', got a boolean"),
        errors(load(HEAD + "audio: true\n")));
    assertEquals(
        List.of("app.yaml:3:17: error: unknown key 'recrd' in 'pulse' (did you mean 'record'?)"),
        errors(load(HEAD + "audio: {pulse: {recrd: true}}\n")));
    // PipeWire's native socket is refused, in every form, with the reason.
    for (String form :
        List.of("audio: pipewire\n", "audio: [pulse, pipewire]\n", "audio: {pipewire: true}\n")) {
      List<String> e = errors(load(HEAD + form));
      assertEquals(1, e.size(), e::toString);
      assertTrue(
          e.get(0)
                  .contains(
                      "error: 'audio: pipewire' is refused: every client of PipeWire 0.3 may"
                          + " create nodes from factories that load a library by a path the client names")
              && e.get(0)
                  .endsWith(
                      "use 'audio: pulse' instead: hsu filters the PulseAudio"
                          + " protocol, which pipewire-pulse serves too"),
          e.get(0));
    }
    load("base.yaml", "audio: {pulse: {record: true}}\n");
    assertEquals(play, load(HEAD + "extends: [base]\naudio: pulse\n").profile().audio());
    assertEquals(rec, load(HEAD + "extends: [base]\n").profile().audio());
    assertEquals(Set.of(), load(HEAD + "extends: [base]\naudio: none\n").profile().audio());
  }

  @Test
  void x11IsOptInWithAWarningAndWorseWithTheHostNetwork() throws IOException {
    Loader.Result r = load(HEAD + "x11: true\n");
    assertTrue(r.profile().x11());
    String warning =
        "app.yaml:3:6: warning: 'x11: true' connects the app to your X server, which isolates no"
            + " client from another: the app can read every window's contents and keystrokes,"
            + " inject input and read the clipboard";
    assertEquals(List.of(warning), HardeningKeysTest.warnings(r));
    r = load(HEAD + "x11: true\nnetwork: host\n");
    assertEquals(
        List.of(
            warning
                + "; with 'network: host' it shares the host's network too, so it may also reach"
                + " an X server listening on TCP or the abstract socket '@/tmp/.X11-unix/X<n>' of"
                + " any display (not just the granted one)",
            "app.yaml:4:10: warning: 'network: host' shares the host's network: the app can reach"
                + " every service listening on this machine and the whole network, and it sees the"
                + " host's network interfaces (in /sys and /proc/net)"),
        HardeningKeysTest.warnings(r));
    r = load(HEAD + "x11: false\n");
    assertTrue(r.diagnostics().isEmpty());
    assertFalse(r.profile().x11());
    assertEquals(
        List.of("app.yaml:3:6: error: expected true or false for 'x11', got a string"),
        errors(load(HEAD + "x11: \"true\"\n")));
    load("base.yaml", "x11: true\ngpu: true\n");
    r = load(HEAD + "extends: [base]\nx11: false\n");
    assertFalse(r.profile().x11());
    assertTrue(r.profile().gpu());
  }

  @Test
  void gpuIsABoolean() throws IOException {
    Loader.Result r = load(HEAD + "gpu: true\n");
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertTrue(r.profile().gpu());
    assertEquals(
        List.of("app.yaml:3:6: error: expected true or false for 'gpu', got a list"),
        errors(load(HEAD + "gpu: [/dev/dri]\n")));
  }
}
