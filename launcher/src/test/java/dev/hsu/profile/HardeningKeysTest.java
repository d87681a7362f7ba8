package dev.hsu.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hsu.base.AbsPath;
import dev.hsu.profile.Profile.Landlock;
import dev.hsu.profile.Profile.Landlock.Access;
import dev.hsu.profile.Profile.Seccomp;
import dev.hsu.profile.Profile.Seccomp.Preset;
import dev.hsu.profile.Profile.Seccomp.Relax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `seccomp` and `landlock` keys: reading, defaults, merging and the warnings of hsu check. */
final class HardeningKeysTest {
  @TempDir Path dir;

  static final String HEAD = "id: org.example.App\ncommand: [app]\n";

  Loader.Result load(String text) throws IOException {
    return load("app.yaml", text);
  }

  Loader.Result load(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return TestHost.loader().load(f);
  }

  static List<String> warnings(Loader.Result r) {
    return r.diagnostics().stream()
        .filter(d -> d.severity() == Diagnostic.Severity.WARNING)
        .map(d -> BadProfilesTest.firstLine(d, d.file()))
        .toList();
  }

  @Test
  void absentKeysGiveTheSafeDefaults() throws IOException {
    Loader.Result r = load(HEAD);
    assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
    assertEquals(Seccomp.defaults(), r.profile().seccomp());
    assertEquals(EnumSet.allOf(Preset.class), r.profile().seccomp().presets());
    assertEquals(Landlock.defaults(), r.profile().landlock());
    assertEquals(new Landlock(true, true, true, true, List.of(), null), r.profile().landlock());

    Loader.Result empty = load(HEAD + "seccomp: {}\nlandlock: {}\n");
    assertEquals(Seccomp.defaults(), empty.profile().seccomp());
    assertEquals(Landlock.defaults(), empty.profile().landlock());
  }

  @Test
  void everyKeyIsRead() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "network: host\n"
                + "seccomp:\n"
                + "  presets: [deny-tty, common, ext, deny-ns, deny-devel]\n"
                + "  relax: [allow-ptrace, tty, allow-ptrace]\n"
                + "  deny:\n"
                + "    - io_uring_setup\n"
                + "    - {syscall: keyctl, errno: ENOSYS}\n"
                + "    - {syscall: personality, errno: EWOULDBLOCK}\n"
                + "  socket-families: [packet, bluetooth, packet]\n"
                + "landlock:\n"
                + "  required: true\n"
                + "  scopes: {signal: false}\n"
                + "  filesystem: auto\n"
                + "  rules:\n"
                + "    - path: ${HOME}/shared\n"
                + "      access: [read]\n"
                + "    - path: /srv/data\n"
                + "      access: [write, read, execute]\n"
                + "  network:\n"
                + "    bind: [8080, 0]\n"
                + "    connect: [443, 80, 443]\n");
    assertTrue(r.ok(), () -> r.diagnostics().stream().map(Loader::render).toList().toString());
    Seccomp s = r.profile().seccomp();
    assertEquals(EnumSet.allOf(Preset.class), s.presets());
    assertEquals(List.of(Preset.values()), List.copyOf(s.presets())); // declaration order
    assertEquals(EnumSet.of(Relax.ALLOW_PTRACE, Relax.TTY), s.relax());
    assertEquals(
        List.of(
            new Seccomp.Deny("io_uring_setup", 1),
            new Seccomp.Deny("keyctl", 38),
            new Seccomp.Deny("personality", 11)),
        s.deny());
    assertEquals(List.of(17, 31), s.socketFamilies()); // duplicates kept once
    Landlock l = r.profile().landlock();
    assertTrue(l.required());
    assertTrue(l.scopeAbstractUnix());
    assertEquals(false, l.scopeSignal());
    assertTrue(l.autoFilesystem());
    assertEquals(
        List.of(
            new Landlock.Rule(AbsPath.of("/home/user/shared"), Set.of(Access.READ)),
            new Landlock.Rule(
                AbsPath.of("/srv/data"), Set.of(Access.READ, Access.WRITE, Access.EXECUTE))),
        l.rules());
    assertEquals(new Landlock.Network(List.of(8080, 0), List.of(443, 80)), l.network());
  }

  @Test
  void emptyPresetListTurnsEveryPresetOff() throws IOException {
    Loader.Result r = load(HEAD + "seccomp:\n  presets: []\n");
    assertTrue(r.ok());
    assertEquals(Set.of(), r.profile().seccomp().presets());
    assertEquals(
        List.of(
            "app.yaml:4:12: warning: seccomp 'presets' leaves out the default presets common, ext,"
                + " deny-ns, deny-tty, deny-devel: the syscall filter is weaker than the default"),
        warnings(r));
  }

  @Test
  void basesMergeAsDocumented() throws IOException {
    load(
        "base.yaml",
        "network: host\n"
            + "seccomp:\n"
            + "  presets: [common]\n"
            + "  relax: [allow-userns]\n"
            + "  deny: [{syscall: keyctl, errno: ENOSYS}, acct]\n"
            + "  socket-families: [can]\n"
            + "landlock:\n"
            + "  required: false\n"
            + "  scopes: {abstract-unix: false, signal: false}\n"
            + "  rules: [{path: /srv/a, access: [read]}]\n"
            + "  network: {connect: [443]}\n");
    Loader.Result r =
        load(
            HEAD
                + "extends: [base.yaml]\n"
                + "seccomp:\n"
                + "  presets: [common, ext, deny-ns, deny-tty, deny-devel]\n"
                + "  relax: [allow-ptrace]\n"
                + "  deny: [keyctl]\n"
                + "  socket-families: [alg, can]\n"
                + "landlock:\n"
                + "  scopes: {signal: true}\n"
                + "  rules: [{path: /srv/b, access: [write]}]\n"
                + "  network: {bind: [8000], connect: [80]}\n");
    assertTrue(r.ok(), () -> r.diagnostics().stream().map(Loader::render).toList().toString());
    Seccomp s = r.profile().seccomp();
    assertEquals(EnumSet.allOf(Preset.class), s.presets()); // the later list replaces
    assertEquals(EnumSet.of(Relax.ALLOW_PTRACE, Relax.ALLOW_USERNS), s.relax()); // concatenated
    // concatenated; the later errno for keyctl wins, in the earlier place
    assertEquals(List.of(new Seccomp.Deny("keyctl", 1), new Seccomp.Deny("acct", 1)), s.deny());
    assertEquals(List.of(29, 38), s.socketFamilies());
    Landlock l = r.profile().landlock();
    assertEquals(false, l.required()); // from the base, not given again
    assertEquals(false, l.scopeAbstractUnix()); // each scope on its own
    assertTrue(l.scopeSignal());
    assertEquals(
        List.of(AbsPath.of("/srv/a"), AbsPath.of("/srv/b")),
        l.rules().stream().map(Landlock.Rule::path).toList());
    assertEquals(new Landlock.Network(List.of(8000), List.of(443, 80)), l.network());
  }

  @Test
  void landlockNetworkMayComeBeforeTheHostNetworkOfAnotherFile() throws IOException {
    load("net.yaml", "network: host\n");
    Loader.Result ok = load(HEAD + "extends: [net.yaml]\nlandlock: {network: {connect: [443]}}\n");
    assertTrue(ok.ok(), ok.diagnostics()::toString);
    // ... but a later 'network: none' takes the host network away again
    load("ports.yaml", "network: host\nlandlock: {network: {connect: [443]}}\n");
    Loader.Result bad = load(HEAD + "extends: [ports.yaml]\nnetwork: none\n");
    assertNull(bad.profile());
    Diagnostic d = bad.diagnostics().get(0);
    assertEquals(dir.resolve("ports.yaml"), d.file());
    assertTrue(d.message().startsWith("landlock 'network' limits the TCP ports"), d.message());
  }

  @Test
  void filesystemNoneIsKnownAndRulesOfABaseConflictWithIt() throws IOException {
    Loader.Result r = load(HEAD + "landlock: {filesystem: none}\n");
    assertTrue(r.ok());
    assertEquals(false, r.profile().landlock().autoFilesystem());
    load("rules.yaml", "landlock: {rules: [{path: /srv, access: [read]}]}\n");
    Loader.Result bad = load(HEAD + "extends: [rules.yaml]\nlandlock: {filesystem: none}\n");
    assertNull(bad.profile());
    assertTrue(
        bad.diagnostics().get(0).message().contains("(the first at rules.yaml:1)"),
        bad.diagnostics().get(0).message());
  }

  @Test
  void unknownSyscallIsAWarningWithAHint() throws IOException {
    Loader.Result r = load(HEAD + "seccomp:\n  deny: [io_uring_setp, mseal]\n");
    assertTrue(r.ok());
    assertEquals(
        List.of(
            "app.yaml:4:10: warning: unknown syscall 'io_uring_setp' (did you mean"
                + " 'io_uring_setup'?); hsu-init refuses the profile if libseccomp does not know it"
                + " either"),
        warnings(r));
  }

  @Test
  void everyDangerousGrantIsAWarningWhereItWasWritten() throws IOException {
    Loader.Result r =
        load(
            HEAD
                + "network: host\n"
                + "devices: [/dev/dri]\n"
                + "filesystem:\n"
                + "  - bind: ${HOME}/Documents\n"
                + "    writable: true\n"
                + "  - bind: /dev/bus/usb\n"
                + "    device: true\n"
                + "seccomp:\n"
                + "  presets: [common, ext, deny-ns, deny-devel]\n"
                + "  relax: [allow-ptrace, allow-userns, tty, multiarch]\n"
                + "landlock:\n"
                + "  required: false\n"
                + "  filesystem: none\n");
    assertTrue(r.ok(), () -> r.diagnostics().stream().map(Loader::render).toList().toString());
    assertEquals(
        List.of(
            "app.yaml:3:10: warning: 'network: host' shares the host's network: the app can reach"
                + " every service listening on this machine and the whole network, and it sees the"
                + " host's network interfaces (in /sys and /proc/net)",
            "app.yaml:4:11: warning: device access to \"/dev/dri\": the app talks to its kernel"
                + " driver directly",
            "app.yaml:8:11: warning: device access to \"/dev/bus/usb\": the app talks to kernel"
                + " drivers directly",
            "app.yaml:11:12: warning: seccomp 'presets' leaves out the default preset deny-tty: the"
                + " syscall filter is weaker than the default",
            "app.yaml:12:11: warning: seccomp relax 'allow-ptrace' lets the app ptrace the"
                + " processes of its sandbox (read and change their memory)",
            "app.yaml:12:25: warning: seccomp relax 'allow-userns' lets the app create namespaces"
                + " (unshare, clone, setns, chroot): a large kernel attack surface",
            "app.yaml:12:39: warning: seccomp relax 'tty' keeps the terminal's session: the app"
                + " shares your terminal's job control (TIOCSTI stays denied)",
            "app.yaml:12:44: warning: seccomp relax 'multiarch' allows the x32 and i386 syscall"
                + " ABIs, which syscall filters easily miss",
            "app.yaml:14:13: warning: landlock 'required: false': on a kernel without (all of)"
                + " Landlock the app runs with less protection, after a one-line warning",
            "app.yaml:15:15: warning: landlock 'filesystem: none': Landlock does not restrict the"
                + " filesystem, only the mounts do"),
        warnings(r));
  }

  @Test
  void warningsOfABaseCarryItsFileAndAHomeBelowTheRealOneIsFine() throws IOException {
    load("net.yaml", "network: host\n");
    Loader.Result r = load(HEAD + "extends: [net.yaml]\nhome: ${HOME}/sandboxes/app\n");
    assertTrue(r.ok());
    assertEquals(1, warnings(r).size(), warnings(r)::toString);
    assertEquals(dir.resolve("net.yaml"), r.diagnostics().get(0).file());
  }

  @Test
  void aProfileWithErrorsIsRefusedEvenWhenItAlsoHasWarnings() throws IOException {
    Loader.Result r = load(HEAD + "network: host\nhostname: -bad\n");
    assertNull(r.profile());
  }
}
