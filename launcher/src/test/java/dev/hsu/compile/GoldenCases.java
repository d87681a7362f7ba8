package dev.hsu.compile;

import static dev.hsu.compile.TestProfiles.p;
import static dev.hsu.compile.TestProfiles.profile;

import dev.hsu.profile.Profile;
import dev.hsu.profile.Profile.FsEntry;
import dev.hsu.profile.Profile.FsEntry.Overlay.Writes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profiles of src/test/resources/golden/NAME.yaml built by hand, as the loader should load
 * them; both must compile to NAME.plan.txt.
 */
final class GoldenCases {
  private GoldenCases() {}

  static Map<String, Profile> all() {
    Map<String, Profile> m = new LinkedHashMap<>();
    m.put("minimal", profile("org.example.Hello", "hello").build());
    m.put(
        "wayland-context",
        profile("org.example.Viewer", "imv").wayland(new Profile.Wayland(false)).build());
    m.put(
        "wayland-direct",
        profile("org.example.Viewer", "imv").wayland(new Profile.Wayland(true)).build());

    m.put(
        "audio",
        profile("org.example.Player", "player")
            .audio(Profile.Audio.PULSE, Profile.Audio.PULSE_RECORD)
            .build());
    m.put("x11", profile("org.example.Xterm", "xterm").x11(true).build());
    m.put(
        "die-with-parent", profile("org.example.Build", "make", "-j2").dieWithParent(true).build());
    m.put(
        "dbus",
        profile("org.example.Player", "player")
            .dbus(
                new Profile.Dbus(
                    new Profile.Bus(
                        List.of("org.example.Other"),
                        List.of("org.freedesktop.Notifications", "org.freedesktop.portal.*"),
                        List.of(
                            "org.example.Player",
                            "org.example.Player.*",
                            "org.mpris.MediaPlayer2.player"),
                        Map.of(
                            "org.freedesktop.portal.Desktop",
                            List.of(
                                "org.freedesktop.portal.Settings.*@/org/freedesktop/portal/desktop")),
                        Map.of("org.freedesktop.portal.*", List.of("*"))),
                    new Profile.Bus(List.of(), List.of(), List.of(), Map.of(), Map.of())))
            .build());
    m.put(
        "portals",
        profile("org.example.Viewer", "viewer")
            .root(false)
            .dbus(
                new Profile.Dbus(
                    new Profile.Bus(
                        List.of(),
                        List.of(),
                        List.of("org.example.Viewer", "org.example.Viewer.*"),
                        Map.of(),
                        Map.of()),
                    null,
                    new Profile.Portals(true)))
            .build());
    m.put("gpu", profile("org.example.Game", "game").gpu(true).build());
    m.put("dri-no-mirror", profile("org.example.Game", "game").root(false).gpu(true).build());

    TestProfiles.Builder b = profile("org.example.Scratch", "scratch", "--new");
    b.name = "Scratch pad";
    m.put(
        "ephemeral-home",
        b.cwd("/tmp")
            .hostname("scratch-box")
            .ids(0, 0)
            .home(new Profile.Home.Ephemeral())
            .network(Profile.Network.HOST)
            .waitDelay(Duration.ofMillis(500))
            .set("EDITOR", "vi")
            .set("PATH", "/opt/scratch/bin:/usr/bin:/bin")
            .pass("WAYLAND_DISPLAY", "NOT_SET_ON_HOST")
            .build());

    m.put(
        "host-home",
        profile("org.example.Notes", "notes")
            .home(new Profile.Home.HostDir(p("/home/user/Sandboxes/notes")))
            .root(true, "opt", "srv")
            .etc(Profile.Etc.Kind.ONLY, "ssl", "fonts", "resolv.conf")
            .build());

    m.put(
        "no-mirror",
        profile("org.example.Minimal", "/usr/bin/true")
            .root(false)
            .etc(Profile.Etc.Kind.NONE)
            .fs(new FsEntry.Bind(p("/usr"), p("/usr"), false, false, false, false))
            .fs(new FsEntry.Symlink(p("/bin"), "usr/bin", false))
            .fs(new FsEntry.Symlink(p("/lib"), "usr/lib", false))
            .fs(new FsEntry.Symlink(p("/lib64"), "usr/lib64", false))
            .build());

    m.put(
        "binds",
        profile("org.example.Editor", "editor", "/home/user/notes.txt")
            .fs(
                new FsEntry.Bind(
                    p("/home/user/Documents"),
                    p("/home/user/Documents"),
                    true,
                    false,
                    false,
                    false))
            .fs(
                new FsEntry.Bind(
                    p("/home/user/Music"), p("/media/music"), false, false, true, false))
            .fs(
                new FsEntry.Bind(
                    p("/home/user/Downloads/editor"),
                    p("/home/user/Downloads"),
                    true,
                    false,
                    false,
                    true))
            .fs(new FsEntry.Bind(p("/srv/data"), p("/srv/data"), false, true, false, false))
            .build());

    TestProfiles.Builder tool = profile("org.example.Tool", "tool");
    m.put(
        "overlays",
        tool.fs(
                new FsEntry.Overlay(
                    p("/opt/tool"), List.of(p("/opt/tool")), Writes.EPHEMERAL, null, null))
            .fs(
                new FsEntry.Overlay(
                    p("/usr/share/tool"),
                    List.of(p("/usr/share/tool"), p("/usr/local/share/tool")),
                    Writes.NONE,
                    null,
                    null))
            .fs(
                new FsEntry.Overlay(
                    p("/var/lib/tool"),
                    List.of(p("/var/lib/tool")),
                    Writes.PERSISTENT,
                    tool.appData().resolve("overlay/var-lib-tool/upper"),
                    tool.appData().resolve("overlay/var-lib-tool/work")))
            .build());

    m.put(
        "files-dirs",
        profile("org.example.Config", "app")
            .fs(new FsEntry.File(p("/etc/app.conf"), "name = \"demo\"\nbell = \u0007\n", 0644))
            .fs(new FsEntry.File(p("/home/user/.apprc"), "secret", 0600))
            .fs(new FsEntry.Mkdir(p("/var/lib/app"), 0755))
            .fs(new FsEntry.Mkdir(p("/srv/drop"), 01733))
            .fs(new FsEntry.Tmpfs(p("/var/cache/app"), 64L << 20, 0700, false))
            .fs(new FsEntry.Tmpfs(p("/empty"), 0, 0755, true))
            .fs(new FsEntry.Remount(p("/usr"), true, true, true))
            .build());

    m.put(
        "devices-daemons",
        profile("org.example.Camera", "camera")
            .device("/dev/dri", false)
            .device("/dev/video0", true)
            .daemon(
                "/usr/bin/dbus-daemon",
                List.of("--session", "--address=unix:path=/run/user/1000/bus"),
                "/run/user/1000/bus",
                Duration.ofSeconds(5))
            .daemon("/usr/libexec/helper", List.of(), "/tmp/helper.ready", Duration.ofMillis(250))
            .build());

    m.put(
        "symlinks",
        profile("org.example.Links", "links")
            .fs(new FsEntry.Symlink(p("/usr/local/bin/python"), "/usr/bin/python3", false))
            .fs(new FsEntry.Symlink(p("/run/host-localtime"), "/etc/localtime", true))
            .build());
    m.put(
        "hardening",
        profile("org.example.Browser", "browser")
            .network(Profile.Network.HOST)
            .device("/dev/dri", false)
            .fs(
                new FsEntry.Bind(
                    p("/home/user/Downloads"), p("/home/user/Downloads"), true, false, false, true))
            .seccomp(
                new Profile.Seccomp(
                    EnumSet.allOf(Profile.Seccomp.Preset.class),
                    EnumSet.of(Profile.Seccomp.Relax.ALLOW_USERNS, Profile.Seccomp.Relax.TTY),
                    List.of(
                        new Profile.Seccomp.Deny("io_uring_setup", 1),
                        new Profile.Seccomp.Deny("keyctl", 38)),
                    List.of(17, 38)))
            .landlock(
                new Profile.Landlock(
                    true,
                    true,
                    false,
                    true,
                    List.of(
                        new Profile.Landlock.Rule(
                            p("/opt/browser"),
                            EnumSet.of(
                                Profile.Landlock.Access.READ, Profile.Landlock.Access.EXECUTE)),
                        new Profile.Landlock.Rule(
                            p("/home/user/Downloads"), EnumSet.of(Profile.Landlock.Access.WRITE))),
                    new Profile.Landlock.Network(List.of(8080), List.of(443, 80))))
            .build());
    return m;
  }
}
