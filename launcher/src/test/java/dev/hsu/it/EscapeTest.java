package dev.hsu.it;

import static dev.hsu.it.Sandbox.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Escape attempts from inside real sandboxes (docs/security.md): each asserts the specific failure,
 * and where it is cheap, that the profile relaxing that one defence lets the same attempt through,
 * so the assertion is known to be able to fail.
 */
class EscapeTest extends SandboxTestBase {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SECCOMP_WITHOUT_DENY_TTY =
      "seccomp: {relax: [tty], presets: [common, ext, deny-ns, deny-devel]}";

  // ---- the attempts work on the host: the probe reports real successes ----

  @Test
  void theProbeCanEscalateOnTheHost() {
    assertEquals("OK", onHost("unshare", "user").ok().line());
    assertEquals("OK", onHost("clone3", "user").ok().line());
    assertEquals(List.of("userns OK", "OK"), onHost("in-userns", "mount-tmpfs", "/tmp").lines());
    assertEquals("OK", onHost("ptrace-child").ok().line());
    Path setuid = setuidRootBinary();
    Map<String, String> creds = onHost("exec-creds", setuid.toString(), "--help").fields();
    assertEquals("0", ids(creds.get("uid")).get(1), "the host run of a setuid binary: " + creds);
  }

  // ---- 1. terminal injection (a terminal from `script`: the sandbox inherits it) ----

  @Test
  void terminalIsInheritedButIsNotTheControllingOne() {
    Map<String, String> f = launchInPty(sb.profile().probe("tty")).fields();
    assertEquals("1", f.get("isatty0"), "the sandbox got no terminal to attack: " + f);
    assertEquals("ENXIO", f.get("ctty"), "the app shares the caller's terminal session: " + f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "high"})
  void tiocstiAndTioclinuxFail(String bits) {
    launchInPty(sb.profile().probe(tty("tiocsti", bits))).assertErrno("EPERM");
    launchInPty(sb.profile().probe(tty("tioclinux", bits))).assertErrno("EPERM");
  }

  @Test
  void theTerminalCannotBeTakenAsControllingTerminal() {
    // It is still the caller's session's: without CAP_SYS_ADMIN it cannot be stolen.
    launchInPty(sb.profile().probe("tiocsctty", "0")).assertErrno("EPERM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "high"})
  void keptSessionStillRefusesTiocstiAndTioclinux(String bits) {
    var p = sb.profile().yaml("seccomp: {relax: [tty]}");
    assertEquals("yes", launchInPty(p.probe("tty")).fields().get("ctty"), "session not kept");
    launchInPty(p.probe(tty("tiocsti", bits))).assertErrno("EPERM");
    launchInPty(p.probe(tty("tioclinux", bits))).assertErrno("EPERM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "high"})
  void withoutDenyTtyTheSameInjectionGoesThrough(String bits) {
    var p = sb.profile().yaml(SECCOMP_WITHOUT_DENY_TTY);
    // The injected space echoes before the probe's answer.
    Result sti = launchInPty(p.probe(tty("tiocsti", bits)));
    assertEquals("OK", sti.line().trim(), sti::describe);
    // A pty has no TIOCLINUX: the kernel's own answer, not the filter's.
    launchInPty(p.probe(tty("tioclinux", bits))).assertErrno("ENOTTY");
  }

  // ---- 6. abstract unix sockets of the host ----

  @Test
  void abstractSocketOfTheHostIsRefusedInTheOwnNetworkNamespace() {
    String name = "@hsu-it-" + UUID.randomUUID();
    try (Running listener = hostListener(name)) {
      assertEquals("OK", onHost("connect-unix", name).ok().line());
      sb.profile().probe("connect-unix", name).launch().assertErrno("ECONNREFUSED");
      assertTrue(listener.process().isAlive(), "the host listener went away");
    }
  }

  @Test
  void abstractSocketOfTheHostIsScopedAwayWithTheHostNetwork() {
    String name = "@hsu-it-" + UUID.randomUUID();
    try (Running listener = hostListener(name)) {
      var p = sb.profile().yaml("network: host");
      p.probe("connect-unix", name).launch().assertErrno("EPERM");
      var unscoped = sb.profile().yaml("network: host\nlandlock: {scopes: {abstract-unix: false}}");
      assertEquals("OK", unscoped.probe("connect-unix", name).launch().ok().line());
      assertTrue(listener.process().isAlive(), "the host listener went away");
    }
  }

  // ---- 8. signals and ptrace ----

  @Test
  void hostProcessesAreNotVisible() {
    String host = Long.toString(ProcessHandle.current().pid());
    sb.profile().probe("stat", "/proc/" + host).launch().assertErrno("ENOENT");
    List<String> pids =
        Arrays.asList(sb.profile().probe("pids").launch().fields().get("pids").split(","));
    assertFalse(pids.contains(host), "the test JVM's pid is visible inside: " + pids);
    sb.profile().probe("kill", host, "0").launch().assertErrno("ESRCH");
    sb.profile().probe("ptrace-attach", host).launch().assertErrno("EPERM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "TERM", "KILL", "STOP"})
  void signallingPid1IsScopedAway(String signal) {
    sb.profile().probe("kill", "1", signal).launch().assertErrno("EPERM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "TERM", "KILL"})
  void signallingPid1ThroughAPidfdIsScopedAway(String signal) {
    sb.profile().probe("pidfd-kill", "1", signal).launch().assertErrno("EPERM");
  }

  @Test
  void withoutTheSignalScopePid1CanBeSignalled() {
    var p = sb.profile().yaml("landlock: {scopes: {signal: false}}");
    assertEquals("OK", p.probe("kill", "1", "0").launch().ok().line());
    assertEquals("OK", p.probe("pidfd-kill", "1", "0").launch().ok().line());
  }

  @Test
  void daemonsAreAnotherDomainEvenWithAllowPtrace() {
    String name = "@hsu-it-daemon-" + UUID.randomUUID();
    var p = withListeningDaemon(name, "seccomp: {relax: [allow-ptrace]}");
    Result r = p.launch();
    assertTrue(r.line().matches("daemon=[0-9]+"), () -> "no daemon found\n" + r.describe());
    String d = r.line().substring("daemon=".length());
    assertEquals(
        List.of(
            "kill " + d + " 0: ERR EPERM Operation not permitted",
            "pidfd-kill " + d + " 0: ERR EPERM Operation not permitted",
            "ptrace-attach " + d + ": ERR EPERM Operation not permitted",
            "connect-unix " + name + ": ERR EPERM Operation not permitted"),
        r.lines().subList(1, r.lines().size()),
        r::describe);
  }

  @Test
  void withoutTheScopesTheDaemonCanBeSignalledAndReached() {
    String name = "@hsu-it-daemon-" + UUID.randomUUID();
    String scopesOff = "landlock: {scopes: {signal: false, abstract-unix: false}}";
    Result r = withListeningDaemon(name, scopesOff).launch();
    String d = r.line().substring("daemon=".length());
    List<String> lines = r.lines();
    assertEquals("kill " + d + " 0: OK", lines.get(1), r::describe);
    assertEquals("pidfd-kill " + d + " 0: OK", lines.get(2), r::describe);
    assertEquals("connect-unix " + name + ": OK", lines.get(4), r::describe);
  }

  /**
   * A profile whose daemon is the probe listening on {@code name}; the app (a shell) finds the
   * daemon's pid, prints "daemon=PID", then signals, ptraces and connects to it, one line each.
   */
  private Sandbox.Profile withListeningDaemon(String name, String yaml) {
    String listen = Sandbox.PROBE + " listen-unix " + name + " 60";
    String daemon = listen + " | { read -r line; touch /tmp/ready; cat >/dev/null; }";
    String app =
        "for p in /proc/[0-9]*; do\n"
            + "  [ \"$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)\" = '"
            + listen
            + " ' ] && d=$${p#/proc/}\n"
            + "done\n"
            + "echo daemon=$d\n"
            + "for a in \"kill $d 0\" \"pidfd-kill $d 0\" \"ptrace-attach $d\" \"connect-unix "
            + name
            + "\"; do\n"
            + "  echo \"$a: $("
            + Sandbox.PROBE
            + " $a)\"\n"
            + "done\n";
    return sb.profile()
        .command("/bin/sh", "-c", app)
        .yaml(yaml)
        .yaml("wait-delay: 0s")
        .yaml(
            "daemons:\n  - {program: /bin/sh, args: [-c, "
                + q(daemon)
                + "], ready-path: /tmp/ready}");
  }

  @Test
  void ptraceIsDenied() {
    sb.profile().probe("ptrace-attach", "1").launch().assertErrno("EPERM");
    sb.profile().probe("ptrace-child").launch().assertErrno("EPERM");
  }

  @Test
  void allowPtraceReachesOnlyTheSandboxsOwnChildren() {
    var p = sb.profile().yaml("seccomp: {relax: [allow-ptrace]}");
    assertEquals("OK", p.probe("ptrace-child").launch().ok().line());
    p.probe("ptrace-attach", "1").launch().assertErrno("EPERM");
    String host = Long.toString(ProcessHandle.current().pid());
    p.probe("ptrace-attach", host).launch().assertErrno("ESRCH");
  }

  // ---- 7. no privilege regain: namespaces, mounts ----

  @ParameterizedTest
  @CsvSource({
    "EPERM, unshare, user",
    "EPERM, unshare, mnt",
    "EPERM, unshare, net",
    "EPERM, clone, user",
    "EPERM, clone, 'mnt,pid'",
    "ENOSYS, clone3, none",
    "ENOSYS, clone3, user",
    "EPERM, setns, /proc/self/ns/uts",
    "EPERM, mount-tmpfs, /tmp",
    "EPERM, chroot, /",
  })
  void namespaceAndRootChangesAreDenied(String errno, String command, String arg) {
    sb.profile().probe(command, arg).launch().assertErrno(errno);
  }

  @Test
  void bindMountAndPivotRootAreDenied() {
    sb.profile().probe("bind-mount", "/usr", "/tmp").launch().assertErrno("EPERM");
    sb.profile().probe("pivot-root", "/tmp", "/tmp").launch().assertErrno("EPERM");
  }

  @Test
  void allowUsernsNestsAUserNamespaceButMountsStayDenied() {
    var p = sb.profile().yaml("seccomp: {relax: [allow-userns]}");
    assertEquals("OK", p.probe("unshare", "user").launch().ok().line());
    assertEquals("OK", p.probe("clone", "user").launch().ok().line());
    assertEquals("OK", p.probe("clone3", "user").launch().ok().line());
    Result r = p.probe("in-userns", "mount-tmpfs", "/tmp").launch();
    assertEquals("userns OK", r.line(), r::describe);
    assertTrue(r.lines().get(1).startsWith("ERR EPERM "), r::describe);
  }

  @Test
  void aNestedMountNeedsBothSeccompAndLandlockRelaxed() {
    String noDenyNs = "seccomp: {presets: [common, ext, deny-tty, deny-devel]}";
    // Landlock alone still refuses the mount.
    Result landlock =
        sb.profile().yaml(noDenyNs).probe("in-userns", "mount-tmpfs", "/tmp").launch();
    assertEquals(List.of("userns OK"), landlock.lines().subList(0, 1), landlock::describe);
    assertTrue(landlock.lines().get(1).startsWith("ERR EPERM "), landlock::describe);
    Result none =
        sb.profile()
            .yaml(noDenyNs + "\nlandlock: {filesystem: none}")
            .probe("in-userns", "mount-tmpfs", "/tmp")
            .launch();
    assertEquals(List.of("userns OK", "OK"), none.ok().lines(), none::describe);
  }

  // ---- 7. no privilege regain: setuid, capabilities ----

  @Test
  void setuidBinaryGainsNothing() {
    Path setuid = setuidRootBinary();
    Map<String, String> st = sb.profile().probe("stat", setuid.toString()).launch().fields();
    assertEquals("4", st.get("mode").substring(0, 1), "the setuid bit is not visible: " + st);
    Map<String, String> creds =
        sb.profile().probe("exec-creds", setuid.toString(), "--help").launch().fields();
    String uid = Integer.toString(tree.uid());
    assertEquals(List.of(uid, uid, uid, uid), ids(creds.get("uid")), "uids: " + creds);
    String gid = Integer.toString(tree.gid());
    assertEquals(List.of(gid, gid, gid, gid), ids(creds.get("gid")), "gids: " + creds);
    for (String line : sb.profile().probe("mountinfo").launch().ok().lines()) {
      String[] f = line.split(" ");
      assertTrue(List.of(f[5].split(",")).contains("nosuid"), () -> "without nosuid: " + line);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ids: {uid: 0, gid: 0}"})
  void noCapabilityInAnySet(String ids) {
    var p = sb.profile();
    if (!ids.isEmpty()) p.yaml(ids);
    Result r = p.probe("caps").launch();
    Map<String, String> f = r.fields();
    for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
      assertEquals(0L, Long.parseUnsignedLong(f.get(set), 16), () -> set + "\n" + r.describe());
    }
    assertEquals("1", f.get("no_new_privs"), r::describe);
  }

  // ---- kernel interfaces: keys, bpf, perf, secondary ABIs, socket families ----

  @ParameterizedTest
  @ValueSource(strings = {"keyctl", "bpf", "perf-open", "io-uring", "userfaultfd"})
  void kernelInterfacesAreDenied(String command) {
    sb.profile().probe(command).launch().assertErrno("EPERM");
  }

  @ParameterizedTest
  @ValueSource(strings = {"keyctl", "perf-open", "io-uring", "userfaultfd"})
  void withoutThePresetsTheKernelGivesItsOwnAnswer(String command) {
    // Sysctls (perf_event_paranoid, io_uring_disabled, ...) decide: the same answer as the host's.
    var p = sb.profile().yaml("seccomp: {presets: []}");
    assertEquals(onHost(command).line(), p.probe(command).launch().line());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0040000", "0400000", "0000008"})
  void personalityChangesAreDenied(String flags) {
    // ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, PER_LINUX32 (low byte 8): each would weaken the app.
    sb.profile().probe("personality", flags).launch().assertErrno("EPERM");
    var relaxed = sb.profile().yaml("seccomp: {presets: [common, ext, deny-ns, deny-tty]}");
    assertEquals("OK", relaxed.probe("personality", flags).launch().ok().line());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "ffffffff"})
  void personalityQueriesStillWork(String value) {
    assertEquals("OK", sb.profile().probe("personality", value).launch().ok().line());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "ids: {uid: 0, gid: 0}"})
  void kernelKnobsInProcAreNotWritable(String ids) {
    var p = sb.profile();
    if (!ids.isEmpty()) p.yaml(ids);
    p.probe("write", "/proc/sys/kernel/core_pattern", "|/tmp/x").launch().assertErrno("EACCES");
    p.probe("write", "/proc/sys/vm/overcommit_memory", "1").launch().assertErrno("EACCES");
    p.probe("write", "/proc/sys/vm/drop_caches", "3").launch().assertErrno("EACCES");
  }

  // The secondary ABIs: what the filter hsu-init loads answers (its BPF) on every kernel, and
  // what the kernel answers inside the sandbox where this kernel has the ABI. Without IA-32
  // emulation delivered, int $0x80 kills the caller before any filter runs; without
  // CONFIG_X86_X32_ABI an x32 call is ENOSYS with or without a filter: nothing to see at run time.

  @Test
  void i386AndX32SyscallsAreDeniedByTheFilter() {
    var p = sb.profile();
    assertEquals("errno ENOSYS", KernelFeatures.filterAnswer(sb, p, "i386", 20));
    assertEquals("errno ENOSYS", KernelFeatures.filterAnswer(sb, p, "x32", 39));
    assertEquals("allow", KernelFeatures.filterAnswer(sb, p, "x86_64", 39));
  }

  @Test
  void multiarchFilterLetsI386AndX32Through() {
    var p = sb.profile().yaml("seccomp: {relax: [multiarch]}");
    assertEquals("allow", KernelFeatures.filterAnswer(sb, p, "i386", 20));
    assertEquals("allow", KernelFeatures.filterAnswer(sb, p, "x32", 39));
    // The presets still hold for the i386 ABI: keyctl is 288 there.
    assertEquals("errno EPERM", KernelFeatures.filterAnswer(sb, p, "i386", 288));
  }

  @Test
  void i386SyscallsFailInTheSandboxWhereTheKernelHasTheAbi() {
    if (!KernelFeatures.i386Abi(tree)) {
      // Not a skip: this kernel cannot run an i386 syscall at all (the probe's child died of
      // SIGSEGV without any filter), and the filter's answer is proven above.
      System.out.println(
          "i386 ABI absent on this kernel: int $0x80 kills the caller without any"
              + " filter; the filter's BPF is checked instead (i386AndX32SyscallsAreDeniedByTheFilter)");
      assertEquals("errno ENOSYS", KernelFeatures.filterAnswer(sb, sb.profile(), "i386", 20));
      return;
    }
    sb.profile().probe("int80-getpid").launch().assertErrno("ENOSYS");
    Result r = sb.profile().yaml("seccomp: {relax: [multiarch]}").probe("int80-getpid").launch();
    assertTrue(r.ok().line().matches("pid=[0-9]+"), r::describe);
  }

  @Test
  void x32SyscallsFailInTheSandboxWhereTheKernelHasTheAbi() {
    if (!KernelFeatures.x32Abi(tree)) {
      System.out.println(
          "x32 ABI absent on this kernel: an x32 call is ENOSYS with or without a"
              + " filter; the filter's BPF is checked instead (i386AndX32SyscallsAreDeniedByTheFilter)");
      assertEquals("errno ENOSYS", KernelFeatures.filterAnswer(sb, sb.profile(), "x32", 39));
      return;
    }
    sb.profile().probe("x32-getpid").launch().assertErrno("ENOSYS");
    Result r = sb.profile().yaml("seccomp: {relax: [multiarch]}").probe("x32-getpid").launch();
    assertTrue(r.ok().line().matches("pid=[0-9]+"), r::describe);
  }

  @ParameterizedTest
  @CsvSource({
    "packet, raw",
    "packet, dgram",
    "bluetooth, raw",
    "alg, seqpacket",
    "vsock, stream",
    "key, raw",
    "17, raw",
    "46, dgram"
  })
  void unusualSocketFamiliesAreDenied(String family, String type) {
    sb.profile().probe("socket", family, type).launch().assertErrno("EAFNOSUPPORT");
  }

  @Test
  void anAddedSocketFamilyReachesTheKernelAndOnlyThatOne() {
    var p = sb.profile().yaml("seccomp: {socket-families: [packet]}");
    // Past the filter, the kernel wants CAP_NET_RAW, which the app does not have.
    p.probe("socket", "packet", "raw").launch().assertErrno("EPERM");
    p.probe("socket", "alg", "seqpacket").launch().assertErrno("EAFNOSUPPORT");
    assertEquals("OK", p.probe("socket", "unix", "stream").launch().ok().line());
  }

  // ---- host paths outside the grants ----

  @Test
  void symlinkPlantedInAWritableBindLeadsNowhere() throws IOException {
    Path rw = sb.hostDir("rw");
    Files.createSymbolicLink(rw.resolve("host-planted"), sb.canary);
    FileTime before = Files.getLastModifiedTime(sb.canary);
    var p = sb.profile().fs("{bind: " + q(rw) + ", to: /data, writable: true}");
    p.probe("read", "/data/host-planted").launch().assertErrno("ENOENT");
    p.probe("symlink", sb.canary.toString(), "/data/app-planted").launch().ok();
    p.probe("read", "/data/app-planted").launch().assertErrno("ENOENT");
    p.probe("symlink", "/proc/1/root" + sb.canary, "/data/via-pid1").launch().ok();
    p.probe("read", "/data/via-pid1").launch().assertErrno("EACCES");
    p.probe("write", "/data/via-pid1", "pwned").launch().assertErrno("EACCES");
    assertCanaryUntouched(before);
  }

  @Test
  void dotDotWalksStayInsideTheSandbox() throws IOException {
    Path rw = sb.hostDir("rw");
    var p = sb.profile().fs("{bind: " + q(rw) + ", to: /data, writable: true}");
    p.probe("read", "/data/../../../../.." + sb.canary).launch().assertErrno("ENOENT");
    p.probe("read", "../".repeat(24) + sb.canary.toString().substring(1))
        .launch()
        .assertErrno("ENOENT");
    Path fromRoot = sb.root.relativize(sb.canary);
    p.probe("read", "/data/../../" + fromRoot).launch().assertErrno("ENOENT");
  }

  @Test
  void procSelfRootIsTheSandboxsRoot() {
    assertEquals(
        "hsu\n", sb.profile().probe("read", "/proc/self/root/etc/hostname").launch().ok().stdout());
    sb.profile().probe("read", "/proc/self/root" + sb.canary).launch().assertErrno("ENOENT");
  }

  @Test
  void procOneRootAndCwdAreRefused() {
    sb.profile().probe("stat", "/proc/1/root/").launch().assertErrno("EACCES");
    sb.profile().probe("read", "/proc/1/root" + sb.canary).launch().assertErrno("EACCES");
    sb.profile().probe("read", "/proc/1/root/etc/hostname").launch().assertErrno("EACCES");
    sb.profile().probe("ls", "/proc/1/cwd/").launch().assertErrno("EACCES");
  }

  @Test
  void fileHandlesCannotBeOpened() throws IOException {
    Path rw = sb.hostDir("rw");
    Files.writeString(rw.resolve("visible.txt"), "visible\n");
    long canaryInode = ((Number) Files.getAttribute(sb.canary, "unix:ino")).longValue();
    var p = sb.profile().fs("{bind: " + q(rw) + ", to: /data, writable: true}");
    assertHandleRefused(p.probe("handle-open", "/data/visible.txt").launch());
    // The same handle pointed at the canary's inode (same file system as the bind).
    assertHandleRefused(
        p.probe("handle-open", "/data/visible.txt", Long.toString(canaryInode)).launch());
    assertHandleRefused(p.probe("handle-open", "/etc/hostname").launch());
  }

  @Test
  void readOnlyBindRefusesWritesThroughEveryPath() throws IOException {
    Path ro = sb.hostDir("ro");
    Path rw = sb.hostDir("rw");
    Files.writeString(ro.resolve("a.txt"), "original");
    var p =
        sb.profile()
            .fs("{bind: " + q(ro) + ", to: /data}")
            .fs("{bind: " + q(rw) + ", to: /rw, writable: true}");
    p.probe("write", "/data/a.txt", "changed").launch().assertErrno("EROFS");
    p.probe("write", "/proc/self/root/data/a.txt", "changed").launch().assertErrno("EROFS");
    p.probe("symlink", "/data/a.txt", "/rw/to-ro").launch().ok();
    p.probe("write", "/rw/to-ro", "changed").launch().assertErrno("EROFS");
    p.probe("write", "/rw/../data/new.txt", "x").launch().assertErrno("EROFS");
    assertEquals("original", Files.readString(ro.resolve("a.txt")));
    assertEquals(List.of("a.txt"), names(ro));
  }

  @Test
  void landlockRefusesWhatAWritableMountWouldAllow() {
    // A whiteout (0:0) needs no capability: only Landlock's MAKE_CHAR, which is never granted.
    sb.profile().probe("mknod-char", "/tmp/whiteout", "0", "0").launch().assertErrno("EACCES");
    String home = sb.home.resolve("whiteout").toString();
    sb.profile().probe("mknod-char", home, "0", "0").launch().assertErrno("EACCES");
    var none = sb.profile().yaml("landlock: {filesystem: none}");
    assertEquals("OK", none.probe("mknod-char", "/tmp/whiteout", "0", "0").launch().ok().line());
  }

  // ---- 4. the app cannot change its own next run ----

  @Test
  void hostFilesThatShapeTheNextRunAreOutOfReach() throws IOException {
    var p = sb.profile();
    List<Path> hostFiles =
        List.of(
            p.write(),
            Files.writeString(sb.home.resolve(".bashrc"), "host rc\n"),
            Files.writeString(sb.home.resolve(".profile"), "host rc\n"),
            hostFile(sb.configHome.resolve("hsu/profiles/app.yaml")),
            hostFile(sb.configHome.resolve("autostart/app.desktop")),
            hostFile(sb.configHome.resolve("systemd/user/app.service")),
            hostFile(sb.dataHome.resolve("applications/app.desktop")));
    for (Path f : hostFiles) {
      p.probe("stat", f.toString()).launch().assertErrno("ENOENT");
      p.probe("write", f.toString(), "pwned").launch();
      assertFalse(Files.readString(f).contains("pwned"), f + " was changed from inside");
    }
    // hsu itself: new files next to the launcher, the init and the jar (never the real ones).
    for (Path dir :
        List.of(tree.repo(), tree.hsuInit().getParent(), tree.repo().resolve("launcher/target"))) {
      Path f = dir.resolve("hsu-it-pwned");
      Result r = p.probe("write", f.toString(), "pwned").launch();
      boolean created = Files.deleteIfExists(f);
      assertFalse(created, f + " was created from inside");
      assertEquals(1, r.exit(), r::describe);
      assertTrue(r.line().matches("ERR (ENOENT|EROFS) .*"), r::describe);
    }
  }

  // ---- the host network ----

  @Test
  void hostNetworkIsUnreachable() throws IOException {
    assertNotEquals(HostProcs.ns("net"), sb.profile().probe("ns", "net").launch().ok().line());
    try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(listener.getLocalPort());
      sb.profile().probe("connect-tcp", "127.0.0.1", port).launch().assertErrno("ECONNREFUSED");
      Optional<String> external = hostIPv4();
      if (external.isPresent()) {
        sb.profile().probe("connect-tcp", external.get(), port).launch().assertErrno("ENETUNREACH");
      }
      var host = sb.profile().yaml("network: host");
      assertEquals("OK", host.probe("connect-tcp", "127.0.0.1", port).launch().ok().line());
    }
  }

  // ---- 11. the environment ----

  @Test
  void hostEnvironmentDoesNotLeak() {
    Map<String, String> secrets =
        Map.of(
            "HSU_IT_SECRET_TOKEN", "s3cr3t",
            "GITHUB_TOKEN", "ghp_hsu_it",
            "LD_PRELOAD", "",
            "LD_LIBRARY_PATH", "/nonexistent/hsu-it",
            "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/hsu-it-bus",
            "SSH_AUTH_SOCK", "/nonexistent/hsu-it-agent",
            "DISPLAY", ":99",
            "WAYLAND_DISPLAY", "hsu-it-wayland");
    sb.extraEnv.putAll(secrets);
    Result r = sb.profile().probe("env").launch().ok();
    List<String> names = r.lines().stream().map(l -> l.substring(0, l.indexOf('='))).toList();
    for (String secret : secrets.keySet()) {
      assertFalse(names.contains(secret), () -> secret + " leaked in\n" + r.describe());
    }
    Set<String> allowed =
        Set.of(
            "HOME",
            "USER",
            "LOGNAME",
            "PATH",
            "XDG_RUNTIME_DIR",
            "SHELL",
            "TERM",
            "COLORTERM",
            "LANG",
            "LANGUAGE",
            "LC_ALL",
            "TZ");
    assertTrue(allowed.containsAll(names), r::describe);
    Result passed =
        sb.profile().yaml("env: {pass: [HSU_IT_SECRET_TOKEN]}").probe("env").launch().ok();
    assertTrue(passed.lines().contains("HSU_IT_SECRET_TOKEN=s3cr3t"), passed::describe);
  }

  @Test
  void pid1EnvironmentAndMemoryAreRefused() {
    sb.profile().probe("read", "/proc/1/environ").launch().assertErrno("EACCES");
    sb.profile().probe("read", "/proc/1/mem").launch().assertErrno("EACCES");
  }

  // ---- helpers ----

  private static String[] tty(String ioctl, String bits) {
    return bits.equals("high") ? new String[] {ioctl, "0", "high"} : new String[] {ioctl, "0"};
  }

  private static List<String> ids(String commaList) {
    return List.of(commaList.split(","));
  }

  private void assertCanaryUntouched(FileTime before) throws IOException {
    assertEquals("host secret\n", Files.readString(sb.canary));
    assertEquals(before, Files.getLastModifiedTime(sb.canary), "the canary was modified");
  }

  private static void assertHandleRefused(Result r) {
    assertEquals(1, r.exit(), r::describe);
    assertTrue(r.line().startsWith("handle OK "), () -> "no handle to try\n" + r.describe());
    assertTrue(r.lines().get(1).startsWith("ERR EPERM "), r::describe);
  }

  private static Path hostFile(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "host file\n");
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A setuid-root program of the host (the mirrored /usr shows the same one inside). */
  private static Path setuidRootBinary() {
    for (String s :
        List.of("/usr/bin/passwd", "/usr/bin/su", "/usr/bin/mount", "/usr/bin/chfn", "/bin/su")) {
      Path p = Path.of(s);
      try {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        int uid = (Integer) Files.getAttribute(p, "unix:uid");
        if ((mode & 04000) != 0 && uid == 0) return p;
      } catch (IOException | UnsupportedOperationException e) {
        // Not there: try the next one.
      }
    }
    return fail("no setuid-root program (passwd, su, mount, chfn) on this host to try");
  }

  private static Optional<String> hostIPv4() throws IOException {
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!i.isUp() || i.isLoopback()) continue;
      for (InetAddress a : Collections.list(i.getInetAddresses())) {
        if (a instanceof Inet4Address) return Optional.of(a.getHostAddress());
      }
    }
    return Optional.empty();
  }

  /** Runs the probe directly on the host, as the test user, to completion. */
  private Result onHost(String... args) {
    try (Running r = startOnHost(args)) {
      return r.await(Sandbox.TIMEOUT);
    }
  }

  private Running startOnHost(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tree.probe().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(sb.root.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      return new Running(cmd, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A host process listening on a unix socket address (@ for abstract) until closed. */
  private Running hostListener(String address) {
    Running r = startOnHost("listen-unix", address, "60");
    r.awaitLine(l -> l.startsWith("listening "), WAIT);
    return r;
  }

  /**
   * {@code hsu launch} under a new pseudo-terminal (util-linux {@code script}), so the sandbox
   * inherits a terminal as stdin, stdout and stderr; output has its carriage returns removed.
   */
  private Result launchInPty(Sandbox.Profile p) {
    Path script = Path.of("/usr/bin/script");
    assertTrue(Files.isExecutable(script), "util-linux script is needed to give sandboxes a tty");
    String inner =
        shellQuote(tree.hsu().toString()) + " launch " + shellQuote(p.write().toString());
    List<String> cmd = List.of(script.toString(), "-qec", inner, "/dev/null");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(sb.root.toFile());
    pb.environment().clear();
    pb.environment().putAll(sb.baseEnv());
    pb.environment().putAll(sb.extraEnv);
    pb.environment().put("SHELL", "/bin/sh");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try (Running r = new Running(cmd, pb.start())) {
      Result raw = r.await(Sandbox.TIMEOUT);
      String out = raw.stdout().replace("\r", "");
      List<String> described = new ArrayList<>(cmd);
      described.add("(profile:\n" + p.text() + ")");
      return new Result(described, raw.exit(), out.getBytes(StandardCharsets.UTF_8), raw.stderr());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
