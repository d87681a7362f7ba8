package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hsu check} on grants that expose the runtime directory, the sockets of the session's
 * services, or what the sandbox must not be able to change (bubblewrap's tests found {@code bind:
 * /tmp} handing over a runtime directory under /tmp without a word).
 */
final class ExposureTest {
  @TempDir Path dir;

  static final String HEAD = "id: org.example.App\ncommand: [app]\n";

  // A login session's runtime directory: without one, hsu's would be /tmp/hsu-1000
  // (RuntimeDirTest).
  final Map<String, String> env =
      new HashMap<>(
          Map.of("HOME", "/home/user", "USER", "user", "XDG_RUNTIME_DIR", "/run/user/1000"));

  Loader.Result load(String text) throws IOException {
    Path f = dir.resolve("app.yaml");
    Files.writeString(f, text);
    return new Loader(HostFacts.fromEnvironment(env, 1000, 1000, "user"), List.of()).load(f);
  }

  List<String> shown(Loader.Result r) {
    String prefix = dir.resolve("app.yaml") + ":";
    return r.diagnostics().stream()
        .map(Loader::render)
        .map(s -> s.lines().findFirst().get())
        .map(s -> s.startsWith(prefix) ? s.substring(prefix.length()) : s)
        .toList();
  }

  static final String PAST =
      ": the app gets them as they are on the host, past hsu's filters and grants";

  @Test
  void aBindOfTmpHoldingTheRuntimeDirectoryNamesIt() throws IOException {
    env.put("XDG_RUNTIME_DIR", "/tmp/xdg-1000");
    Loader.Result r = load(HEAD + "filesystem:\n  - bind: /tmp\n");
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(
        List.of(
            "4:11: warning: bind of \"/tmp\" exposes your runtime directory, with every socket in"
                + " it \"/tmp/xdg-1000\", the X11 display sockets \"/tmp/.X11-unix\""
                + PAST),
        shown(r));
  }

  @Test
  void bindsOfRunNameTheRuntimeDirectoryAndTheSystemBus() throws IOException {
    Loader.Result r = load(HEAD + "filesystem:\n  - bind: /run\n  - bind: /run/user\n");
    assertEquals(
        List.of(
            "4:11: warning: bind of \"/run\" exposes your runtime directory, with every socket in"
                + " it \"/run/user/1000\", the D-Bus system bus socket (unfiltered)"
                + " \"/run/dbus/system_bus_socket\""
                + PAST,
            "5:11: warning: bind of \"/run/user\" exposes your runtime directory, with every socket"
                + " in it \"/run/user/1000\""
                + PAST),
        shown(r));
  }

  @Test
  void eachSocketIsNamedWhereTheEnvironmentPutsIt() throws IOException {
    env.put("WAYLAND_DISPLAY", "/srv/sock/wl");
    env.put("PULSE_SERVER", "unix:/srv/sock/pulse");
    env.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=/srv/sock/bus,guid=1");
    Loader.Result r =
        load(
            HEAD
                + "filesystem:\n"
                + "  - bind: /srv/sock\n"
                + "  - bind: ${XDG_RUNTIME_DIR}/pipewire-0\n"
                + "  - bind: /tmp/.X11-unix/X0\n");
    assertEquals(
        List.of(
            "4:11: warning: bind of \"/srv/sock\" exposes the D-Bus session bus socket (unfiltered)"
                + " \"/srv/sock/bus\", the Wayland compositor's raw socket \"/srv/sock/wl\", the"
                + " PulseAudio socket (unfiltered) \"/srv/sock/pulse\""
                + PAST,
            "5:11: warning: bind of \"/run/user/1000/pipewire-0\" exposes the PipeWire socket"
                + " \"/run/user/1000/pipewire-0\""
                + PAST),
        shown(r));
  }

  @Test
  void readOnlyGrantsOfWhatTheSandboxMustNotChangeAreWarnings() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "filesystem:\n"
                + "  - bind: ${HOME}/.config\n"
                + "  - overlay: /apps\n"
                + "    lower: [\"${HOME}/.local/share\"]\n");
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(
        List.of(
            "4:11: warning: bind of \"/home/user/.config\" exposes hsu's configuration and your"
                + " profiles \"/home/user/.config/hsu\", your systemd user units"
                + " \"/home/user/.config/systemd/user\""
                + PAST,
            "6:13: warning: overlay lower \"/home/user/.local/share\" exposes your menu entries"
                + " \"/home/user/.local/share/applications\""
                + PAST),
        shown(r));
  }

  @Test
  void writableGrantsOfWhatTheSandboxMustNotChangeAreRefused() throws IOException {
    env.put("XDG_CONFIG_HOME", "/home/user/conf");
    String refuse =
        ": a sandbox must not be able to change its own next run, so hsu refuses it; grant it"
            + " read-only, or only the directories the app needs";
    Loader.Result r =
        load(
            HEAD
                + "home: \"${HOME}\"\n"
                + "filesystem:\n"
                + "  - {bind: /home/user/conf/hsu/profiles, writable: true}\n"
                + "  - {bind: \"${XDG_DATA_HOME}/applications\", writable: true}\n"
                + "  - {overlay: /x, writes: persistent, upper: /home/user/conf/systemd/user/u,"
                + " work: /home/user/w}\n");
    assertFalse(r.ok());
    assertEquals(
        List.of(
            "3:7: error: 'home' set to \"/home/user\" would let the app change hsu's configuration"
                + " and your profiles \"/home/user/conf/hsu\", your menu entries"
                + " \"/home/user/.local/share/applications\", your systemd user units"
                + " \"/home/user/conf/systemd/user\""
                + refuse,
            "5:12: error: writable bind of \"/home/user/conf/hsu/profiles\" would let the app"
                + " change hsu's configuration and your profiles \"/home/user/conf/hsu\""
                + refuse,
            "6:12: error: writable bind of \"/home/user/.local/share/applications\" would let the"
                + " app change your menu entries \"/home/user/.local/share/applications\""
                + refuse,
            "7:46: error: persistent overlay's upper directory \"/home/user/conf/systemd/user/u\""
                + " would let the app change your systemd user units"
                + " \"/home/user/conf/systemd/user\""
                + refuse),
        shown(r));
  }

  @Test
  void grantsBesideThemSayNothing() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "filesystem:\n"
                + "  - bind: /usr\n"
                + "  - {bind: \"${HOME}/Documents\", writable: true}\n"
                + "  - bind: ${XDG_RUNTIME_DIR}/doc\n"
                + "  - {bind: \"${HOME}/.config/app\", writable: true}\n");
    assertTrue(r.ok(), shown(r)::toString);
    assertEquals(List.of(), shown(r));
  }
}
